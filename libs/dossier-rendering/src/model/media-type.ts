import { isUtf8 } from 'node:buffer';

/**
 * The media type of an attachment judged from its bytes (magic numbers), never from its file name: a
 * file called `verslag.pdf` may be anything, and the rendering must say what it is.
 */
export const OCTET_STREAM = 'application/octet-stream';
export const PLAIN_TEXT = 'text/plain; charset=utf-8';

const SIGNATURES: readonly { bytes: readonly number[]; mediaType: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], mediaType: 'application/pdf' }, // %PDF-
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], mediaType: 'image/png' },
  { bytes: [0xff, 0xd8, 0xff], mediaType: 'image/jpeg' },
  { bytes: [0x47, 0x49, 0x46, 0x38, 0x37, 0x61], mediaType: 'image/gif' }, // GIF87a
  { bytes: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], mediaType: 'image/gif' }, // GIF89a
  // OLE compound file: the container of Word 97-2003 documents.
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], mediaType: 'application/msword' },
  { bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66], mediaType: 'application/rtf' }, // {\rtf
];

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

/** Office Open XML packages: a zip with `[Content_Types].xml`, told apart by their main folder. */
const OOXML_PARTS: readonly { folder: string; mediaType: string }[] = [
  { folder: 'word/', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  { folder: 'xl/', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  { folder: 'ppt/', mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
];

function startsWith(content: Buffer, bytes: readonly number[]): boolean {
  if (content.length < bytes.length) return false;
  for (let index = 0; index < bytes.length; index++) {
    if (content[index] !== bytes[index]) return false;
  }
  return true;
}

export function sniffMediaType(content: Buffer): string {
  for (const signature of SIGNATURES) {
    if (startsWith(content, signature.bytes)) return signature.mediaType;
  }
  if (startsWith(content, ZIP_LOCAL_HEADER)) return zipMediaType(content);
  return isPlainText(content) ? PLAIN_TEXT : OCTET_STREAM;
}

/** Entry names stand uncompressed in a zip's headers, so a native byte search finds them. */
function zipMediaType(content: Buffer): string {
  if (content.indexOf('[Content_Types].xml', 0, 'latin1') !== -1) {
    for (const part of OOXML_PARTS) {
      if (content.indexOf(part.folder, 0, 'latin1') !== -1) return part.mediaType;
    }
  }
  return 'application/zip';
}

/** UTF-8 without control characters other than tab, line feed, form feed and carriage return. */
function isPlainText(content: Buffer): boolean {
  if (content.length === 0 || !isUtf8(content)) return false;
  for (let index = 0; index < content.length; index++) {
    const byte = content[index];
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) return false;
    if (byte === 0x7f) return false;
  }
  return true;
}
