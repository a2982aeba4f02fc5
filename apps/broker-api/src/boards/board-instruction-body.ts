import { calendarDate } from '@app/release-gate';
import { BoardInstructionError } from '@app/registry/board-instruction-error';
import { z } from 'zod';

const decidedOn = z
  .string()
  .refine((text) => calendarDate(text) === text, 'must be a real calendar date, YYYY-MM-DD');
const months = z.number().int('must be a whole number of months');

const releasePolicySchema = z
  .object({ policy: z.string().max(32), version: z.number().int().positive(), decidedOn })
  .strict();
const retentionSchema = z
  .object({ afterReleaseMonths: months, specialEducationMonths: months, decidedOn })
  .strict();

export type ReleasePolicyBody = z.infer<typeof releasePolicySchema>;
export type RetentionBody = z.infer<typeof retentionSchema>;

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BoardInstructionError(
    'BOARD_INSTRUCTION_INVALID',
    `${issue.path.join('.') || 'body'}: ${issue.message}; nothing was recorded.`,
  );
}

/** `{ policy: 'wvo-art-103b', version: 1, decidedOn: 'YYYY-MM-DD' }`, strictly. */
export const parseReleasePolicyBody = (body: unknown): ReleasePolicyBody => parse(releasePolicySchema, body);

/** `{ afterReleaseMonths, specialEducationMonths, decidedOn }`, strictly; the bounds are the registry's. */
export const parseRetentionBody = (body: unknown): RetentionBody => parse(retentionSchema, body);
