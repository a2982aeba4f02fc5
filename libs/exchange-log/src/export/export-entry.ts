import { LEAF_FORMAT_VERSION } from '../entry/canonical-entry';
import {
  ExchangeActor,
  ExchangeEventInput,
  ExchangeLogEntry,
  validateExchangeEvent,
} from '../entry/exchange-log-entry';

const CANONICAL_KEYS = new Set([
  'v',
  'id',
  'at',
  'type',
  'actor',
  'schools',
  'details',
  'transferId',
  'versionHash',
]);
const ENTRY_ID = /^[1-9][0-9]*$/;

/** Why an exported entry is unusable; thrown by `entryFromExport` with a message naming the field. */
export class ExportedEntryError extends Error {}

/**
 * The entry an export line holds (the `canonicalEntry` object), checked as the log checks an event before
 * storing it (`validateExchangeEvent`), so a verifier recomputes its leaf bytes from a valid entry only.
 */
export function entryFromExport(value: unknown): ExchangeLogEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ExportedEntryError('the entry is not an object');
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!CANONICAL_KEYS.has(key)) throw new ExportedEntryError(`the entry has an unknown field "${key}"`);
  }
  if (record.v !== LEAF_FORMAT_VERSION) {
    throw new ExportedEntryError(`the entry's format version must be ${LEAF_FORMAT_VERSION}`);
  }
  if (typeof record.id !== 'string' || !ENTRY_ID.test(record.id)) {
    throw new ExportedEntryError('the entry id must be a decimal string');
  }
  const at = typeof record.at === 'string' ? new Date(record.at) : new Date(Number.NaN);
  // The leaf bytes hold the ISO form: any other spelling of the same instant would hash differently.
  if (Number.isNaN(at.getTime()) || at.toISOString() !== record.at) {
    throw new ExportedEntryError('the entry time must be ISO 8601 UTC with milliseconds');
  }
  const input: ExchangeEventInput = {
    type: record.type as ExchangeEventInput['type'],
    at,
    actor: actorOf(record.actor),
  };
  if (record.schools !== undefined) input.schools = record.schools as ExchangeEventInput['schools'];
  if (record.details !== undefined) input.details = record.details as ExchangeEventInput['details'];
  if (record.transferId !== undefined) input.transferId = record.transferId as string;
  if (record.versionHash !== undefined) input.versionHash = record.versionHash as string;
  try {
    return { id: record.id, ...validateExchangeEvent(input) };
  } catch (error) {
    throw new ExportedEntryError(error instanceof Error ? error.message : String(error));
  }
}

function actorOf(value: unknown): ExchangeActor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ExportedEntryError('the entry has no actor object');
  }
  const { fingerprint, ...rest } = value as Record<string, unknown>;
  const actor = rest as unknown as ExchangeActor;
  if (fingerprint !== undefined) actor.certificateFingerprint = fingerprint as string;
  return actor;
}
