import type {
  RenderedAttachment,
  RenderedBlock,
  RenderedField,
  RenderedTable,
  RenderedValue,
} from '../model/rendered-dossier';
import { escapeHtml } from './escape';
import { HTML_TEXTS, formatSize } from './html-texts';

/** Headings go no deeper than HTML has; deeper groups keep h6. */
const DEEPEST_HEADING = 6;

/** The id of an attachment's row in the list, which its mentions in the sections link to. */
export function attachmentAnchor(number: number): string {
  return `bijlage-${number}`;
}

/** A value: the code with its meaning beside it, or the mask in place of what the model does not hold. */
export function valueHtml(value: RenderedValue): string {
  if (value.masked) return `<span class="masked masked-${value.masked}">${escapeHtml(value.text)}</span>`;
  if (value.meaning) {
    return `<span class="code">${escapeHtml(value.text)}</span> — <span class="meaning">${escapeHtml(value.meaning)}</span>`;
  }
  return escapeHtml(value.text);
}

export function fieldsHtml(fields: readonly RenderedField[], out: string[]): void {
  out.push('<dl class="fields">');
  for (const field of fields) {
    out.push(
      '<div class="field"><dt>',
      escapeHtml(field.label),
      '</dt><dd>',
      valueHtml(field.value),
      '</dd></div>',
    );
  }
  out.push('</dl>');
}

function tableHtml(table: RenderedTable, out: string[]): void {
  // The box scrolls on a phone; as a labelled, focusable region a keyboard can scroll it too.
  out.push(
    '<div class="table-scroll" role="region" tabindex="0" aria-label="',
    escapeHtml(table.caption),
    '"><table><caption>',
    escapeHtml(table.caption),
    '</caption><thead><tr>',
  );
  for (const column of table.columns) out.push('<th scope="col">', escapeHtml(column), '</th>');
  out.push('</tr></thead><tbody>');
  for (const row of table.rows) {
    out.push('<tr>');
    for (const cell of row) out.push('<td>', valueHtml(cell), '</td>');
    out.push('</tr>');
  }
  out.push('</tbody></table></div>');
}

function attachmentMentionHtml(attachment: RenderedAttachment, out: string[]): void {
  out.push(
    '<p class="attachment"><a href="#',
    attachmentAnchor(attachment.number),
    '">',
    escapeHtml(HTML_TEXTS.attachmentLink(attachment.number)),
    '</a>: ',
    escapeHtml(attachment.fileName),
  );
  if (attachment.description) out.push(' — ', escapeHtml(attachment.description));
  out.push(' (', escapeHtml(attachment.mediaType), ', ', formatSize(attachment.byteLength), ')</p>');
}

/** The blocks of a section or group; `level` is the heading level of its groups. */
export function blocksHtml(blocks: readonly RenderedBlock[], level: number, out: string[]): void {
  for (const block of blocks) {
    switch (block.kind) {
      case 'fields':
        fieldsHtml(block.fields, out);
        break;
      case 'table':
        tableHtml(block, out);
        break;
      case 'group': {
        const heading = Math.min(level, DEEPEST_HEADING);
        out.push(
          '<section class="group"><h',
          String(heading),
          '>',
          escapeHtml(block.heading),
          '</h',
          String(heading),
          '>',
        );
        blocksHtml(block.blocks, level + 1, out);
        out.push('</section>');
        break;
      }
      case 'notice':
        out.push('<p class="notice notice-', block.tone, '">', escapeHtml(block.text), '</p>');
        break;
      case 'attachment':
        attachmentMentionHtml(block.attachment, out);
        break;
    }
  }
}

/** Media types a browser may open in place; anything else is offered as bytes only, never run. */
const SAFE_TO_OPEN: ReadonlySet<string> = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'text/plain; charset=utf-8',
]);

function dataUrl(attachment: RenderedAttachment): string {
  const mediaType = SAFE_TO_OPEN.has(attachment.mediaType)
    ? attachment.mediaType.replace('; ', ';')
    : 'application/octet-stream';
  return `data:${mediaType};base64,${attachment.content.toString('base64')}`;
}

/** The list of every attachment this form shows, each downloadable on its own. */
export function attachmentListHtml(attachments: readonly RenderedAttachment[], out: string[]): void {
  out.push(
    '<div class="table-scroll" role="region" tabindex="0" aria-label="',
    HTML_TEXTS.attachmentsHeading,
    '">',
  );
  out.push('<table class="attachments"><caption>', HTML_TEXTS.attachmentsCaption, '</caption><thead><tr>');
  for (const column of HTML_TEXTS.attachmentColumns) out.push('<th scope="col">', column, '</th>');
  out.push('</tr></thead><tbody>');
  for (const attachment of attachments) {
    out.push(
      '<tr id="',
      attachmentAnchor(attachment.number),
      '"><td>',
      String(attachment.number),
      '</td><td>',
      escapeHtml(attachment.fileName),
      '</td><td>',
      attachment.description ? escapeHtml(attachment.description) : `<i>${HTML_TEXTS.noDescription}</i>`,
      '</td><td>',
      escapeHtml(attachment.mediaType),
      '</td><td>',
      formatSize(attachment.byteLength),
      '</td><td><a class="download" download="',
      escapeHtml(attachment.fileName),
      '" href="',
      dataUrl(attachment),
      '">',
      escapeHtml(HTML_TEXTS.download(attachment.number)),
      '</a></td></tr>',
    );
  }
  out.push('</tbody></table></div>');
}
