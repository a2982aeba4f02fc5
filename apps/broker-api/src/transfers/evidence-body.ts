import { calendarDate } from '@app/release-gate';
import {
  ACTOR_REF_PATTERN,
  CONSENT_DECISIONS,
  CONSENT_FORMS,
  EvidenceInput,
  INZAGE_WAYS,
  TransferError,
} from '@app/transfers';
import { z } from 'zod';

/** Remarks are short statements; a long document is sent as its hash (`remarksSha256`). */
const MAX_REMARKS_CHARACTERS = 4000;
/** Nine digits in a row: a BSN or onderwijsnummer (hashes are exempt: hex by structure, see below). */
const NINE_DIGITS = /\d{9}/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

const sha256 = z.string().regex(SHA256_HEX, 'must be a SHA-256 as 64 lowercase hex digits');
const day = z
  .string()
  .refine((text) => calendarDate(text) !== null, 'must be a real calendar date, YYYY-MM-DD');
const label = z
  .string()
  .regex(
    ACTOR_REF_PATTERN,
    'must be a short label such as "ouder-1" (lowercase letters, digits, "-"; at most 32), never a name',
  );
const actor = z.discriminatedUnion('role', [
  z.object({ role: z.literal('pupil') }).strict(),
  z.object({ role: z.enum(['parent_with_gezag', 'voogd', 'verzorger_without_gezag']), ref: label }).strict(),
]);
const common = { versionHash: sha256, receivingSchool: z.string().max(16), date: day };

const evidenceSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('inzage'),
        ...common,
        givenTo: actor,
        how: z.enum(INZAGE_WAYS),
        remarks: z.string().min(1).max(MAX_REMARKS_CHARACTERS).optional(),
        remarksSha256: sha256.optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('consent'),
        ...common,
        decision: z.enum(CONSENT_DECISIONS),
        by: actor,
        form: z.enum(CONSENT_FORMS),
        declaration: z
          .object({
            sha256,
            mediaType: z
              .string()
              .regex(/^[a-z]+\/[a-z0-9.+-]{1,80}$/, 'must be a media type such as application/pdf'),
          })
          .strict()
          .optional(),
      })
      .strict(),
    z.object({ kind: z.literal('consent_withdrawn'), ...common, by: actor }).strict(),
  ])
  .superRefine((body, context) => {
    if (body.kind === 'inzage' && body.remarks !== undefined && body.remarksSha256 !== undefined) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'give the remarks as text or as remarksSha256, not both',
        path: ['remarksSha256'],
      });
    }
    // The school must keep the signed declaration; its hash proves which one.
    if (body.kind === 'consent' && body.form === 'signed_declaration' && body.declaration === undefined) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'a signed declaration needs its sha256 and mediaType',
        path: ['declaration'],
      });
    }
  });

/** The first string in the body (keys included) that looks like a BSN, as a path; never its value. */
function nineDigitsAt(value: unknown, path: string[] = []): string | null {
  if (typeof value === 'string') {
    return !SHA256_HEX.test(value) && NINE_DIGITS.test(value) ? path.join('.') || 'body' : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (NINE_DIGITS.test(key)) return [...path, '(a field name)'].join('.');
    const found = nineDigitsAt(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * The evidence body, strictly: a BSN-shaped value anywhere is refused first (whatever field it hides in),
 * then the shape of its kind. Messages name the field and the rule, never the value.
 */
export function parseEvidenceBody(body: unknown): EvidenceInput {
  const personal = nineDigitsAt(body);
  if (personal) {
    throw new TransferError(
      'EVIDENCE_PERSONAL_DATA',
      'invalid',
      `evidence: ${personal}: holds nine digits in a row, which looks like a BSN or onderwijsnummer; leave it out. Nothing was recorded.`,
    );
  }
  const result = evidenceSchema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.') || 'body';
  const message =
    issue.code === z.ZodIssueCode.invalid_union_discriminator ||
    issue.code === z.ZodIssueCode.invalid_enum_value
      ? `must be one of ${issue.options.map(String).join(', ')}`
      : issue.message;
  throw new TransferError(
    'EVIDENCE_INVALID',
    'invalid',
    `evidence: ${field}: ${message}; nothing was recorded.`,
  );
}
