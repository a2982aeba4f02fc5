import { DOSSIER_SHAPE_LIMITS, MAX_FINDINGS } from '@app/oso-dataset';
import { Client } from 'pg';
import { Exchange, startExchange } from '../support/exchange-fixture';
import { VendorClient } from '../support/vendor-client';
import { BZIP2_400_MIB_OF_ZEROS, forgedZip, nestedZip } from './forged-zip';
import {
  MANY_ELEMENTS_TEXT,
  POVO_TEXT,
  leerlingWithAttributes,
  manyAttributes,
  pdfLikeBytes,
  withAttachment,
  withinLeerling,
} from './hostile-dossiers';

/**
 * Hostile XML through the real broker (mutual TLS, signed requests, the validation pool, PostgreSQL):
 * each attack gets its status and code, stores nothing, answers small and in bounded time, and another
 * vendor is served meanwhile. The engine-level variants are in xml-input-engine.int-spec.ts.
 */
const MiB = 1024 * 1024;
const MAX_ANSWER_BYTES = 100 * 1024;

describe('attacks with hostile XML on the API', () => {
  let exchange: Exchange;
  let database: Client;
  let attacker: VendorClient;
  let bystander: VendorClient;

  // Made before any connection is opened: deflating 200 MiB takes seconds on a busy machine, long
  // enough for a kept-alive connection to time out just as the next request goes out.
  let lyingZip: Buffer;

  beforeAll(async () => {
    lyingZip = forgedZip([
      { name: 'word/document.xml', content: Buffer.alloc(200 * MiB), claimedSize: 1_000 },
    ]);
    exchange = await startExchange({ suite: 'xml_input_attacks' });
    ({ database } = exchange);
    ({ po: attacker, vo: bystander } = exchange.clients);
  });

  afterAll(() => exchange?.close());

  const storedVersions = async () =>
    Number((await database.query<{ count: string }>('SELECT count(*) FROM dossier_versions')).rows[0].count);

  /** Stages a hostile dossier; it must be refused as DOSSIER_INVALID for `rule`, storing nothing. */
  async function refusedAtStaging(dossier: string | Buffer, rule: string): Promise<void> {
    const before = await storedVersions();
    const started = Date.now();
    const answer = await attacker.send('POST', '/v1/dossiers', Buffer.from(dossier));
    const errors = answer.body.errors as Array<{ rule: string }> | undefined;
    expect([answer.status, answer.body.error, errors?.[0]?.rule]).toEqual([422, 'DOSSIER_INVALID', rule]);
    expect(answer.raw.length).toBeLessThan(MAX_ANSWER_BYTES);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await storedVersions()).toBe(before);
  }

  /** While `attack` runs, the bystander's light requests are answered, each within a few seconds. */
  async function bystanderServedDuring(attack: Promise<unknown>): Promise<void> {
    let done = false;
    const finished = attack.finally(() => {
      done = true;
    });
    const slowest: number[] = [];
    do {
      const started = Date.now();
      const answer = await bystander.send('POST', '/v1/validate', Buffer.from(POVO_TEXT));
      expect([answer.status, answer.body.valid]).toEqual([200, true]);
      slowest.push(Date.now() - started);
    } while (!done && slowest.length < 20);
    await finished;
    expect(Math.max(...slowest)).toBeLessThan(5_000);
  }

  /**
   * `/v1/validate` refuses a hostile shape with `rule` alone, fast and with a small answer, while the
   * bystander is served; staging refuses it too, storing nothing.
   */
  async function refusedByShapeWhileOthersAreServed(dossier: Buffer, rule: string): Promise<void> {
    const attack = (async () => {
      const started = Date.now();
      const answer = await attacker.send('POST', '/v1/validate', dossier);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ valid: false, findingsOmitted: 0 });
      expect((answer.body.errors as Array<{ rule: string }>).map((error) => error.rule)).toEqual([rule]);
      expect(answer.raw.length).toBeLessThan(MAX_ANSWER_BYTES);
      expect(Date.now() - started).toBeLessThan(10_000);
    })();
    await bystanderServedDuring(attack);
    await refusedAtStaging(dossier, rule);
  }

  it('500,000 attributes: refused by shape, a small answer, fast; another vendor is served meanwhile', async () => {
    const dossier = Buffer.from(leerlingWithAttributes(manyAttributes(500_000, 'Jansen')));
    // Was 21 s and a 160 MB answer.
    await refusedByShapeWhileOthersAreServed(dossier, 'DOSSIER_TOO_MANY_ATTRIBUTES');
  });

  it('a dossier near 18 MB of elements gets a clean 422, not a 500; RSS comes back down', async () => {
    const rssBefore = process.memoryUsage().rss;
    // 18 MB of attributes the schema does not know: was a 500 (RangeError) in the probe.
    const elements = Math.floor((18 * MiB) / 22);
    const hostile = withinLeerling('<x onbekend="Jansen"/>'.repeat(elements));
    expect(hostile.length).toBeGreaterThan(17 * MiB);
    await refusedAtStaging(hostile, 'DOSSIER_TOO_MANY_ELEMENTS');
    // Many findings within the shape limits: at most MAX_FINDINGS listed, the rest counted.
    const findings = MANY_ELEMENTS_TEXT.replace(/<([a-z_]+)>/g, '<$1 onbekend="Jansen">');
    const answer = await attacker.send('POST', '/v1/validate', Buffer.from(findings));
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toHaveLength(MAX_FINDINGS);
    expect(answer.body.findingsOmitted).toBeGreaterThan(500);
    expect(answer.raw.length).toBeLessThan(MAX_ANSWER_BYTES);
    expect(answer.raw.toString('utf8')).not.toContain('Jansen');
    // Staging's 422 carries the same bounded list and count.
    const before = await storedVersions();
    const staged = await attacker.send('POST', '/v1/dossiers', Buffer.from(findings));
    expect([staged.status, staged.body.error]).toEqual([422, 'DOSSIER_INVALID']);
    expect(staged.body.errors).toHaveLength(MAX_FINDINGS);
    expect(staged.body.findingsOmitted).toBe(answer.body.findingsOmitted);
    expect(staged.raw.length).toBeLessThan(MAX_ANSWER_BYTES);
    expect(await storedVersions()).toBe(before);
    // Generous: the probe saw 1.8 to 4 GB for these.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(600 * MiB);
  });

  it('text split into a million CDATA sections: refused by shape, small, fast; another vendor is served', async () => {
    // The probe: 77 s of libxml2's schema check, then valid; each piece copied all joined before it.
    const dossier = Buffer.from(
      POVO_TEXT.replace(
        /<redennietakkoord>[^<]*</,
        () => `<redennietakkoord>${'<![CDATA[x]]>'.repeat(1_000_000)}<`,
      ),
    );
    await refusedByShapeWhileOthersAreServed(dossier, 'DOSSIER_TOO_MANY_NODES');
  });

  it('deep nesting and a huge text node are refused by their own codes', async () => {
    await refusedAtStaging(withinLeerling('<x>'.repeat(50_000) + '</x>'.repeat(50_000)), 'DOSSIER_TOO_DEEP');
    const text = 'A'.repeat(DOSSIER_SHAPE_LIMITS.textCharacters + 1);
    await refusedAtStaging(
      POVO_TEXT.replace(/<achternaam>[^<]*</, `<achternaam>${text}<`),
      'DOSSIER_TEXT_TOO_LARGE',
    );
  });

  it('billion laughs, external entities and a DTD hidden in UTF-16 are refused, storing nothing', async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    await refusedAtStaging(laughs, 'DOSSIER_DTD_FORBIDDEN');
    await refusedAtStaging(
      POVO_TEXT.replace(
        '?>',
        '?>\n<!-- x -->\n<!DOCTYPE dossier [<!ENTITY % p SYSTEM "http://127.0.0.1/x">%p;]>',
      ),
      'DOSSIER_DTD_FORBIDDEN',
    );
    await refusedAtStaging(
      Buffer.from('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', 'utf16le'),
      'DOSSIER_NOT_UTF8',
    );
    await refusedAtStaging(Buffer.from(POVO_TEXT, 'utf16le').swap16(), 'DOSSIER_NOT_UTF8');
  });

  it('an xml-stylesheet instruction and an outside schema location are refused', async () => {
    await refusedAtStaging(
      POVO_TEXT.replace('?>', '?><?xml-stylesheet type="text/xsl" href="http://127.0.0.1/x.xsl"?>'),
      'DOSSIER_PROCESSING_INSTRUCTION',
    );
    await refusedAtStaging(
      POVO_TEXT.replace(
        '<dossier ',
        '<dossier xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://127.0.0.1/oso.xsd" ',
      ),
      'DOSSIER_SCHEMA_LOCATION',
    );
  });

  it('a ZIP whose headers lie, and one nested ten levels deep, are refused (BRK.ATT.04)', async () => {
    await bystanderServedDuring(refusedAtStaging(withAttachment(lyingZip), 'BRK.ATT.04'));
    await refusedAtStaging(withAttachment(nestedZip(10)), 'BRK.ATT.04');
  });

  it('archives behind a byte before them are judged too: a bzip2 entry, a bomb inside a docx, deep nesting', async () => {
    const prefixed = (archive: Buffer) => Buffer.concat([Buffer.from('X'), archive]);
    const bzip2 = forgedZip([
      { name: 'word/document.xml', content: BZIP2_400_MIB_OF_ZEROS, method: 12, claimedSize: 400 * MiB },
    ]);
    const docx = forgedZip([
      { name: 'word/document.xml', content: Buffer.from('<w:document/>') },
      { name: 'word/embeddings/inner.docx', content: prefixed(lyingZip) },
    ]);
    for (const archive of [prefixed(bzip2), docx, nestedZip(10, { prefix: Buffer.from('X') })]) {
      await refusedAtStaging(withAttachment(archive), 'BRK.ATT.04');
    }
  });

  it('an attachment of 10 MiB less a byte is staged; one of 10 MiB and a byte is refused', async () => {
    await refusedAtStaging(withAttachment(pdfLikeBytes(10 * MiB + 1), 'verslag.pdf'), 'BRK.ATT.02');
    const before = await storedVersions();
    const staged = await attacker.send(
      'POST',
      '/v1/dossiers',
      Buffer.from(withAttachment(pdfLikeBytes(10 * MiB - 1), 'verslag.pdf')),
    );
    expect([staged.status, staged.body.error]).toEqual([201, undefined]);
    expect(await storedVersions()).toBe(before + 1);
  });
});
