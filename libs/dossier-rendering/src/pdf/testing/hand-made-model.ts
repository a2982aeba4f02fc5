import { createHash } from 'node:crypto';
import type { RenderedAttachment, RenderedDossier, RenderedSection } from '../../model/rendered-dossier';
import { SHORT_HASH_LENGTH } from '../../rendering-choice';

/**
 * A model built by hand with every block kind, every section status and hostile text, for the PDF's specs
 * (independent of the model builder). `repeat` multiplies the grades table to make a long document.
 */
export const HOSTILE = {
  markup: '<script>alert("x")</script> & <b>vet</b>',
  longWord: 'Leerlingvolgsysteemrapportage'.repeat(12),
  rightToLeft: 'Naam \u200fعلي\u200f einde',
  diacritics: 'Łukasz Şahin-Őrsi',
};

const CONTENT_HASH = createHash('sha256').update('hand-made model').digest('hex');

export function attachment(number: number, fileName: string, content: string): RenderedAttachment {
  const bytes = Buffer.from(content, 'utf8');
  return {
    number,
    fileName,
    description: `Omschrijving van bijlage ${number}`,
    mediaType: 'text/plain',
    byteLength: bytes.length,
    content: bytes,
    path: `/dossier/documenten/document[${number}]`,
  };
}

export function handMadeModel(
  options: { repeat?: number; versionNumber?: number | null } = {},
): RenderedDossier {
  const attachments = [
    attachment(1, 'verslag.txt', 'Verslag van het gesprek.'),
    attachment(2, 'verslag.txt', 'Een tweede verslag met dezelfde naam.'),
  ];
  const gradeRows = Array.from({ length: (options.repeat ?? 1) * 6 }, (_, index) => [
    { text: `Vak ${index + 1}` },
    { text: String(5 + (index % 5)), meaning: `Cijfer ${index + 1} betekenis` },
    { text: `0${(index % 9) + 1}-03-2024` },
  ]);
  const sections: RenderedSection[] = [
    {
      category: 'cat_leerling',
      title: 'Leerling',
      delivery: 'VERPLICHT',
      status: 'shown',
      notice: null,
      blocks: [
        {
          kind: 'fields',
          fields: [
            {
              label: 'Achternaam',
              value: { text: HOSTILE.diacritics },
              path: '/dossier/leerling/achternaam',
            },
            { label: 'Roepnaam', value: { text: HOSTILE.markup }, path: '/dossier/leerling/roepnaam' },
            { label: 'Opmerking', value: { text: HOSTILE.longWord }, path: '/dossier/leerling/opmerking' },
            { label: 'Schrijfwijze', value: { text: HOSTILE.rightToLeft }, path: '/dossier/leerling/x' },
            {
              label: 'Geboortedatum',
              value: { text: '17-03-2013' },
              path: '/dossier/leerling/geboortedatum',
            },
          ],
        },
        {
          kind: 'group',
          heading: 'Adres',
          blocks: [
            { kind: 'notice', tone: 'secret', text: 'Dit adres is geheim en wordt niet getoond.' },
            {
              kind: 'fields',
              fields: [
                {
                  label: 'Telefoonnummer',
                  value: { text: 'geheim', masked: 'secret' },
                  path: '/dossier/leerling/communicatie/nummer',
                },
              ],
            },
            {
              kind: 'group',
              heading: 'Verzorger 2',
              blocks: [
                { kind: 'notice', tone: 'left-out', text: 'Contactgegevens weggelaten in deze vorm.' },
              ],
            },
          ],
        },
      ],
    },
    {
      category: 'cat_resultaten',
      title: 'Resultaten',
      delivery: 'OPTIONEEL',
      status: 'shown',
      notice: null,
      blocks: [
        { kind: 'table', caption: 'Cijfers', columns: ['Vak', 'Cijfer', 'Datum'], rows: gradeRows },
        { kind: 'attachment', attachment: attachments[0] },
        { kind: 'attachment', attachment: attachments[1] },
        { kind: 'notice', tone: 'info', text: 'Een toelichting bij de resultaten.' },
      ],
    },
    {
      category: 'cat_handelingsplannen',
      title: 'Handelingsplannen',
      delivery: 'OPT-UIT',
      status: 'not-sent',
      notice: 'Niet meegestuurd: de ouders hebben bezwaar gemaakt (OPT-UIT).',
      blocks: [],
    },
    {
      category: 'cat_verzuim',
      title: 'Verzuim',
      delivery: 'OPTIONEEL',
      status: 'empty',
      notice: 'Het dossier bevat geen gegevens over verzuim.',
      blocks: [],
    },
    {
      category: 'cat_onderwijsondersteuning',
      title: 'Onderwijsondersteuning',
      delivery: 'VERPLICHT',
      status: 'left-out',
      notice: 'Weggelaten in deze vorm: bijzondere persoonsgegevens.',
      blocks: [],
    },
  ];
  return {
    identity: {
      versionNumber: options.versionNumber === undefined ? 3 : options.versionNumber,
      contentHash: CONTENT_HASH,
      shortHash: CONTENT_HASH.slice(0, SHORT_HASH_LENGTH),
    },
    choice: { form: 'complete' },
    title: 'Overstapdossier',
    subtitle: `${HOSTILE.diacritics} — Basisschool De Regenboog`,
    formNotice: 'Deze vorm laat niets weg.',
    zienswijze: {
      heading: 'Inzage en zienswijze van de ouders',
      fields: [
        { label: 'Inzage gegeven', value: { text: 'ja' }, path: '/dossier/inzage/inzage' },
        { label: 'Inzagedatum', value: { text: '01-02-2024' }, path: '/dossier/inzage/inzagedatum' },
        { label: 'Akkoord', value: { text: 'nee' }, path: '/dossier/inzage/akkoord' },
        {
          label: 'Reden niet akkoord',
          value: { text: 'Wij zijn het niet eens met het advies.' },
          path: '/dossier/inzage/redennietakkoord',
        },
      ],
      remarks: 'Wij zijn het niet eens met het advies.',
    },
    sections,
    attachments,
  };
}
