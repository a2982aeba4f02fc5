/** Header values as Node and fetch-like callers hand them over. */
export type HeaderInput = Record<string, string | string[] | number | undefined>;

/** Lower-case names, no undefined values: the shape http-message-signatures and our lookups expect. */
export type MessageHeaders = Record<string, string | string[]>;

export function normalizeHeaders(headers: HeaderInput): MessageHeaders {
  const result: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const values = Array.isArray(value) ? value : [String(value)];
    const existing = result[key];
    // Two spellings of one name in a plain object are one field with several values (RFC 9110 §5.2).
    result[key] =
      existing === undefined ? (Array.isArray(value) ? values : values[0]) : [existing, values].flat();
  }
  return result;
}

/** One field's value, several lines joined as RFC 9110 §5.3 combines them. */
export function headerValue(headers: MessageHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}
