import { DossierFacts, DossierValidationPool, sendingSectorOf } from '@app/oso-dataset';
import { SCHOOL_SECTORS, SchoolSector } from '@app/registry';
import { createHash } from 'node:crypto';
import { pupilOf } from '../../../../test/support/dossier-pupil';
import { Exchange, SchoolSetup, startExchange } from '../../../../test/support/exchange-fixture';
import {
  describeOnOfficialExamples,
  officialExampleByFileName,
  officialExampleNames,
} from '../../../../test/support/official-examples';
import { VendorClient } from '../../../../test/support/vendor-client';

/**
 * ../shared/oso/README.md: "Every OV example must validate and must be exchangeable end to end." Each
 * official OV example (overstapdossier and binnen-BRIN; the PaO ones go to a samenwerkingsverband, not
 * to a school) goes through the real broker — mutual TLS, signed requests, the validation pool, the
 * vault — exactly as its bytes are: requested for its own pupil, staged, released, fetched unchanged.
 */
const OV_EXAMPLE = /^Voorbeelddossier_OV_.+\.xml$/;

interface OfficialExample {
  fileName: string;
  bytes: Buffer;
  facts: DossierFacts;
}

/** The school code (BRIN + vestiging) of the example's huidigeschool. */
const sourceCodeOf = ({ facts }: OfficialExample) => `${facts.school.brin}${facts.school.vestiging}`;

/** The profile's receiving level: POVO → VO (the sending level is the first part, as the broker reads it). */
const receivingSectorOf = ({ facts }: OfficialExample) =>
  facts.profile.slice(sendingSectorOf(facts.profile).length) as SchoolSector;

/** The request's pupil key, as the receiving school knows its pupil: the BSN or else the onderwijsnummer. */
const pupilKeyOf = ({ facts: { pupil } }: OfficialExample) =>
  pupil.bsn
    ? { bsn: pupil.bsn, geboortedatum: pupil.geboortedatum }
    : { onderwijsnummer: pupil.onderwijsnummer, geboortedatum: pupil.geboortedatum };

/**
 * A receiving school for the example that is not yet `taken`: for an overdrachtbinnenbrin another
 * vestiging of the sending BRIN, for an overstapdossier a school of another BRIN (one per sector).
 */
function receivingSchoolCode(example: OfficialExample, taken: string[]): string {
  const { brin } = example.facts.school;
  if (example.facts.overdrachtsoort !== 'overdrachtbinnenbrin') {
    return `${10 + SCHOOL_SECTORS.indexOf(receivingSectorOf(example))}XZ00`;
  }
  for (let vestiging = 1; ; vestiging += 1) {
    const code = `${brin}${String(vestiging).padStart(2, '0')}`;
    if (!taken.includes(code)) return code;
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * One broker for the examples one school sends as one sector. The examples share their school
 * (00YY00), so the PO examples and the VO examples need a registry each. Each receiving school is
 * registered once: an overstapdossier goes to a school of another BRIN, an overdrachtbinnenbrin to
 * another vestiging of the same BRIN, as the broker requires.
 */
class ExampleExchange {
  private constructor(
    private readonly exchange: Exchange<'sending' | 'receiving'>,
    private readonly targets: Map<string, string>,
  ) {}

  get sending(): VendorClient {
    return this.exchange.clients.sending;
  }

  get receiving(): VendorClient {
    return this.exchange.clients.receiving;
  }

  static async start(name: string, examples: OfficialExample[]): Promise<ExampleExchange> {
    const source = sourceCodeOf(examples[0]);
    // An OV example is sent by a school (not a samenwerkingsverband); the registry refuses any other sector.
    const sector = examples[0].facts.sendingSector as SchoolSector;
    const schools: SchoolSetup[] = [{ code: source, name: 'Testschool', sector }];
    const targets = new Map<string, string>();
    for (const example of examples) {
      const key = ExampleExchange.targetKey(example);
      if (targets.has(key)) continue;
      const code = receivingSchoolCode(example, [source, ...targets.values()]);
      schools.push({ code, name: `Ontvangende school ${key}`, sector: receivingSectorOf(example) });
      targets.set(key, code);
    }
    const exchange = await startExchange({
      suite: `official_${name}`,
      schools,
      vendors: {
        sending: { id: 'sending-las', sends: [source] },
        receiving: { id: 'receiving-las', receives: [...targets.values()] },
      },
    });
    return new ExampleExchange(exchange, targets);
  }

  private static targetKey(example: OfficialExample): string {
    return `${receivingSectorOf(example)}:${example.facts.overdrachtsoort}`;
  }

  /** The receiving school registered for this example. */
  targetFor(example: OfficialExample): string {
    return this.targets.get(ExampleExchange.targetKey(example))!;
  }

  /**
   * Stands in for the release gate of #11, which does not exist yet: every staged dossier waits for
   * evidence, so the test marks the current version released, as the release worker will.
   */
  async releaseInDatabase(transferId: string): Promise<void> {
    await this.exchange.database.query(
      `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
      [transferId],
    );
  }

  close(): Promise<void> {
    return this.exchange.close();
  }
}

describeOnOfficialExamples('the official OV examples, exchanged end to end', () => {
  const fileNames = officialExampleNames().filter((name) => OV_EXAMPLE.test(name));
  const examples = new Map<string, OfficialExample>();
  const exchanges = new Map<string, ExampleExchange>();
  const layoutOf = (example: OfficialExample) => `${sourceCodeOf(example)}_${example.facts.sendingSector}`;

  beforeAll(async () => {
    // The engine's facts (on a worker thread of the built code, as the broker runs it) say who, from
    // where and of which kind each example is.
    const engine = new DossierValidationPool({ threads: 1 });
    try {
      for (const fileName of fileNames) {
        const bytes = Buffer.from(officialExampleByFileName(fileName), 'utf8');
        const { facts } = await engine.validate(bytes, { ruleSet: 'strict' });
        if (!facts) throw new Error(`${fileName} cannot be read as a dossier`);
        examples.set(fileName, { fileName, bytes, facts });
      }
    } finally {
      await engine.close();
    }
    // One broker per registry layout, started one after the other: each start is seconds of CPU.
    const layouts = new Map<string, OfficialExample[]>();
    for (const example of examples.values()) {
      layouts.set(layoutOf(example), [...(layouts.get(layoutOf(example)) ?? []), example]);
    }
    for (const [layout, members] of layouts) {
      exchanges.set(layout, await ExampleExchange.start(layout.toLowerCase(), members));
    }
  });

  afterAll(async () => {
    for (const exchange of exchanges.values()) await exchange.close();
  });

  it('finds every OV profile of the README among the examples, each in full and opt_out', () => {
    const kinds = [...examples.values()].map(({ fileName, facts }) => {
      const variant = /_(full|opt_out)\.xml$/.exec(fileName)?.[1];
      return `${facts.profile}:${facts.overdrachtsoort}:${variant}`;
    });
    for (const kind of [
      'POPO:overstapdossier',
      'POVO:overstapdossier',
      'VOVO:overstapdossier',
      'POPO:overdrachtbinnenbrin',
    ]) {
      expect(kinds).toEqual(expect.arrayContaining([`${kind}:full`, `${kind}:opt_out`]));
    }
  });

  it.each(fileNames)(
    '%s: requested for its pupil, staged as is, released, fetched byte for byte',
    async (fileName) => {
      const example = examples.get(fileName)!;
      const exchange = exchanges.get(layoutOf(example))!;
      const { sending, receiving } = exchange;
      const pupil = pupilKeyOf(example);
      // The engine's pupil is the one in the XML's text, not one it made up.
      if (pupil.bsn) expect(pupil).toEqual(pupilOf(example.bytes));

      const requested = await receiving.post('/v1/transfers', {
        targetSchool: exchange.targetFor(example),
        sourceSchool: sourceCodeOf(example),
        pupil,
        reason: 'overstap',
      });
      expect([requested.status, requested.body.state, requested.body.error]).toEqual([
        201,
        'requested',
        undefined,
      ]);
      const transferId = requested.body.id as string;

      const staged = await sending.put(`/v1/transfers/${transferId}/dossier`, example.bytes);
      expect([staged.status, staged.body.error, staged.body.message]).toEqual([201, undefined, undefined]);
      expect(staged.body.transfers).toEqual([transferId]);
      expect(staged.body.version).toMatchObject({
        version: 1,
        profile: example.facts.profile,
        overdrachtsoort: example.facts.overdrachtsoort,
        byteLength: example.bytes.length,
        contentSha256: sha256(example.bytes),
      });
      expect((await receiving.get(`/v1/transfers/${transferId}`)).body.state).toBe('awaiting_evidence');

      await exchange.releaseInDatabase(transferId);
      const fetched = await receiving.get(`/v1/transfers/${transferId}/dossier`);
      expect(fetched.status).toBe(200);
      expect(sha256(fetched.raw)).toBe(sha256(example.bytes));
      expect(fetched.raw.equals(example.bytes)).toBe(true);
      expect(fetched.headers).toMatchObject({
        'content-type': expect.stringMatching(/^application\/xml/),
        'x-dossier-version': '1',
        'x-dossier-sha256': sha256(example.bytes),
      });

      const receipt = await receiving.post(`/v1/transfers/${transferId}/receipt`);
      expect([receipt.status, receipt.body.state]).toEqual([200, 'received']);
    },
  );
});
