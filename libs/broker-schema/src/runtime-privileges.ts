import { EXCHANGE_LOG_TABLES } from '@app/exchange-log/storage/exchange-log-tables';

/** The role every serving connection of the broker acts as (broker API requests, its sequencer). */
export { BROKER_RUNTIME_ROLE } from '@app/exchange-log/storage/exchange-log-tables';

/**
 * What the broker's serving connections may do to a table; never TRUNCATE, and DELETE only where a row
 * is no record but a short-lived guard (an Idempotency-Key past its retention, #14).
 */
export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

const READ_ADD: readonly TablePrivilege[] = ['SELECT', 'INSERT'];
const READ_ADD_CHANGE: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE'];

/**
 * Every table of the broker's schema and what the runtime role may do to it: what the code does, and no
 * more. Records (history, the log) are append-only; rows that change state (transfers, a version's
 * wrapped key, a revoked mandate or certificate, a changed registry entry) may be updated; nothing is
 * deleted but expired Idempotency-Keys, which are guards, not records. A new table gets nothing until its migration grants it (the default privileges are revoked),
 * and `runtime-role.int-spec.ts` fails until it is listed here.
 */
export const BROKER_RUNTIME_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  vendors: READ_ADD_CHANGE,
  schools: READ_ADD_CHANGE,
  mandates: READ_ADD_CHANGE,
  auditors: READ_ADD_CHANGE,
  client_certificates: READ_ADD_CHANGE,
  // A board's instructions are append-only: a new decision is a new row (#11).
  board_instructions: READ_ADD,
  dossier_versions: READ_ADD_CHANGE,
  transfers: READ_ADD_CHANGE,
  transfer_history: READ_ADD,
  // Evidence is append-only: a correction is a new record (granted by its own migration, #11).
  evidence_records: READ_ADD,
  // Written with the gate's `release`; the relay may also set `relayed_at`, that column only (a column
  // grant, ReleaseRelay1764900000000, which has_table_privilege does not count as UPDATE on the table).
  release_outbox: READ_ADD,
  // Webhook notifications: the worker records each attempt on its row (NotificationOutbox1765300000001).
  notification_outbox: READ_ADD_CHANGE,
  // Signed recall notices are append-only (RecallNotices1765200000001 grants them).
  recall_notices: READ_ADD,
  // Uploaded consent declarations, sealed; UPDATE destroys a payload with its version (or rewraps its key).
  consent_declarations: READ_ADD_CHANGE,
  [EXCHANGE_LOG_TABLES.entries]: READ_ADD,
  [EXCHANGE_LOG_TABLES.leaves]: READ_ADD,
  [EXCHANGE_LOG_TABLES.treeNodes]: READ_ADD,
  [EXCHANGE_LOG_TABLES.checkpoints]: READ_ADD,
  // A vendor's Idempotency-Keys (IdempotencyKeys1766400000014): claimed, answered, deleted when expired.
  idempotency_keys: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  // Which migrations ran: the migrator's business; the broker only reads it.
  schema_migrations: ['SELECT'],
};

/** Sequences behind serial columns (identity columns need none: their table's INSERT right covers them). */
export const BROKER_RUNTIME_SEQUENCES: readonly string[] = ['transfer_history_id_seq'];
