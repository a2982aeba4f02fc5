import {
  ExchangeLogReadError,
  NoCheckpointYetError,
  canonicalEntryBytes,
  consistencyProofBetween,
  inScope,
  inclusionProofForEntry,
  latestCheckpoint,
  readExchangeLogEntry,
  signedCheckpointOfSize,
  writeLogExport,
  writePartialLogExport,
} from '@app/exchange-log';
import { RegistryService } from '@app/registry';
import { Injectable } from '@nestjs/common';
import type { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { LOG_RETRY_AFTER_SECONDS } from '../exchange-log/log-proofs.controller';
import { AuditError } from './audit-error';
import { checkAuditFilter } from './audit-filter';
import { AuditorIdentity, auditedRead } from './audited-read';

/** Entry ids are positive bigints; anything else names no entry (and never reaches the database). */
const ENTRY_ID = /^[1-9][0-9]{0,17}$/;

export interface AuditEntryProof {
  entryId: string;
  /** The entry's canonical JSON: exactly the bytes its leaf hash covers. */
  leaf: string;
  leafIndex: number;
  treeSize: number;
  inclusionProof: string[];
  /** The signed checkpoint of `treeSize` leaves the proof leads to. */
  checkpoint: string;
}

export interface AuditConsistencyProof {
  fromSize: number;
  toSize: number;
  /** RFC 9162 consistency proof, base64. */
  consistencyProof: string[];
  /** The signed checkpoint of `toSize` leaves, when one was made at exactly that size. */
  checkpoint: string | null;
}

export interface AuditExportRange {
  from?: Date;
  to?: Date;
  /** The tree size of an earlier checkpoint the auditor holds: a partial export proves consistency with it. */
  previousSize?: number;
}

export interface AuditExportSummary {
  format: 'v1' | 'v2';
  entries: number;
}

/**
 * Proofs and exports for auditors: an entry's inclusion proof (entries in scope only), consistency between
 * two tree sizes, and the export of the log (a supervisory auditor's unfiltered export is the whole tree,
 * v1; every other is partial, v2, each line with its inclusion proof). Recorded like every auditor query.
 */
@Injectable()
export class AuditProofs {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
  ) {}

  async proof(auditor: AuditorIdentity, entryId: string): Promise<AuditEntryProof> {
    const record = { query: 'entryProof', filters: ['entryId'] };
    return auditedRead(this.dataSource, this.registry, auditor, record, async (manager, scope) => {
      const entry = ENTRY_ID.test(entryId) ? await readExchangeLogEntry(manager, entryId) : null;
      if (entry === null || !inScope(scope, Object.values(entry.schools))) {
        throw new AuditError(
          'LOG_ENTRY_NOT_FOUND',
          'No exchange log entry with this id about a school in your scope.',
        );
      }
      const checkpoint = await latestCheckpoint(manager);
      try {
        if (checkpoint === null) throw notYetIntegrated(entryId);
        const inclusion = await inclusionProofForEntry(manager, entryId, checkpoint.treeSize);
        const answer: AuditEntryProof = {
          entryId,
          leaf: canonicalEntryBytes(entry).toString('utf8'),
          leafIndex: inclusion.leafIndex,
          treeSize: inclusion.treeSize,
          inclusionProof: inclusion.proof.map((hash) => hash.toString('base64')),
          checkpoint: checkpoint.signedNote,
        };
        return { answer, resultCount: 1 };
      } catch (error) {
        if (error instanceof ExchangeLogReadError && error.code === 'LOG_ENTRY_NOT_YET_INTEGRATED') {
          throw notYetIntegrated(entryId);
        }
        throw error;
      }
    });
  }

  async consistency(
    auditor: AuditorIdentity,
    fromSize: number,
    toSize?: number,
  ): Promise<AuditConsistencyProof> {
    const record = { query: 'consistencyProof', filters: toSize === undefined ? ['from'] : ['from', 'to'] };
    return auditedRead(this.dataSource, this.registry, auditor, record, async (manager) => {
      const latest = await latestCheckpoint(manager);
      const to = toSize ?? latest?.treeSize ?? 0;
      try {
        const proof = await consistencyProofBetween(manager, fromSize, to);
        const answer: AuditConsistencyProof = {
          fromSize,
          toSize: to,
          consistencyProof: proof.map((hash) => hash.toString('base64')),
          checkpoint: await signedCheckpointOfSize(manager, to),
        };
        return { answer, resultCount: 1 };
      } catch (error) {
        if (error instanceof ExchangeLogReadError) throw new AuditError(error.code, error.message);
        throw error;
      }
    });
  }

  /** Writes the export to `out` (JSON Lines); returns its format and how many entries it holds. */
  async export(
    auditor: AuditorIdentity,
    range: AuditExportRange,
    out: Writable,
  ): Promise<AuditExportSummary> {
    const filters = checkAuditFilter(range);
    if (range.previousSize !== undefined) filters.push('previous');
    const record = { query: 'export', filters };
    return auditedRead<AuditExportSummary>(
      this.dataSource,
      this.registry,
      auditor,
      record,
      async (manager, scope) => {
        try {
          if (scope.kind === 'all' && range.from === undefined && range.to === undefined) {
            const checkpoint = await writeLogExport(manager, out);
            return {
              answer: { format: 'v1', entries: checkpoint.treeSize },
              resultCount: checkpoint.treeSize,
            };
          }
          const latest = await latestCheckpoint(manager);
          if (range.previousSize !== undefined && range.previousSize > (latest?.treeSize ?? 0)) {
            throw new AuditError(
              'LOG_TREE_SIZE_OUT_OF_RANGE',
              `The latest checkpoint covers ${latest?.treeSize ?? 0} entries; your earlier checkpoint claims ${range.previousSize}.`,
            );
          }
          const { written } = await writePartialLogExport(manager, out, { scope, ...range });
          return { answer: { format: 'v2', entries: written }, resultCount: written };
        } catch (error) {
          if (error instanceof NoCheckpointYetError) {
            throw new AuditError(
              'LOG_CHECKPOINT_NOT_YET_MADE',
              `${error.message} Ask again after ${LOG_RETRY_AFTER_SECONDS} s (see Retry-After).`,
              LOG_RETRY_AFTER_SECONDS,
            );
          }
          throw error;
        }
      },
    );
  }
}

function notYetIntegrated(entryId: string): AuditError {
  return new AuditError(
    'LOG_ENTRY_NOT_YET_INTEGRATED',
    `Entry ${entryId} is not yet in a signed checkpoint; ask again after ${LOG_RETRY_AFTER_SECONDS} s (see Retry-After).`,
    LOG_RETRY_AFTER_SECONDS,
  );
}
