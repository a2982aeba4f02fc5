import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { CanonicalBytes, canonicalHashes } from './canonical-bytes';
import { inzageBasisHash, withoutInzageRemarks, withoutInzageRemarksBytes } from './inzage-basis';

/**
 * The hashes on bytes must equal the hashes first defined on strings, for every input: stored versions,
 * inzage evidence and renderings name them. The string functions are the reference.
 */
const RUNS = 3000;
const check = <T extends unknown[]>(property: fc.IRawProperty<T>) => fc.assert(property, { numRuns: RUNS });

/** What libxml2-wasm's canonicalizeToString did with the chunks: decode each alone, join. */
function referenceString(chunks: Uint8Array[]): string {
  const decoder = new TextDecoder();
  return chunks.map((chunk) => decoder.decode(chunk)).join('');
}

/** Text split at arbitrary byte positions, as libxml2 may flush it (through one reused buffer, as it does). */
function flushThrough(output: CanonicalBytes, bytes: Buffer, cuts: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  const memory = new Uint8Array(bytes.length + 1);
  const ends = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const end of [...ends, bytes.length]) {
    if (end < from) continue;
    memory.set(bytes.subarray(from, end), 0);
    const view = memory.subarray(0, end - from);
    chunks.push(Uint8Array.from(view));
    output.write(view);
    from = end;
  }
  return chunks;
}

/** Characters that matter: markup, JavaScript's Unicode spaces (and U+0085, which is not one), BOM, astral. */
const PIECES = [
  '<',
  '>',
  '</',
  '/',
  ':',
  'o:',
  'x.y-z:',
  '=',
  '"',
  ' ',
  '\n',
  '\t',
  '\r',
  '&lt;',
  'a',
  'é',
  '€',
  '😀',
  'inzage',
  'voorlopigdossier',
  'akkoord',
  'redennietakkoord',
  'inzagedatum',
  'toestemming',
  'true',
  '\u00a0',
  '\u0085',
  '\u1680',
  '\u2000',
  '\u200a',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '\u180e',
];
const arbPieceText = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => parts.join(''));

/** Near-real inzage blocks, each part of them varied, in near-real canonical documents. */
const arbSpace = fc
  .array(fc.constantFrom(' ', '\n', '\t', '\u00a0', '\u2028', '\ufeff', '\u0085', 'x'), {
    maxLength: 3,
  })
  .map((parts) => parts.join(''));
const arbChild = fc
  .tuple(
    arbSpace,
    fc.constantFrom('akkoord', 'redennietakkoord', 'inzage', 'inzagedatum', 'toestemming', 'x'),
    fc.constantFrom('', ' a="1"', ' a=">"', '\u00a0b="2"'),
    fc.string({ maxLength: 8 }),
    fc.boolean(),
  )
  .map(([space, name, attributes, text, nested]) =>
    nested
      ? `${space}<${name}><y>${text}</y></${name}>`
      : `${space}<${name}${attributes}>${text.replace(/</g, '&lt;')}</${name}>`,
  );
const arbBlock = fc
  .tuple(
    fc.constantFrom('', 'o:', 'p.q:'),
    fc.constantFrom('', 'o:'),
    arbSpace,
    fc.array(arbChild, { maxLength: 6 }),
    arbSpace,
    fc.constantFrom('', ' ', '>'),
  )
  .map(([prefix, childPrefix, space, children, end, after]) => {
    const kids = children.map((child) => child.replace(/<(\/?)(?=[a-z])/g, `<$1${childPrefix}`));
    return `<${prefix}inzage${after === '>' ? '' : after}>${space}<${prefix}voorlopigdossier>false</${prefix}voorlopigdossier>${kids.join('')}${end}</${prefix}inzage>`;
  });
const arbDocument = fc
  .tuple(arbPieceText, arbBlock, arbPieceText, fc.boolean())
  .map(
    ([before, block, after, twice]) => `<dossier>${before}${block}${after}${twice ? block : ''}</dossier>`,
  );

describe('the canonical bytes and their hashes equal the string-based reference', () => {
  it('CanonicalBytes gives the UTF-8 of the reference string however the output is cut into chunks', () => {
    check(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), arbPieceText),
        fc.array(fc.nat(), { maxLength: 8 }),
        (text, cuts) => {
          const bytes = Buffer.from(text, 'utf8');
          const output = new CanonicalBytes(0);
          const chunks = flushThrough(output, bytes, cuts);
          expect(output.bytes().equals(Buffer.from(referenceString(chunks), 'utf8'))).toBe(true);
        },
      ),
    );
  });

  it('a chunk cut inside a character, or starting with U+FEFF, is read as the reference read it (not as its bytes)', () => {
    const bytes = Buffer.from('a€\ufeffb', 'utf8'); // a, € (3 bytes), U+FEFF (3 bytes), b
    const output = new CanonicalBytes(0);
    const chunks = flushThrough(output, bytes, [2, 4]);
    const reference = Buffer.from(referenceString(chunks), 'utf8');
    expect(reference.equals(bytes)).toBe(false);
    expect(output.bytes().equals(reference)).toBe(true);
  });

  it('the inzage cut on bytes equals the cut on the string, on random text and on near-real blocks', () => {
    check(
      fc.property(fc.oneof(arbPieceText, arbDocument), (text) => {
        const parts = withoutInzageRemarksBytes(Buffer.from(text, 'utf8'));
        expect(Buffer.concat(parts).toString('utf8')).toBe(withoutInzageRemarks(text));
      }),
    );
  });

  it('both hashes equal the reference hashes of the string', () => {
    check(
      fc.property(arbDocument, (text) => {
        const hashes = canonicalHashes(Buffer.from(text, 'utf8'));
        expect(hashes.contentHash).toBe(createHash('sha256').update(text).digest('hex'));
        expect(hashes.inzageBasisHash).toBe(inzageBasisHash(text));
      }),
    );
  });

  it('the near-real blocks do reach both outcomes: remarks taken out, and blocks left whole', () => {
    const samples = fc.sample(arbDocument, { numRuns: 500, seed: 13 });
    const cut = samples.filter((text) => withoutInzageRemarks(text) !== text);
    expect(cut.length).toBeGreaterThan(20);
    expect(samples.length - cut.length).toBeGreaterThan(20);
  });
});
