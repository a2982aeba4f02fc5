import { EntityManager } from 'typeorm';
import type { ExchangeEventType } from '../entry/exchange-event-types';
import {
  DetailValue,
  ExchangeEventInput,
  ExchangeLogEntry,
  validateExchangeEvent,
} from '../entry/exchange-log-entry';
import { EXCHANGE_LOG_TABLES } from './exchange-log-tables';

/** The columns an append writes, in the order of `appendRow`'s values. */
const APPEND_COLUMNS =
  'at, event_type, actor_kind, actor_id, actor_certificate_fingerprint, source_school, target_school, ' +
  'subject_school, transfer_id, version_hash, details';
const VALUES_PER_ROW = 11;
/** Rows per statement, far below PostgreSQL's 65,535 parameters (a batch of the expiry sweep is 100). */
const ROWS_PER_INSERT = 1000;

/**
 * Records one event in the caller's transaction, so the state change, its history and its log entry commit
 * together or not at all. The entry gets its id now; its leaf index comes later, from the sequencer.
 * Throws InvalidExchangeEventError (nothing written) when the event breaks the model.
 */
export async function appendExchangeEvent(
  manager: EntityManager,
  input: ExchangeEventInput,
): Promise<{ entryId: string }> {
  const { entryIds } = await appendExchangeEvents(manager, [input]);
  return { entryId: entryIds[0] };
}

/**
 * Records the events of one step in the caller's transaction with one INSERT, not one per event: each
 * statement is a round trip and a parse on the request path (docs/exchange-log.md, "Scale"). Every event
 * is validated before anything is written; the ids come back in the events' order.
 */
export async function appendExchangeEvents(
  manager: EntityManager,
  inputs: readonly ExchangeEventInput[],
): Promise<{ entryIds: string[] }> {
  const rows = inputs.map((input) => appendRow(validateExchangeEvent(input)));
  const entryIds: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    entryIds.push(...(await insertRows(manager, rows.slice(start, start + ROWS_PER_INSERT))));
  }
  return { entryIds };
}

async function insertRows(manager: EntityManager, rows: unknown[][]): Promise<string[]> {
  const placeholders = rows.map(
    (_, row) =>
      `(${Array.from({ length: VALUES_PER_ROW }, (_, column) => `$${row * VALUES_PER_ROW + column + 1}`).join(', ')})`,
  );
  const inserted: Array<{ id: string }> = await manager.query(
    `INSERT INTO ${EXCHANGE_LOG_TABLES.entries} (${APPEND_COLUMNS}) VALUES ${placeholders.join(', ')} RETURNING id`,
    rows.flat(),
  );
  // The identity is drawn row by row in VALUES order, so ascending ids are the events' order; sorted
  // because RETURNING promises no order of its own.
  return inserted
    .map((row) => BigInt(row.id))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map(String);
}

function appendRow(event: ReturnType<typeof validateExchangeEvent>): unknown[] {
  return [
    event.at,
    event.type,
    event.actor.kind,
    event.actor.id,
    event.actor.certificateFingerprint ?? null,
    event.schools.source ?? null,
    event.schools.target ?? null,
    event.schools.subject ?? null,
    event.transferId ?? null,
    event.versionHash ?? null,
    JSON.stringify(event.details),
  ];
}

/** The columns a stored entry is read from (in SQL, `ENTRY_COLUMNS` of `exchange_log_entries`). */
export interface ExchangeLogEntryRow {
  id: string;
  at: Date;
  event_type: string;
  actor_kind: string;
  actor_id: string;
  actor_certificate_fingerprint: string | null;
  source_school: string | null;
  target_school: string | null;
  subject_school: string | null;
  transfer_id: string | null;
  version_hash: string | null;
  details: Record<string, DetailValue>;
}

export const ENTRY_COLUMNS =
  'id, at, event_type, actor_kind, actor_id, actor_certificate_fingerprint, source_school, ' +
  'target_school, subject_school, transfer_id, version_hash, details';

/** A stored row as the entry its leaf bytes are computed from (NULL columns become absent fields). */
export function entryFromRow(row: ExchangeLogEntryRow): ExchangeLogEntry {
  const entry: ExchangeLogEntry = {
    id: String(row.id),
    at: row.at,
    type: row.event_type as ExchangeEventType,
    actor: { kind: row.actor_kind as ExchangeLogEntry['actor']['kind'], id: row.actor_id },
    schools: {},
    details: row.details,
  };
  if (row.actor_certificate_fingerprint !== null) {
    entry.actor.certificateFingerprint = row.actor_certificate_fingerprint;
  }
  if (row.source_school !== null) entry.schools.source = row.source_school;
  if (row.target_school !== null) entry.schools.target = row.target_school;
  if (row.subject_school !== null) entry.schools.subject = row.subject_school;
  if (row.transfer_id !== null) entry.transferId = row.transfer_id;
  if (row.version_hash !== null) entry.versionHash = row.version_hash;
  return entry;
}
