import { AuditScope, WHOLE_LOG, appendExchangeEvent } from '@app/exchange-log';
import type { AuthenticatedClient } from '@app/pki';
import { RegistryService } from '@app/registry';
import { DataSource, EntityManager } from 'typeorm';

/** An authenticated auditor, as the client-authentication middleware gives it. */
export type AuditorIdentity = Extract<AuthenticatedClient, { kind: 'auditor' }>;

/** What the log records about one auditor query: its name and the names of its filters, never values. */
export interface AuditQueryRecord {
  query: string;
  filters?: string[];
  /** The school the query is about, when it is about one. */
  subject?: string;
  transferId?: string;
}

/** The schools an auditor may see: every school when supervisory, else those of its boards. */
export async function auditScopeOf(registry: RegistryService, auditor: AuditorIdentity): Promise<AuditScope> {
  const registered = await registry.findAuditor(auditor.auditorName);
  if (registered.supervisory) return WHOLE_LOG;
  return { kind: 'schools', schools: await registry.schoolCodesOfBoards(registered.boards) };
}

/**
 * Runs an auditor's read and records it as an `auditor_query` entry in the same transaction: a query
 * that is not recorded did not happen, and a failed record fails the query. `read` returns its answer
 * and the number of results the entry states.
 */
export async function auditedRead<T>(
  dataSource: DataSource,
  registry: RegistryService,
  auditor: AuditorIdentity,
  record: AuditQueryRecord,
  read: (manager: EntityManager, scope: AuditScope) => Promise<{ answer: T; resultCount: number }>,
): Promise<T> {
  const scope = await auditScopeOf(registry, auditor);
  return dataSource.transaction(async (manager) => {
    const { answer, resultCount } = await read(manager, scope);
    await appendExchangeEvent(manager, {
      type: 'auditor_query',
      at: new Date(),
      actor: {
        kind: 'auditor',
        id: auditor.auditorName,
        certificateFingerprint: auditor.certificate.fingerprintSha256,
      },
      schools: record.subject === undefined ? {} : { subject: record.subject },
      ...(record.transferId === undefined ? {} : { transferId: record.transferId }),
      details: {
        query: record.query,
        ...(record.filters && record.filters.length > 0 ? { filters: record.filters } : {}),
        resultCount,
      },
    });
    return answer;
  });
}
