import type { RenderedBlock, RenderedDossier, RenderedValue } from '../rendered-dossier';

/**
 * Every text a model holds (labels, values, meanings, notices, headings, attachment names), for the
 * specs: what a renderer of it can show at most. Attachment contents are not text and are left out.
 */
export function modelTexts(model: RenderedDossier): string[] {
  const texts: string[] = [model.title, model.subtitle];
  if (model.formNotice) texts.push(model.formNotice);
  const value = (shown: RenderedValue) => {
    texts.push(shown.text);
    if (shown.meaning) texts.push(shown.meaning);
  };
  const blocks = (list: readonly RenderedBlock[]) => {
    for (const block of list) {
      switch (block.kind) {
        case 'fields':
          for (const field of block.fields) {
            texts.push(field.label);
            value(field.value);
          }
          break;
        case 'table':
          texts.push(block.caption, ...block.columns);
          block.rows.forEach((row) => row.forEach(value));
          break;
        case 'group':
          texts.push(block.heading);
          blocks(block.blocks);
          break;
        case 'notice':
          texts.push(block.text);
          break;
        case 'attachment':
          texts.push(
            block.attachment.fileName,
            block.attachment.description ?? '',
            block.attachment.mediaType,
          );
          break;
      }
    }
  };
  if (model.zienswijze) {
    texts.push(model.zienswijze.heading, model.zienswijze.remarks ?? '');
    for (const field of model.zienswijze.fields) {
      texts.push(field.label);
      value(field.value);
    }
  }
  for (const section of model.sections) {
    texts.push(section.title, section.notice ?? '');
    blocks(section.blocks);
  }
  for (const attachment of model.attachments) texts.push(attachment.fileName, attachment.description ?? '');
  return texts.filter(Boolean);
}

/** Every value of the model (field values and table cells), whitespace-normalised. */
export function modelValues(model: RenderedDossier): Set<string> {
  const values = new Set<string>();
  const add = (shown: RenderedValue) => values.add(shown.text.replace(/\s+/g, ' ').trim());
  const blocks = (list: readonly RenderedBlock[]) => {
    for (const block of list) {
      if (block.kind === 'fields') block.fields.forEach((field) => add(field.value));
      if (block.kind === 'table') block.rows.forEach((row) => row.forEach(add));
      if (block.kind === 'group') blocks(block.blocks);
      if (block.kind === 'attachment') {
        values.add(block.attachment.fileName);
        if (block.attachment.description) values.add(block.attachment.description);
      }
    }
  };
  model.zienswijze?.fields.forEach((field) => add(field.value));
  model.sections.forEach((section) => blocks(section.blocks));
  return values;
}
