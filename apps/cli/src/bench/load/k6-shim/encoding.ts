/** `k6/encoding`: base64 (std, url, rawstd, rawurl). */
type Variant = 'std' | 'rawstd' | 'url' | 'rawurl';

function toBuffer(input: string | ArrayBuffer): Buffer {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
}

export function b64encode(input: string | ArrayBuffer, variant: Variant = 'std'): string {
  const bytes = toBuffer(input);
  const text = variant.endsWith('url') ? bytes.toString('base64url') : bytes.toString('base64');
  if (variant === 'url') return text.padEnd(Math.ceil(text.length / 4) * 4, '=');
  return variant === 'rawstd' ? text.replace(/=+$/, '') : text;
}

export function b64decode(input: string, variant: Variant = 'std', format?: 's'): ArrayBuffer | string {
  const bytes = Buffer.from(input, variant.endsWith('url') ? 'base64url' : 'base64');
  if (format === 's') return bytes.toString('utf8');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

export default { b64encode, b64decode };
