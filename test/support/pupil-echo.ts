/**
 * "The answer does not repeat the pupil's BSN" is only a check when the request carried a BSN: looking
 * for a BSN that was never sent passes whatever the broker answers. These helpers find the BSNs in what
 * was sent (a dossier's `<bsn>`, a JSON body's `bsn`) and fail loudly when there is none to look for.
 */
const BSN_IN_XML = /<bsn>\s*([0-9]{9})\s*<\/bsn>/g;
const BSN_IN_JSON = /"bsn"\s*:\s*"([0-9]{9})"/g;

/** The BSNs in a request body as sent: XML elements `bsn` or JSON fields `bsn`. */
export function bsnsIn(sent: Buffer | string | object | undefined): string[] {
  if (sent === undefined) return [];
  const text =
    typeof sent === 'string' ? sent : Buffer.isBuffer(sent) ? sent.toString('utf8') : JSON.stringify(sent);
  return [...new Set([...text.matchAll(BSN_IN_XML), ...text.matchAll(BSN_IN_JSON)].map(([, bsn]) => bsn))];
}

/** Asserts that `sent` holds at least one BSN, and that `answer` (raw bytes, text or JSON) repeats none. */
export function expectBsnNotEchoed(
  sent: Buffer | string | object | undefined,
  answer: Buffer | string | object,
): void {
  const bsns = bsnsIn(sent);
  if (bsns.length === 0) {
    throw new Error('no BSN in what was sent, so "the answer does not repeat it" would check nothing');
  }
  const text =
    typeof answer === 'string'
      ? answer
      : Buffer.isBuffer(answer)
        ? answer.toString('utf8')
        : JSON.stringify(answer);
  expect(bsns.filter((bsn) => text.includes(bsn))).toEqual([]);
}

/**
 * What identifies the pupil in a dossier: its BSNs and the pupil's surname (swv-dossiers carry no BSN).
 * Empty only for a dossier that names no pupil at all.
 */
export function pupilIdentifiersIn(xml: string): string[] {
  const pupil = /<leerling>[\s\S]*?<achternaam>\s*([^<]+?)\s*<\/achternaam>/.exec(xml)?.[1];
  return [...bsnsIn(xml), ...(pupil ? [pupil] : [])];
}
