import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeOnOfficialExamples, officialExampleFiles } from '../../../test/support/official-examples';
import { DossierValidationPool } from './dossier-validation-pool';
import { generateDossier } from './generator';
import { OSO_NAMESPACE } from './oso-standard';
import { inzageBasisHash } from './inzage-basis';

/**
 * The content hash and the inzage basis are a contract (stored versions, inzage evidence and renderings
 * name them): computed on bytes now, they must equal what the string-based computation gave, for the
 * official examples and for generated dossiers in every form the validator lets through (prefixes,
 * unused namespaces, comments, CDATA, character and entity references, non-ASCII and long text, CRLF,
 * a byte order mark). The reference runs the old computation in a thread of its own.
 */
class Reference {
  private readonly worker = new Worker(join(__dirname, 'testing', 'reference-canonical.worker.mjs'));
  private next = 0;
  private readonly waiting = new Map<number, (canonical: string) => void>();

  constructor() {
    this.worker.on('message', ({ id, canonical }: { id: number; canonical: string }) => {
      this.waiting.get(id)?.(canonical);
      this.waiting.delete(id);
    });
  }

  async hashes(bytes: Buffer): Promise<{ contentHash: string; inzageBasisHash: string }> {
    const id = this.next++;
    const canonical = await new Promise<string>((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, bytes });
    });
    return {
      contentHash: createHash('sha256').update(canonical).digest('hex'),
      inzageBasisHash: inzageBasisHash(canonical),
    };
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

const TODAY = '2026-11-22';
const REMARKS = 'REMARKS-PLACEHOLDER';

/** Text pieces: markup characters, Unicode spaces, a BOM, astral characters, runs long enough to cross flushes. */
const TEXT_PIECES = [
  'a',
  'é',
  '€',
  '😀',
  '\ufeff',
  '\u2028',
  '\u00a0',
  '&',
  '<',
  '>',
  '"',
  "'",
  ' ',
  '\t',
  '\n',
  '\r\n',
  ']]',
  'x'.repeat(5000),
  '€'.repeat(3000),
  'é😀'.repeat(2000),
];
const arbText = fc
  .array(fc.constantFrom(...TEXT_PIECES), { minLength: 1, maxLength: 12 })
  .map((parts) => `z${parts.join('')}`);

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const asCharacterReferences = (text: string) =>
  [...text].map((char) => `&#x${char.codePointAt(0)!.toString(16)};`).join('');
const asCdata = (text: string) => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

const arbDossier = fc
  .record({
    profile: fc.constantFrom('POVO', 'POPO', 'VOVO'),
    seed: fc.integer({ min: 1, max: 10_000 }),
    attachments: fc.integer({ min: 0, max: 4 }),
    attachmentBytes: fc.integer({ min: 1, max: 20_000 }),
    remarks: arbText,
    remarksAs: fc.constantFrom('escaped', 'references', 'cdata', 'mixed'),
    prefix: fc.constantFrom('', 'o', 'oso.x-1'),
    unusedNamespace: fc.boolean(),
    comments: fc.array(fc.nat(), { maxLength: 4 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
  })
  .map((d) => {
    let xml = generateDossier({
      profile: d.profile,
      seed: d.seed,
      date: '2026-10-15',
      inzage: { datum: '2026-10-01', akkoord: 'Nee', remarks: REMARKS },
      attachments: { count: d.attachments, bytesEach: d.attachmentBytes },
    }).xml;
    if (d.prefix) {
      xml = xml
        .replace(/<(\/?)([A-Za-z_])/g, `<$1${d.prefix}:$2`)
        .replace(`xmlns="${OSO_NAMESPACE}"`, `xmlns:${d.prefix}="${OSO_NAMESPACE}"`);
    }
    if (d.unusedNamespace) xml = xml.replace(/(<[^?!][^>]*?)(\/?>)/, '$1 xmlns:unused="urn:unused"$2');
    const closings = [...xml.matchAll(/<\/[^>]+>\n/g)];
    for (const at of d.comments
      .map((n) => closings[n % closings.length])
      .sort((a, b) => b.index! - a.index!)) {
      const end = at.index! + at[0].length;
      xml = `${xml.slice(0, end)}<!-- opmerking é ${end} -->\n${xml.slice(end)}`;
    }
    const text = d.remarks;
    const half = Math.floor(text.length / 2);
    const remarks = {
      escaped: escapeText(text),
      references: asCharacterReferences(text),
      cdata: asCdata(text),
      mixed: `${asCdata(text.slice(0, half))}&amp;${escapeText(text.slice(half))}&#x20AC;`,
    }[d.remarksAs];
    xml = xml.replace(REMARKS, remarks);
    if (d.crlf) xml = xml.replace(/\n/g, '\r\n');
    return Buffer.from(`${d.bom ? '\ufeff' : ''}${xml}`, 'utf8');
  });

describe('the content hash on bytes equals the string-based reference', () => {
  let pool: DossierValidationPool;
  let reference: Reference;
  beforeAll(() => {
    pool = new DossierValidationPool({ threads: 1 });
    reference = new Reference();
  });
  afterAll(async () => {
    await pool.close();
    await reference.close();
  });

  it('on generated dossiers in every form the validator reads', async () => {
    await fc.assert(
      fc.asyncProperty(arbDossier, async (bytes) => {
        const verdict = await pool.validate(bytes, {
          today: TODAY,
          ruleSet: 'official',
          withContentHash: true,
        });
        // Facts (and so hashes) exist only for a dossier that passed the schema: no case passes by being refused.
        expect(verdict.errors.filter((error) => error.rule === 'XSD')).toEqual([]);
        expect(verdict.facts).not.toBeNull();
        const { contentHash, inzageBasisHash: basis } = verdict.facts!;
        expect({ contentHash, inzageBasisHash: basis }).toEqual(await reference.hashes(bytes));
        expect(basis).not.toBe(contentHash); // the remarks were taken out
      }),
      { numRuns: 60 },
    );
  });
});

describeOnOfficialExamples(
  'the content hash of the official examples equals the string-based reference',
  () => {
    let pool: DossierValidationPool;
    let reference: Reference;
    beforeAll(() => {
      pool = new DossierValidationPool({ threads: 1 });
      reference = new Reference();
    });
    afterAll(async () => {
      await pool.close();
      await reference.close();
    });

    it.each(officialExampleFiles())('%s', async (file) => {
      const bytes = readFileSync(file);
      const verdict = await pool.validate(bytes, {
        today: TODAY,
        ruleSet: 'official',
        withContentHash: true,
      });
      expect(verdict.facts).not.toBeNull();
      const { contentHash, inzageBasisHash: basis } = verdict.facts!;
      expect({ contentHash, inzageBasisHash: basis }).toEqual(await reference.hashes(bytes));
    });
  },
);
