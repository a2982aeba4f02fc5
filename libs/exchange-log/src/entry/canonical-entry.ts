import type { ExchangeLogEntry } from './exchange-log-entry';

/**
 * The bytes of an entry that the Merkle tree hashes as its leaf (RFC 9162 `leafHash` adds the 0x00 prefix).
 * The offline verifier and the auditor's browser recompute them, so the rule is short and written down in
 * docs/exchange-log.md ("The leaf bytes of an entry"):
 *
 * UTF-8 of JSON without whitespace, object keys sorted by code unit at every level, optional fields left
 * out (never null), arrays in their order. Fields: `v` (format version 1), `id` (entry id as a decimal
 * string), `at` (ISO 8601 UTC with milliseconds), `type`, `actor` {kind, id, fingerprint?}, `schools`
 * {source?, target?, subject?}, `transferId?`, `versionHash?`, `details` {…}. Every value the model admits
 * is ASCII, so no JSON escaping differs between implementations.
 */
export const LEAF_FORMAT_VERSION = 1;

export function canonicalEntry(entry: ExchangeLogEntry): Record<string, unknown> {
  const actor: Record<string, string> = { kind: entry.actor.kind, id: entry.actor.id };
  if (entry.actor.certificateFingerprint !== undefined) {
    actor.fingerprint = entry.actor.certificateFingerprint;
  }
  const canonical: Record<string, unknown> = {
    v: LEAF_FORMAT_VERSION,
    id: entry.id,
    at: entry.at.toISOString(),
    type: entry.type,
    actor,
    schools: withoutUndefined({ ...entry.schools }),
    details: withoutUndefined({ ...entry.details }),
  };
  if (entry.transferId !== undefined) canonical.transferId = entry.transferId;
  if (entry.versionHash !== undefined) canonical.versionHash = entry.versionHash;
  return canonical;
}

export function canonicalEntryBytes(entry: ExchangeLogEntry): Buffer {
  return Buffer.from(sortedJson(canonicalEntry(entry)), 'utf8');
}

/** JSON with the keys of every object sorted; arrays keep their order. */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

function withoutUndefined<T extends object>(record: T): T {
  for (const key of Object.keys(record) as Array<keyof T>) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}
