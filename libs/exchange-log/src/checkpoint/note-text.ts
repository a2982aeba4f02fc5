/** Rules shared by signed notes and checkpoints (c2sp.org/signed-note). */

/** ASCII control characters other than newline are not allowed anywhere in a note. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0009\u000b-\u001f]/;
/** A UTF-16 surrogate without its pair: the text did not come from valid UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why `text` cannot be part of a note, or null. */
export function noteCharactersProblem(text: string): string | null {
  if (LONE_SURROGATE.test(text)) return 'it is not valid UTF-8';
  if (CONTROL_CHARACTER.test(text)) return 'it contains an ASCII control character other than newline';
  return null;
}

/** Key names (and the origins that match them) are non-empty, without Unicode spaces or '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && noteCharactersProblem(name) === null;
}

/** Standard base64 with padding (RFC 4648 §4), canonical only: one text per byte string. */
export function decodeStrictBase64(text: string): Buffer | null {
  if (!STRICT_BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}
