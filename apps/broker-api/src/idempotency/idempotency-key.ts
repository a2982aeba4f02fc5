import { createHash } from 'node:crypto';

/**
 * The key a vendor sent, or null when it is malformed: 1 to 255 visible ASCII characters without `"` or
 * `\`. The draft makes the header a Structured Field string (`"…"`); most clients send it bare (as
 * Stripe's do): both are read, and mean the same key.
 */
export function readIdempotencyKey(header: string | string[]): string | null {
  if (Array.isArray(header)) return null;
  const key = /^"([^"\\]*)"$/.exec(header)?.[1] ?? header;
  return VALID_KEY.test(key) ? key : null;
}

const VALID_KEY = /^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/;

/** What is stored of a key: its hash, so a key made of something personal is never kept. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * What makes a request "the same request": its method, its target as sent and its body's bytes as sent
 * (before any decoding). Only the hash is kept, never the body.
 */
export function requestHash(method: string, target: string, body: Buffer | undefined): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${target}\n`, 'utf8')
    .update(body ?? Buffer.alloc(0))
    .digest('hex');
}
