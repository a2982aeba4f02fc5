/** The page's own Dutch texts (the dossier's texts come from the model). */
export const HTML_TEXTS = {
  versionLabel: 'Dossierversie',
  offlineVersion: 'lokaal, niet via de broker',
  hashLabel: 'Inhoudshash (SHA-256)',
  shortHashLabel: 'Korte hash',
  contentsHeading: 'Inhoud',
  attachmentsHeading: 'Bijlagen',
  attachmentsCaption: 'Bijlagen bij dit dossier, elk apart te downloaden',
  attachmentColumns: ['Nr.', 'Bestandsnaam', 'Omschrijving', 'Soort bestand', 'Grootte', 'Downloaden'],
  attachmentLink: (number: number) => `Bijlage ${number}`,
  download: (number: number) => `Download bijlage ${number}`,
  noDescription: 'geen omschrijving',
  remarksLabel: 'Opmerkingen van ouders of leerling (reden niet akkoord)',
  colophon:
    'Deze weergave is door de OSO-dossierbroker gemaakt uit precies deze dossierversie; de korte hash ' +
    'bovenaan elke pagina noemt de versie die getoond is.',
  statusLabels: {
    shown: 'Meegestuurd',
    'not-sent': 'Niet meegestuurd',
    'left-out': 'Weggelaten in deze weergave',
    empty: 'Geen gegevens',
  },
} as const;

/** Sizes as "12,3 kB" (1 kB = 1000 bytes), the Dutch decimal comma. */
export function formatSize(byteLength: number): string {
  const BYTES_PER_KB = 1000;
  return `${(byteLength / BYTES_PER_KB).toFixed(1).replace('.', ',')} kB`;
}
