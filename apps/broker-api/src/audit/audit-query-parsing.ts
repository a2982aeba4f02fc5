import { ACTOR_KINDS, AuditEntryFilter, EXCHANGE_EVENT_TYPE_NAMES } from '@app/exchange-log';
import { z } from 'zod';
import { AuditError } from './audit-error';

/** Query strings stay short: every value is an id, a code or a time. */
const MAX_QUERY_VALUE = 200;
const text = z.string().max(MAX_QUERY_VALUE);
const time = text.refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 time');

export const entriesQuerySchema = z
  .object({
    from: time.optional(),
    to: time.optional(),
    school: text.optional(),
    transfer: text.optional(),
    type: z.enum(EXCHANGE_EVENT_TYPE_NAMES as [string, ...string[]]).optional(),
    actorKind: z.enum(ACTOR_KINDS).optional(),
    actorId: text.optional(),
    certificate: text.optional(),
    cursor: text.optional(),
    limit: z.coerce.number().int().optional(),
    proofs: z.enum(['true', 'false']).optional(),
  })
  .strict();

export const pupilReportSchema = z
  .object({
    bsn: z.string().max(MAX_QUERY_VALUE).optional(),
    onderwijsnummer: z.string().max(MAX_QUERY_VALUE).optional(),
    geboortedatum: z.string().max(MAX_QUERY_VALUE),
  })
  .strict();

export const incidentQuerySchema = z
  .object({ certificate: text, from: time.optional(), to: time.optional() })
  .strict();

const treeSize = z.coerce.number().int().min(0);

export const consistencyQuerySchema = z.object({ from: treeSize, to: treeSize.optional() }).strict();

export const exportQuerySchema = z
  .object({ from: time.optional(), to: time.optional(), previous: treeSize.optional() })
  .strict();

export type EntriesQuery = z.infer<typeof entriesQuerySchema>;

/** The query's filter in the service's terms (API names: `transfer`, `type`, `certificate`). */
export function filterOf(query: {
  from?: string;
  to?: string;
  school?: string;
  transfer?: string;
  type?: string;
  actorKind?: string;
  actorId?: string;
  certificate?: string;
}): AuditEntryFilter {
  const filter: AuditEntryFilter = {};
  if (query.from !== undefined) filter.from = new Date(query.from);
  if (query.to !== undefined) filter.to = new Date(query.to);
  if (query.school !== undefined) filter.school = query.school;
  if (query.transfer !== undefined) filter.transferId = query.transfer;
  if (query.type !== undefined) filter.eventType = query.type as AuditEntryFilter['eventType'];
  if (query.actorKind !== undefined) filter.actorKind = query.actorKind as AuditEntryFilter['actorKind'];
  if (query.actorId !== undefined) filter.actorId = query.actorId;
  if (query.certificate !== undefined) filter.certificateFingerprint = query.certificate;
  return filter;
}

/** Parses a query or body; a mismatch names the field and the rule, never the value. */
export function parseAudit<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || what;
  const rule =
    issue.code === z.ZodIssueCode.invalid_enum_value
      ? `must be one of ${issue.options.map(String).join(', ')}`
      : issue.message;
  throw new AuditError('AUDIT_FILTER_INVALID', `${what}: ${field}: ${rule}.`);
}
