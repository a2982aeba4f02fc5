import { createHash } from 'node:crypto';

/**
 * The parents' remarks in a dossier's `inzage` block: whether they agree with the dossier (`akkoord`)
 * and, when not, their zienswijze (`redennietakkoord`, the standard's only field for it). Adding remarks
 * sets both (akkoord Nee needs a reason, BRK.IZ.01), so both are the remarks.
 */
export const INZAGE_REMARK_ELEMENTS: readonly string[] = ['akkoord', 'redennietakkoord'];

/** An element with text content only, as canonical XML writes it (no self-closing tags, `<` escaped). */
const SIMPLE_CHILD = /(\s*)<((?:[A-Za-z_][\w.-]*:)?)([A-Za-z_][\w.-]*)((?:\s[^>]*)?)>([^<]*)<\/\2\3>/y;

/**
 * The dossier's canonical XML (exclusive C14N) with the parents' remarks taken out of its `inzage` block,
 * and the block's layout with them: two versions with the same basis differ at most by those remarks.
 * Canonical XML escapes every `<` in text and attribute values, so each `<` is markup. A block that is not
 * a plain list of simple children (never so in a valid dossier) is left whole: the basis then equals the
 * content, and only the same content keeps an inzage.
 */
export function withoutInzageRemarks(canonical: string): string {
  const start = /<((?:[A-Za-z_][\w.-]*:)?)inzage(?:\s[^>]*)?>\s*<\1voorlopigdossier[\s>]/.exec(canonical);
  if (!start) return canonical;
  const prefix = start[1];
  const open = canonical.indexOf('>', start.index) + 1;
  const kept: string[] = [];
  let at = open;
  for (;;) {
    SIMPLE_CHILD.lastIndex = at;
    const child = SIMPLE_CHILD.exec(canonical);
    if (!child) break;
    if (child[2] !== prefix) return canonical;
    if (!INZAGE_REMARK_ELEMENTS.includes(child[3])) kept.push(child[0].slice(child[1].length));
    at = SIMPLE_CHILD.lastIndex;
  }
  const close = new RegExp(`\\s*</${prefix.replace(/[.]/g, '\\.')}inzage>`, 'y');
  close.lastIndex = at;
  if (!close.exec(canonical)) return canonical;
  return `${canonical.slice(0, open)}${kept.join('')}</${prefix}inzage>${canonical.slice(close.lastIndex)}`;
}

/** SHA-256 (hex) of `withoutInzageRemarks(canonical)`: the version's inzage basis. */
export function inzageBasisHash(canonical: string): string {
  return createHash('sha256').update(withoutInzageRemarks(canonical)).digest('hex');
}
