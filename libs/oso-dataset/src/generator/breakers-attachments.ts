import { MAX_ATTACHMENT_BYTES, MAX_ZIP_NESTING } from '../rules/attachment.rules';
import { ANY_KIND, BreakerSpec, need } from './breaker-kit';
import { XmlNode, find, findAll, setText } from './xml-node';

/** Stored ZIP archives, one inside the other, deeper than the attachment rules accept. */
function nestedArchive(depth: number): Buffer {
  let content = Buffer.from('binnenste bestand\n');
  for (let level = 0; level < depth; level++) {
    const name = Buffer.from(level === 0 ? 'inhoud.txt' : `laag-${level}.zip`);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt32LE(content.length, 18);
    header.writeUInt32LE(content.length, 22);
    header.writeUInt16LE(name.length, 26);
    content = Buffer.concat([header, name, content]);
  }
  return content;
}

const withAttachment: BreakerSpec['adjustRecipe'] = (recipe) => ({
  ...recipe,
  attachments: { ...recipe.attachments, count: Math.max(1, recipe.attachments?.count ?? 1) },
});

function attachmentBreaker(rule: string, edit: (document: XmlNode) => void): BreakerSpec {
  return {
    rule,
    kinds: ANY_KIND,
    adjustRecipe: withAttachment,
    edit: (site) => edit(need(site, findAll(site.tree, 'document')[0], 'attachment')),
  };
}

/** The attachment rules: content that is no base64, too large, of a forbidden type, or a zip bomb. */
export const ATTACHMENT_BREAKERS: BreakerSpec[] = [
  attachmentBreaker('BRK.ATT.01', (document) => setText(find(document, 'bestandsinhoud'), 'geen*base64')),
  attachmentBreaker('BRK.ATT.02', (document) =>
    setText(find(document, 'bestandsinhoud'), Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 'x').toString('base64')),
  ),
  attachmentBreaker('BRK.ATT.03', (document) => setText(find(document, 'bestandsnaam'), 'bijlage.exe')),
  attachmentBreaker('BRK.ATT.04', (document) => {
    setText(find(document, 'bestandsnaam'), 'verslag.docx');
    setText(find(document, 'bestandsinhoud'), nestedArchive(MAX_ZIP_NESTING + 2).toString('base64'));
  }),
];
