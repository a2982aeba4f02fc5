import { EntityManager } from 'typeorm';
import { ENTRY_COLUMNS, ExchangeLogEntryRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import type { ExchangeEventType } from '../entry/exchange-event-types';
import type { AuditScope } from './audit-scope';
import type { AuditEntryFilter } from './audit-views';

const { entries, leaves } = EXCHANGE_LOG_TABLES;

/** A stored entry with its place in the tree (null until the sequencer integrates it). */
export type AuditEntryRow = ExchangeLogEntryRow & { leaf_index: string | null };

const SELECT_ROWS = `SELECT l.leaf_index, ${ENTRY_COLUMNS.split(',')
  .map((column) => `e.${column.trim()}`)
  .join(', ')}
  FROM ${entries} e LEFT JOIN ${leaves} l ON l.entry_id = e.id`;

/** Parameterised WHERE clauses; values only ever travel as parameters. */
class Conditions {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: (param: string) => string, value: unknown): void {
    this.params.push(value);
    this.clauses.push(clause(`$${this.params.length}`));
  }

  scope(scope: AuditScope): void {
    if (scope.kind === 'all') return;
    this.add(
      (p) => `(e.source_school = ANY(${p}) OR e.target_school = ANY(${p}) OR e.subject_school = ANY(${p}))`,
      [...scope.schools],
    );
  }

  filter(filter: AuditEntryFilter): void {
    if (filter.from !== undefined) this.add((p) => `e.at >= ${p}`, filter.from);
    if (filter.to !== undefined) this.add((p) => `e.at < ${p}`, filter.to);
    if (filter.school !== undefined) {
      this.add((p) => `${p} IN (e.source_school, e.target_school, e.subject_school)`, filter.school);
    }
    if (filter.transferId !== undefined) this.add((p) => `e.transfer_id = ${p}`, filter.transferId);
    if (filter.eventType !== undefined) this.add((p) => `e.event_type = ${p}`, filter.eventType);
    if (filter.actorKind !== undefined) this.add((p) => `e.actor_kind = ${p}`, filter.actorKind);
    if (filter.actorId !== undefined) this.add((p) => `e.actor_id = ${p}`, filter.actorId);
    if (filter.certificateFingerprint !== undefined) {
      this.add((p) => `e.actor_certificate_fingerprint = ${p}`, filter.certificateFingerprint);
    }
  }

  where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

/**
 * One page of the entries in `scope` that match `filter`, newest first (by id, which follows commit order
 * closely enough for reading and is unique, so the cursor is exact): ids below `beforeId`, at most `limit`.
 */
export async function findAuditEntries(
  manager: EntityManager,
  scope: AuditScope,
  filter: AuditEntryFilter,
  page: { beforeId?: string; limit: number },
): Promise<AuditEntryRow[]> {
  const conditions = new Conditions();
  conditions.scope(scope);
  conditions.filter(filter);
  if (page.beforeId !== undefined) conditions.add((p) => `e.id < ${p}`, page.beforeId);
  conditions.params.push(page.limit);
  return manager.query(
    `${SELECT_ROWS} ${conditions.where()} ORDER BY e.id DESC LIMIT $${conditions.params.length}`,
    conditions.params,
  );
}

/** Every entry about one transfer in `scope`, oldest first (a transfer's entries are few). */
export async function findTransferEntries(
  manager: EntityManager,
  scope: AuditScope,
  transferId: string,
): Promise<AuditEntryRow[]> {
  const conditions = new Conditions();
  conditions.add((p) => `e.transfer_id = ${p}`, transferId);
  conditions.scope(scope);
  return manager.query(`${SELECT_ROWS} ${conditions.where()} ORDER BY e.id`, conditions.params);
}

/** Every entry in `scope` made with one certificate in [from, to), oldest first, at most `limit`. */
export async function findCertificateEntries(
  manager: EntityManager,
  scope: AuditScope,
  filter: { certificateFingerprint: string; from?: Date; to?: Date },
  limit: number,
): Promise<AuditEntryRow[]> {
  const conditions = new Conditions();
  conditions.scope(scope);
  conditions.filter(filter);
  conditions.params.push(limit);
  return manager.query(
    `${SELECT_ROWS} ${conditions.where()} ORDER BY e.id LIMIT $${conditions.params.length}`,
    conditions.params,
  );
}

/** The entries of one type about any of `transferIds` (the caller has scoped the transfers), oldest first. */
export async function findTransfersEntriesOfType(
  manager: EntityManager,
  transferIds: readonly string[],
  eventType: ExchangeEventType,
): Promise<AuditEntryRow[]> {
  if (transferIds.length === 0) return [];
  return manager.query(`${SELECT_ROWS} WHERE e.transfer_id = ANY($1) AND e.event_type = $2 ORDER BY e.id`, [
    [...transferIds],
    eventType,
  ]);
}

/** The signed note of the checkpoint of exactly `treeSize` leaves, or null when none was made at that size. */
export async function signedCheckpointOfSize(manager: EntityManager, treeSize: number): Promise<string | null> {
  const rows: Array<{ signed_note: string }> = await manager.query(
    `SELECT signed_note FROM ${EXCHANGE_LOG_TABLES.checkpoints} WHERE tree_size = $1`,
    [treeSize],
  );
  return rows[0]?.signed_note ?? null;
}
