/**
 * Who and where a dossier is about, read from its XML, so tests can register the dossier's own school
 * and ask for its own pupil whatever example backs them; and the same dossier for another pupil.
 */
export interface DossierPupil {
  bsn: string;
  geboortedatum: string;
}

function first(xml: string, element: string, from = 0): string {
  const match = new RegExp(`<${element}>\\s*([^<]*?)\\s*</${element}>`).exec(xml.slice(from));
  if (!match) throw new Error(`the dossier has no <${element}>`);
  return match[1];
}

/** The pupil of a dossier: its (first) BSN and birth date. */
export function pupilOf(dossier: Buffer): DossierPupil {
  const xml = dossier.toString('utf8');
  return { bsn: first(xml, 'bsn'), geboortedatum: first(xml, 'geboortedatum') };
}

/** The sending school of a dossier (`huidigeschool`) as a school code: BRIN plus vestiging. */
export function sendingSchoolOf(dossier: Buffer): string {
  const xml = dossier.toString('utf8');
  const from = xml.indexOf('<huidigeschool>');
  if (from < 0) throw new Error('the dossier has no <huidigeschool>');
  return `${first(xml, 'brincode', from)}${first(xml, 'vestigingscode', from)}`;
}

/** The same dossier for another pupil (its BSN and birth date replaced), with an optional further change. */
export function dossierForPupil(
  dossier: Buffer,
  pupil: DossierPupil,
  tweak: (xml: string) => string = (xml) => xml,
): Buffer {
  const xml = dossier
    .toString('utf8')
    .replace(/<bsn>[^<]*<\/bsn>/, `<bsn>${pupil.bsn}</bsn>`)
    .replace(
      /<geboortedatum>[^<]*<\/geboortedatum>/,
      `<geboortedatum>${pupil.geboortedatum}</geboortedatum>`,
    );
  return Buffer.from(tweak(xml), 'utf8');
}

/** `count` different BSNs that pass the elfproef, from `start` on (9·d1 + … + 2·d8 − d9 ≡ 0 mod 11). */
export function validBsns(count: number, start = 10_000_000): string[] {
  const bsns: string[] = [];
  for (let first8 = start; bsns.length < count; first8 += 1) {
    const digits = String(first8).padStart(8, '0');
    const check = [...digits].reduce((sum, digit, index) => sum + Number(digit) * (9 - index), 0) % 11;
    if (check < 10) bsns.push(`${digits}${check}`);
  }
  return bsns;
}
