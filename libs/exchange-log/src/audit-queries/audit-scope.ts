/**
 * Which schools an auditor may see: every school (a supervisory auditor: the inspectorate, the data
 * protection authority), or the schools of its boards (a board's privacy officer). Entries that name no
 * school (registry and PKI events without a subject) are for supervisory auditors only.
 */
export type AuditScope = { kind: 'all' } | { kind: 'schools'; schools: readonly string[] };

export const WHOLE_LOG: AuditScope = { kind: 'all' };

export function inScope(scope: AuditScope, schools: Array<string | undefined>): boolean {
  if (scope.kind === 'all') return true;
  return schools.some((school) => school !== undefined && scope.schools.includes(school));
}
