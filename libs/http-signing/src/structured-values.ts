import type { BareItem, Item } from 'structured-headers';
import { serializeItem } from 'structured-headers';

/** A parsed RFC 8941 byte sequence (structured-headers returns those as an ArrayBuffer). */
export function isByteSequence(value: BareItem): value is ArrayBuffer {
  return value instanceof ArrayBuffer;
}

/**
 * A component identifier in a form that ignores the order of its parameters: `"signature";req;key="sig"`
 * and `"signature";key="sig";req` name the same component (RFC 9421 §2), so requirements and duplicate
 * checks compare this, not the serialisation as sent.
 */
export function componentKey(item: Item): string {
  const params = [...item[1].entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return serializeItem([item[0], new Map(params)]);
}
