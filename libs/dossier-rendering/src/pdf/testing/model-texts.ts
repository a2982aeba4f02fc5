import type { RenderedBlock, RenderedDossier } from '../../model/rendered-dossier';
import { attachmentLine } from '../blocks';
import { attachmentRow, valueText } from '../pdf-texts';

/** Every text of the model the PDF must show, by what it is (for messages when one is missing). */
export function modelTexts(model: RenderedDossier): { kind: string; text: string }[] {
  const texts: { kind: string; text: string }[] = [
    { kind: 'title', text: model.title },
    { kind: 'subtitle', text: model.subtitle },
  ];
  if (model.formNotice) texts.push({ kind: 'form notice', text: model.formNotice });
  if (model.zienswijze) {
    texts.push({ kind: 'zienswijze heading', text: model.zienswijze.heading });
    for (const field of model.zienswijze.fields) {
      texts.push({ kind: 'zienswijze label', text: field.label });
      texts.push({ kind: 'zienswijze value', text: valueText(field.value) });
    }
    if (model.zienswijze.remarks) texts.push({ kind: 'remarks', text: model.zienswijze.remarks });
  }
  for (const section of model.sections) {
    texts.push({ kind: 'section title', text: section.title });
    if (section.notice) texts.push({ kind: `${section.status} notice`, text: section.notice });
    collectBlocks(section.blocks, texts);
  }
  for (const attachment of model.attachments) {
    for (const text of attachmentRow(attachment)) texts.push({ kind: 'attachment list', text });
  }
  return texts;
}

function collectBlocks(blocks: readonly RenderedBlock[], texts: { kind: string; text: string }[]): void {
  for (const block of blocks) {
    switch (block.kind) {
      case 'fields':
        for (const field of block.fields) {
          texts.push({ kind: 'label', text: field.label });
          texts.push({ kind: `value ${field.path}`, text: valueText(field.value) });
        }
        break;
      case 'table':
        texts.push({ kind: 'caption', text: block.caption });
        for (const column of block.columns) texts.push({ kind: 'column', text: column });
        for (const row of block.rows) {
          for (const value of row) texts.push({ kind: 'cell', text: valueText(value) });
        }
        break;
      case 'group':
        texts.push({ kind: 'group heading', text: block.heading });
        collectBlocks(block.blocks, texts);
        break;
      case 'notice':
        texts.push({ kind: `${block.tone} notice`, text: block.text });
        break;
      case 'attachment':
        texts.push({ kind: 'attachment', text: attachmentLine(block.attachment) });
        break;
    }
  }
}
