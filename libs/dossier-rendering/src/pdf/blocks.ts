import type {
  RenderedAttachment,
  RenderedBlock,
  RenderedField,
  RenderedNotice,
  RenderedSection,
  SectionStatus,
} from '../model/rendered-dossier';
import { COLOUR, LABEL_SHARE, SPACE } from './layout';
import { attachmentRow, formatByteLength, PDF_TEXT, valueText } from './pdf-texts';
import type { PdfWriter } from './pdf-writer';
import { drawTable, type Cell } from './tables';

type Structure = PDFKit.PDFStructureElement;
type Tone = RenderedNotice['tone'];

const NOTICE_TONE: Record<Exclude<SectionStatus, 'shown'>, Tone> = {
  'not-sent': 'not-sent',
  'left-out': 'left-out',
  empty: 'info',
};

/** A notice in a tinted box with an accent bar, so "niet meegestuurd" or "geheim" cannot be overlooked. */
export function drawNotice(w: PdfWriter, parent: Structure, tone: Tone, text: string): void {
  const pad = SPACE.noticePadding;
  const inner = w.width - 2 * pad - SPACE.accentBar;
  const height = w.textHeight(text, inner) + 2 * pad;
  w.ensureSpace(Math.min(height, w.pageSpace));
  const top = w.y;
  const colours = COLOUR.notice[tone];
  if (top + height <= w.bottom) {
    w.fillRect(w.left, top, w.width, height, colours.fill);
    w.fillRect(w.left, top, SPACE.accentBar, height, colours.accent);
  }
  w.tag(parent, 'P', () => w.textAt(text, w.left + SPACE.accentBar + pad, top + pad, inner));
  w.y = Math.max(w.y, top + height) + SPACE.afterBlock;
}

export function fieldRows(fields: readonly RenderedField[]): Cell[][] {
  return fields.map((field) => [
    { text: field.label },
    { text: valueText(field.value), masked: field.value.masked !== undefined },
  ]);
}

export function drawFields(w: PdfWriter, parent: Structure, fields: readonly RenderedField[]): void {
  const labelWidth = w.width * LABEL_SHARE;
  drawTable(w, parent, {
    rows: fieldRows(fields),
    widths: [labelWidth, w.width - labelWidth],
    labelColumn: true,
  });
}

export function attachmentLine(attachment: RenderedAttachment): string {
  const description = attachment.description ? `, ${attachment.description}` : '';
  return (
    `Bijlage ${attachment.number}: ${attachment.fileName}${description} ` +
    `(${attachment.mediaType}, ${formatByteLength(attachment.byteLength)})`
  );
}

export function drawBlocks(
  w: PdfWriter,
  parent: Structure,
  blocks: readonly RenderedBlock[],
  level: number,
): void {
  for (const block of blocks) {
    switch (block.kind) {
      case 'fields':
        drawFields(w, parent, block.fields);
        break;
      case 'table':
        drawTable(w, parent, {
          caption: block.caption,
          columns: block.columns,
          rows: block.rows.map((row) =>
            row.map((value) => ({ text: valueText(value), masked: value.masked !== undefined })),
          ),
        });
        break;
      case 'group': {
        const group = w.element(parent, 'Sect');
        w.heading(group, level, block.heading);
        w.indented(() => drawBlocks(w, group, block.blocks, level + 1));
        group.end();
        break;
      }
      case 'notice':
        drawNotice(w, parent, block.tone, block.text);
        break;
      case 'attachment':
        drawNotice(w, parent, 'info', attachmentLine(block.attachment));
        break;
    }
  }
}

export function drawSection(w: PdfWriter, root: Structure, section: RenderedSection): void {
  const sect = w.element(root, 'Sect');
  w.heading(sect, 2, section.title);
  if (section.notice && section.status !== 'shown') {
    drawNotice(w, sect, NOTICE_TONE[section.status], section.notice);
  } else if (section.notice) {
    drawNotice(w, sect, 'info', section.notice);
  }
  drawBlocks(w, sect, section.blocks, 3);
  sect.end();
}

/** The list of attachments: number, name, description, media type, size (each is embedded in the file). */
export function drawAttachmentList(
  w: PdfWriter,
  root: Structure,
  attachments: readonly RenderedAttachment[],
): void {
  if (attachments.length === 0) return;
  const sect = w.element(root, 'Sect');
  w.heading(sect, 2, PDF_TEXT.attachmentsHeading);
  w.paragraph(sect, PDF_TEXT.attachmentsIntro, { colour: COLOUR.muted });
  w.y += SPACE.afterHeading;
  drawTable(w, sect, {
    columns: [...PDF_TEXT.attachmentColumns],
    rows: attachments.map((attachment) => attachmentRow(attachment).map((text) => ({ text }))),
  });
  sect.end();
}
