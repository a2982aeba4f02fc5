import { ACTOR_KINDS, AUDIT_FILTER_NAMES, AuditEntryFilter, isExchangeEventType } from '@app/exchange-log';
import { isUuid, tokenProblem } from '@app/exchange-log/entry/detail-values';
import { BRIN_PATTERN, VESTIGING_PATTERN } from '@app/registry/school-code';
import { AuditError } from './audit-error';

/** Entries per page: 50 unless asked, at most 200 (as the vendors' transfer list). */
export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

const FINGERPRINT = /^[0-9a-f]{64}$/;
const CURSOR = /^e([1-9][0-9]{0,17})$/;

const invalid = (field: string, rule: string): AuditError =>
  new AuditError('AUDIT_FILTER_INVALID', `${field} ${rule}.`);

/**
 * Refuses a filter the log could never match, naming the field and the rule (never echoing the value:
 * an auditor might paste a BSN into the wrong box). Returns the names of the filters used.
 */
export function checkAuditFilter(filter: AuditEntryFilter): string[] {
  for (const bound of ['from', 'to'] as const) {
    const value = filter[bound];
    if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) {
      throw invalid(bound, 'must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z');
    }
  }
  if (filter.from && filter.to && filter.from > filter.to) throw invalid('from', 'must not be after to');
  if (filter.school !== undefined && !isSchoolCode(filter.school)) {
    throw invalid('school', 'must be a school code (BRIN + vestiging), e.g. 12AB00');
  }
  if (filter.transferId !== undefined && !isUuid(filter.transferId)) {
    throw invalid('transfer', 'must be a transfer id (a lowercase UUID)');
  }
  if (filter.eventType !== undefined && !isExchangeEventType(filter.eventType)) {
    throw invalid('type', 'must be an event type of the exchange log (docs/exchange-log.md)');
  }
  if (filter.actorKind !== undefined && !(ACTOR_KINDS as readonly string[]).includes(filter.actorKind)) {
    throw invalid('actorKind', `must be one of ${ACTOR_KINDS.join(', ')}`);
  }
  if (filter.actorId !== undefined && tokenProblem(filter.actorId) !== null) {
    throw invalid('actorId', 'must be a vendor id, auditor name or broker component (an identifier)');
  }
  if (filter.certificateFingerprint !== undefined && !FINGERPRINT.test(filter.certificateFingerprint)) {
    throw invalid('certificate', 'must be a SHA-256 fingerprint in lowercase hex (64 characters)');
  }
  return AUDIT_FILTER_NAMES.filter((name) => filter[name] !== undefined);
}

export function checkPageLimit(limit: number | undefined): number {
  if (limit === undefined) return AUDIT_PAGE_DEFAULT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > AUDIT_PAGE_MAX) {
    throw invalid('limit', `must be a whole number from 1 to ${AUDIT_PAGE_MAX}`);
  }
  return limit;
}

/** Cursors are opaque to clients; inside, the id of the last entry served. */
export function encodeCursor(entryId: string): string {
  return Buffer.from(`e${entryId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw new AuditError('CURSOR_INVALID', 'cursor is not one this broker handed out.');
  return match[1];
}

function isSchoolCode(value: string): boolean {
  return value.length === 6 && BRIN_PATTERN.test(value.slice(0, 4)) && VESTIGING_PATTERN.test(value.slice(4));
}
