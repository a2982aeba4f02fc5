import {
  AuditCheckpoint,
  AuditEntryFilter,
  AuditEntryPage,
  AuditEntryView,
  AuditTimeline,
  Checkpoint,
  StoredCheckpoint,
  checkLogIntegrity,
  entryViews,
  findAuditEntries,
  findTransferEntries,
  latestCheckpoint,
  openCheckpoint,
} from '@app/exchange-log';
import { isUuid } from '@app/exchange-log/entry/detail-values';
import { RegistryService } from '@app/registry';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { auditTransferNotFound } from './audit-error';
import { checkAuditFilter, checkPageLimit, decodeCursor, encodeCursor } from './audit-filter';
import { AuditorIdentity, auditedRead } from './audited-read';
import { AUDIT_SETTINGS, AuditSettings } from './audit-settings';
import { CheckedLogIntegrity, SharedIntegrityCheck } from './shared-integrity-check';

export type { AuditorIdentity } from './audited-read';
export type { CheckedLogIntegrity } from './shared-integrity-check';
export type {
  AuditCheckpoint,
  AuditEntryFilter,
  AuditEntryPage,
  AuditEntryView,
  AuditTimeline,
  LogIntegrity,
} from '@app/exchange-log';

/** The latest checkpoint as stored, and opened with the log key (null when its signature fails). */
export interface CheckedCheckpoint {
  stored: StoredCheckpoint;
  opened: Checkpoint | null;
}

/**
 * What auditors ask the exchange log (issue #10, item 6), for the signed API and the `/audit` page alike.
 * Every method takes the auditor first, limits the answer to its scope (a board auditor: the schools of
 * its boards; a supervisory one: everything) and records the query as an `auditor_query` entry in the
 * read's transaction. Each entry comes with the server's own check against the latest signed checkpoint.
 */
@Injectable()
export class AuditQueries {
  /** One whole-log re-hash at a time in this process, its answer reused for a bounded age. */
  private readonly integrityCheck: SharedIntegrityCheck;

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {
    this.integrityCheck = new SharedIntegrityCheck(
      () => checkLogIntegrity(this.dataSource.manager, this.settings.logVerifierKey),
      this.settings.integrityMaxAgeSeconds * 1000,
    );
  }

  /** Entries matching `filter`, newest first, a page at a time. */
  async entries(
    auditor: AuditorIdentity,
    filter: AuditEntryFilter,
    page: { cursor?: string; limit?: number },
    withProofs: boolean,
  ): Promise<AuditEntryPage> {
    const filters = checkAuditFilter(filter);
    const limit = checkPageLimit(page.limit);
    const beforeId = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
    const record = {
      query: 'entries',
      filters: [...filters, ...(beforeId === undefined ? [] : ['cursor']), ...(withProofs ? ['proofs'] : [])],
      subject: filter.school,
      transferId: filter.transferId,
    };
    return auditedRead(this.dataSource, this.registry, auditor, record, async (manager, scope) => {
      // One more than asked tells whether an older page exists.
      const rows = await findAuditEntries(manager, scope, filter, { beforeId, limit: limit + 1 });
      const served = rows.slice(0, limit);
      const checkpoint = await this.checkedCheckpoint(manager);
      const entries = await this.views(manager, served, checkpoint, withProofs);
      const nextCursor = rows.length > limit ? encodeCursor(served[served.length - 1].id) : null;
      return {
        answer: { entries, nextCursor, checkpoint: answerOf(checkpoint) },
        resultCount: entries.length,
      };
    });
  }

  /** A transfer's entries, oldest first, with their inclusion proofs. */
  async timeline(auditor: AuditorIdentity, transferId: string): Promise<AuditTimeline> {
    if (!isUuid(transferId)) throw auditTransferNotFound();
    const record = { query: 'timeline', filters: ['transferId'], transferId };
    // The query is recorded even when nothing is found: asking about a transfer is itself an event.
    const timeline = await auditedRead(
      this.dataSource,
      this.registry,
      auditor,
      record,
      async (manager, scope) => {
        const rows = await findTransferEntries(manager, scope, transferId);
        const checkpoint = await this.checkedCheckpoint(manager);
        const entries = await this.views(manager, rows, checkpoint, true);
        return {
          answer: { transferId, entries, checkpoint: answerOf(checkpoint) },
          resultCount: rows.length,
        };
      },
    );
    if (timeline.entries.length === 0) throw auditTransferNotFound();
    return timeline;
  }

  /** The latest signed checkpoint (null before the log has one). */
  async checkpoint(auditor: AuditorIdentity): Promise<AuditCheckpoint | null> {
    return auditedRead(this.dataSource, this.registry, auditor, { query: 'checkpoint' }, async (manager) => {
      const checkpoint = await latestCheckpoint(manager);
      return {
        answer: checkpoint && { treeSize: checkpoint.treeSize, signedNote: checkpoint.signedNote },
        resultCount: checkpoint === null ? 0 : 1,
      };
    });
  }

  /**
   * The whole tree re-hashed against the latest checkpoint, as the offline verifier does it: shared by
   * concurrent callers and reused for `integrityMaxAgeSeconds` (the answer says which checkpoint and
   * when). The re-hash runs outside the auditor's transaction, so waiting callers hold no connection;
   * each call is still recorded, and an auditor the registry does not know is refused before it starts.
   */
  async integrity(auditor: AuditorIdentity): Promise<CheckedLogIntegrity> {
    await this.registry.findAuditor(auditor.auditorName);
    const integrity = await this.integrityCheck.current();
    return auditedRead(this.dataSource, this.registry, auditor, { query: 'integrity' }, async () => ({
      answer: integrity,
      resultCount: integrity.treeSize,
    }));
  }

  /** The log's public key (C2SP verifier key text, as `log-key.pub`): public, so not recorded. */
  logPublicKey(): string {
    return this.settings.logVerifierKey;
  }

  /** The latest checkpoint, opened with the log key: a forged one verifies nothing. */
  async checkedCheckpoint(manager: EntityManager): Promise<CheckedCheckpoint | null> {
    const stored = await latestCheckpoint(manager);
    if (stored === null) return null;
    try {
      return { stored, opened: openCheckpoint(stored.signedNote, [this.settings.logVerifierKey]).checkpoint };
    } catch {
      return { stored, opened: null };
    }
  }

  /** The rows as views, each checked against the checkpoint (all flagged when its signature fails). */
  async views(
    manager: EntityManager,
    rows: Parameters<typeof entryViews>[1],
    checkpoint: CheckedCheckpoint | null,
    withProofs: boolean,
  ): Promise<AuditEntryView[]> {
    const views = await entryViews(manager, rows, checkpoint?.opened ?? null, withProofs);
    if (checkpoint === null || checkpoint.opened !== null) return views;
    return views.map((view) =>
      view.leafIndex === null || view.leafIndex >= checkpoint.stored.treeSize
        ? view
        : {
            ...view,
            integrity: 'does_not_match_log',
            integrityProblem: 'the latest checkpoint’s signature does not verify with the log key',
          },
    );
  }
}

function answerOf(checkpoint: CheckedCheckpoint | null): AuditCheckpoint | null {
  return checkpoint && { treeSize: checkpoint.stored.treeSize, signedNote: checkpoint.stored.signedNote };
}
