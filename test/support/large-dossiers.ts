import { DossierRecipe, GeneratedDossier, generateDossier } from '../../libs/oso-dataset/src';
import { DOSSIER_SHAPE_LIMITS } from '../../libs/oso-dataset/src/dossier-shape';

/**
 * The primary school the suites register as the sending school ('00YY00', PO): the generated test
 * dossiers come from it, so they may be staged for its transfers.
 */
export const TEST_PRIMARY_SCHOOL = { code: '00YY00', brin: '00YY', vestiging: '00' } as const;

/**
 * What the tests use as "a valid POVO dossier": generated (`oso generate`), full-looking, from the test
 * primary school, the parents not agreeing (akkoord Nee, with their remarks), fifteen text attachments;
 * seeded, so the same bytes in every run. It passes the schema and the strict rules (the generator's own
 * tests prove that; the suites here check it again where they rely on it).
 */
export const POVO_RECIPE: DossierRecipe = {
  profile: 'POVO',
  seed: 1,
  school: { brin: TEST_PRIMARY_SCHOOL.brin, vestiging: TEST_PRIMARY_SCHOOL.vestiging },
  inzage: { akkoord: 'Nee', remarks: true },
  // About the official POVO example's size (≈180 KB), which the suites' loads and limits were set against.
  attachments: { count: 15, bytesEach: 8 * 1024 },
};
export const POVO_DOSSIER: GeneratedDossier = generateDossier(POVO_RECIPE);
/** Its pupil, as the receiving school names it in a transfer request. */
export const POVO_PUPIL = {
  bsn: POVO_DOSSIER.pupil.bsn as string,
  geboortedatum: POVO_DOSSIER.pupil.geboortedatum,
};
/** The dossier's bytes. */
export const POVO_DOSSIER_BYTES = Buffer.from(POVO_DOSSIER.xml, 'utf8');
/** The same bytes under the name the suites knew when this was the official POVO example. */
export const POVO_EXAMPLE = POVO_DOSSIER_BYTES;

/** The test POVO dossier for another pupil (their number and birth date), otherwise generated alike. */
export function povoDossierFor(pupil: {
  bsn?: string;
  onderwijsnummer?: string;
  geboortedatum: string;
}): Buffer {
  return Buffer.from(generateDossier({ ...POVO_RECIPE, pupil }).xml, 'utf8');
}

/** `documents` placed before the dossier's first attachment (`<document>`), in the same list. */
function beforeFirstDocument(xml: string, documents: string): string {
  const at = xml.indexOf('<document>');
  if (at < 0) throw new Error('the dossier has no attachment to place more beside');
  return xml.slice(0, at) + documents + xml.slice(at);
}

/** Largest decoded attachment per `document`: its base64 stays below libxml2's 10,000,000-byte text node. */
const ATTACHMENT_BYTES = 6 * 1024 * 1024;

/**
 * The test POVO dossier grown to about `totalBytes` with valid text attachments beside its own: a large
 * dossier the strict rules accept, heavy on bytes rather than on elements.
 */
export function dossierWithAttachments(totalBytes: number, base: Buffer = POVO_DOSSIER_BYTES): Buffer {
  const xml = base.toString('utf8');
  const documents: string[] = [];
  let size = xml.length;
  while (size < totalBytes) {
    const content = Buffer.alloc(
      Math.min(ATTACHMENT_BYTES, Math.ceil(((totalBytes - size) * 3) / 4)),
      'Verslag van de leerling; tekst als bijlage.\n',
    );
    const document =
      `<document><bestandsnaam>bijlage-${documents.length + 1}.txt</bestandsnaam>` +
      `<omschrijving>Bijlage</omschrijving><bestandsinhoud>${content.toString('base64')}</bestandsinhoud></document>`;
    documents.push(document);
    size += document.length;
  }
  return Buffer.from(beforeFirstDocument(xml, documents.join('')), 'utf8');
}

/**
 * The heaviest dossier the shape limits let through to libxml2: the test POVO dossier with small
 * attachments up to just below the element limit (about 3.3 MB), plus, when asked, one attachment of
 * `attachmentBytes` decoded. Heavy on elements, so on memory: it needs 32–48 MB of a thread's heap,
 * with a 10 MiB attachment too; the POVO dossier alone fits in 16 MB.
 */
export function dossierAtElementLimit(attachmentBytes = 0, base: Buffer = POVO_DOSSIER_BYTES): Buffer {
  const xml = base.toString('utf8');
  const smallDocument =
    '<document><bestandsnaam>b.txt</bestandsnaam><omschrijving>B</omschrijving>' +
    '<bestandsinhoud>bG9yZW0=</bestandsinhoud></document>';
  const elementsOfBase = (xml.match(/<[A-Za-z]/g) ?? []).length;
  // Four elements per document; a margin for the large attachment's document.
  const count = Math.floor((DOSSIER_SHAPE_LIMITS.elements - elementsOfBase - 8) / 4);
  const large =
    attachmentBytes > 0
      ? '<document><bestandsnaam>groot.txt</bestandsnaam><omschrijving>Groot</omschrijving><bestandsinhoud>' +
        Buffer.alloc(attachmentBytes, 'Verslag van de leerling; tekst als bijlage.\n').toString('base64') +
        '</bestandsinhoud></document>'
      : '';
  return Buffer.from(beforeFirstDocument(xml, large + smallDocument.repeat(count)), 'utf8');
}
