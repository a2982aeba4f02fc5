import type { RenderedAttachment, RenderedIdentity, RenderedValue } from '../model/rendered-dossier';

/** The Dutch texts only the PDF needs; the model carries everything else. */
export const PDF_TEXT = {
  offlineVersion: 'lokaal, niet via de broker',
  creator: 'OSO-dossierbroker',
  attachmentsHeading: 'Bijlagen',
  attachmentsIntro:
    'Elke bijlage zit in dit PDF-bestand ingesloten: open het paneel "Bijlagen" van uw PDF-lezer om er één op te slaan.',
  attachmentColumns: ['Nr.', 'Bestandsnaam', 'Omschrijving', 'Soort', 'Grootte'],
  noDescription: '—',
  remarksHeading: 'Opmerkingen van de ouders of de leerling',
  continued: '(vervolg)',
} as const;

/** A value as both renderings show it: the code, then its meaning next to it. */
export function valueText(value: RenderedValue): string {
  return value.meaning ? `${value.text} — ${value.meaning}` : value.text;
}

const KILOBYTE = 1024;

/** "512 bytes", "12,3 kB", "1,4 MB": Dutch decimal comma. */
export function formatByteLength(byteLength: number): string {
  if (byteLength < KILOBYTE) return `${byteLength} bytes`;
  const kilobytes = byteLength / KILOBYTE;
  if (kilobytes < KILOBYTE) return `${kilobytes.toFixed(1).replace('.', ',')} kB`;
  return `${(kilobytes / KILOBYTE).toFixed(1).replace('.', ',')} MB`;
}

function versionText(identity: RenderedIdentity): string {
  return identity.versionNumber === null ? PDF_TEXT.offlineVersion : `versie ${identity.versionNumber}`;
}

/** The identity lines printed on every page: version, short hash and page on top, the full hash below. */
export function identityLines(
  identity: RenderedIdentity,
  page: number,
  pageCount: number,
): { first: string; second: string } {
  return {
    first: `Dossier ${versionText(identity)} · kort ${identity.shortHash} · pagina ${page} van ${pageCount}`,
    second: `Inhoud-hash (SHA-256): ${identity.contentHash}`,
  };
}

/** The identity once, in the body under the title (read by a screen reader, which skips page furniture). */
export function identityText(identity: RenderedIdentity): string {
  return (
    `Dossier ${versionText(identity)} · inhoud-hash (SHA-256) ${identity.contentHash} · ` +
    `kort ${identity.shortHash}`
  );
}

/**
 * The name each attachment is embedded under: its own file name, to be saved as is, without any folder part
 * or control characters a careless reader might act on. The PDF keys embedded files by name, so a name that
 * occurs twice gets the attachment's number in front.
 */
export function embeddedFileNames(attachments: readonly RenderedAttachment[]): string[] {
  const names = attachments.map((attachment) => {
    const base = attachment.fileName
      .split(/[/\\]/)
      .pop()!
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f]/g, '')
      .trim();
    return base === '' || base === '.' || base === '..' ? `bijlage-${attachment.number}` : base;
  });
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return names.map((name, index) =>
    (counts.get(name) ?? 0) > 1 ? `${attachments[index].number}-${name}` : name,
  );
}

/** One row of the attachments list. */
export function attachmentRow(attachment: RenderedAttachment): string[] {
  return [
    String(attachment.number),
    attachment.fileName,
    attachment.description ?? PDF_TEXT.noDescription,
    attachment.mediaType,
    formatByteLength(attachment.byteLength),
  ];
}
