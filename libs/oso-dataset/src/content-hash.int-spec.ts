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
import { plainCanonicalForm } from './plain-canonical-form';

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
  private readonly waiting = new Map<number, (canonical: string | null) => void>();

  constructor() {
    this.worker.on('message', ({ id, canonical }: { id: number; canonical: string | null }) => {
      this.waiting.get(id)?.(canonical);
      this.waiting.delete(id);
    });
  }

  /** libxml2's canonical form as the old code read it; null when libxml2 cannot parse the bytes. */
  canonical(bytes: Buffer): Promise<string | null> {
    const id = this.next++;
    return new Promise<string | null>((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ id, bytes });
    });
  }

  async hashes(bytes: Buffer): Promise<{ contentHash: string; inzageBasisHash: string }> {
    const canonical = await this.canonical(bytes);
    if (canonical === null) throw new Error('the reference could not parse the dossier');
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
    /** Only forms the canonical form is written from the bytes for (plainCanonicalForm); else any. */
    plain: fc.boolean(),
    remarks: arbText,
    remarksAs: fc.constantFrom('escaped', 'references', 'cdata', 'mixed', 'raw >'),
    tagLayout: fc.constantFrom('', ' ', '\n  ', '\t'),
    attributeQuote: fc.constantFrom('"', "'"),
    attributeValue: fc.constantFrom(
      'Nederland',
      'a > b',
      'Côte d’Ivoire',
      'x &amp; y',
      "'quoted'",
      'x &quot;y&quot;',
      'a\tb',
    ),
    declaration: fc.boolean(),
    prefix: fc.constantFrom('', 'o', 'oso.x-1'),
    unusedNamespace: fc.boolean(),
    comments: fc.array(fc.nat(), { maxLength: 4 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
  })
  .map((drawn) => {
    const d = drawn.plain
      ? {
          ...drawn,
          prefix: '',
          unusedNamespace: false,
          comments: [],
          crlf: false,
          remarks: drawn.remarks.replace(/\ufeff|\r/g, ''),
          remarksAs: drawn.remarksAs === 'escaped' ? 'escaped' : 'raw >',
          attributeValue:
            /[&\t]/.test(drawn.attributeValue) || drawn.attributeValue.includes(drawn.attributeQuote)
              ? 'a > b'
              : drawn.attributeValue,
        }
      : drawn;
    let xml = generateDossier({
      profile: d.profile,
      seed: d.seed,
      date: '2026-10-15',
      inzage: { datum: '2026-10-01', akkoord: 'Nee', remarks: REMARKS },
      attachments: { count: d.attachments, bytesEach: d.attachmentBytes },
    }).xml;
    if (!d.declaration) xml = xml.replace(/^<\?xml[^>]*>\s*/, '');
    xml = xml
      .replace(/<(\/?[A-Za-z_][\w.-]*)>/g, `<$1${d.tagLayout}>`)
      .replace(
        /omschrijving="Nederland"/g,
        `omschrijving${d.tagLayout ? ' = ' : '='}${d.attributeQuote}${d.attributeValue.split(d.attributeQuote).join(d.attributeQuote === '"' ? '&quot;' : '&apos;')}${d.attributeQuote}`,
      );
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
    const remarks = (<Record<string, string>>{
      escaped: escapeText(text),
      references: asCharacterReferences(text),
      cdata: asCdata(text),
      mixed: `${asCdata(text.slice(0, half))}&amp;${escapeText(text.slice(half))}&#x20AC;`,
      'raw >': text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/]]>/g, ']]&gt;'),
    })[d.remarksAs];
    xml = xml.replace(REMARKS, remarks);
    if (d.crlf) xml = xml.replace(/\n/g, '\r\n');
    return Buffer.from(`${d.bom ? '\ufeff' : ''}${xml}`, 'utf8');
  });

/** Small well-formed XML of every kind plainCanonicalForm must either write as libxml2 does or leave alone. */
/** Mostly what a plain dossier holds, sometimes what makes it not plain: both outcomes are compared. */
const mostlyPlain = <T>(plain: T[], other: T[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...plain) },
    { weight: 1, arbitrary: fc.constantFrom(...other) },
  );
const arbName = mostlyPlain(['a', 'b', 'land', 'x-y', 'x.y', 'z9', '_u'], ['p:a', 'q:b']);
const arbAttribute = fc.tuple(
  mostlyPlain(['a', 'b', 'omschrijving', 'a-', 'a.b', 'A'], ['xmlns:p', 'xmlns', 'p:c', 'xml:lang']),
  mostlyPlain(
    ['v', 'a > b', 'é€', ' x ', "'", '', '😀'],
    ['&amp;', '&quot;', '&#x41;', '"', '\t', '\n', '\r'],
  ),
  fc.constantFrom('"', "'"),
  fc.constantFrom('', ' ', '\n'),
);
const arbXmlText = fc
  .array(
    mostlyPlain(
      ['t', ' ', '\n', '\t', '>', '&lt;', '&gt;', '&amp;', 'é', '😀', ']]', 'x'.repeat(300)],
      ['&quot;', '&apos;', '&#x41;', '&#10;', '\ufeff', '\r\n', '<![CDATA[c>]]>', '<!-- c -->', '<?pi x?>'],
    ),
    { maxLength: 5 },
  )
  .map((parts) => parts.join(''));
const namespaceOf = { p: 'urn:p', q: 'urn:q' } as const;
const arbElement: fc.Arbitrary<string> = fc.letrec<{ element: string }>((tie) => ({
  element: fc
    .tuple(
      arbName,
      fc.array(arbAttribute, { maxLength: 3 }),
      fc.array(fc.oneof(arbXmlText, tie('element')), { maxLength: 4 }),
      fc.constantFrom('', ' ', '\n'),
      fc.boolean(),
    )
    .map(([name, attributes, content, layout, selfClosing]) => {
      const written = new Set<string>();
      const declared = new Set<string>();
      let open = `<${name}`;
      for (const [attribute, value, quote, space] of attributes) {
        if (written.has(attribute)) continue;
        written.add(attribute);
        const safe = value.replace(/[<&"']/g, (c) =>
          c === quote ? (quote === '"' ? '&quot;' : '&apos;') : c === '<' ? '&lt;' : c,
        );
        const kept = value.startsWith('&') ? value : safe;
        if (attribute.startsWith('xmlns')) {
          const prefix = attribute.split(':')[1] as keyof typeof namespaceOf | undefined;
          if (prefix) declared.add(prefix);
          open += ` ${attribute}${space}=${space}${quote}${prefix ? namespaceOf[prefix] : OSO_NAMESPACE}${quote}`;
        } else open += ` ${attribute}${space}=${space}${quote}${kept}${quote}`;
      }
      for (const prefix of ['p', 'q'] as const) {
        const used = name.startsWith(`${prefix}:`) || [...written].some((a) => a.startsWith(`${prefix}:`));
        if (used && !declared.has(prefix)) open += ` xmlns:${prefix}="${namespaceOf[prefix]}"`;
      }
      if (selfClosing && content.length === 0) return `${open}${layout}/>`;
      return `${open}${layout}>${content.join('')}</${name}${layout}>`;
    }),
})).element;
const arbXml = fc
  .tuple(
    fc.constantFrom('', '\ufeff'),
    mostlyPlain(
      ['', '<?xml version="1.0" encoding="UTF-8"?>\n', "<?xml version='1.0'?>"],
      ['<!-- c -->\n', '<?xml-stylesheet href="x"?>\n'],
    ),
    fc.array(fc.oneof(arbXmlText, arbElement), { maxLength: 5 }),
    mostlyPlain(
      [
        `<dossier xmlns="${OSO_NAMESPACE}"`,
        `<dossier xmlns='${OSO_NAMESPACE}'`,
        `<dossier  xmlns = "${OSO_NAMESPACE}" `,
      ],
      ['<dossier', `<dossier xmlns="${OSO_NAMESPACE}" a="1"`, `<dossier xmlns="urn:other"`],
    ),
    mostlyPlain(['', '\n', '\n\n  '], ['\n<!-- c -->', '<?pi x?>']),
  )
  .map(([bom, prolog, content, rootOpen, trailer]) => {
    const body = content.join('');
    return `${bom}${prolog}${rootOpen}>${body}</dossier>${trailer}`;
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
    let plainSeen = 0;
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
        if (plainCanonicalForm(bytes)) plainSeen++;
      }),
      { numRuns: 120 },
    );
    // Both ways of writing the canonical form were compared: from the bytes, and libxml2's.
    expect(plainSeen).toBeGreaterThan(20);
    expect(plainSeen).toBeLessThan(110);
  });

  it('writes the same canonical form from the bytes as libxml2 whenever it writes one, on any XML', async () => {
    let written = 0;
    await fc.assert(
      fc.asyncProperty(arbXml, async (xml) => {
        const bytes = Buffer.from(xml, 'utf8');
        const canonical = await reference.canonical(bytes);
        if (canonical === null) return; // never given to plainCanonicalForm: only well-formed dossiers are
        const mine = plainCanonicalForm(bytes);
        if (!mine) return;
        written++;
        expect(mine.toString('utf8')).toBe(canonical);
      }),
      { numRuns: 1500 },
    );
    expect(written).toBeGreaterThan(150);
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
