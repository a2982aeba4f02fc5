import { z } from 'zod';
import { ConfigError } from './config-error';

export type Environment = Record<string, string | undefined>;

/**
 * Reads one configuration section from the environment. The schema's keys are the environment variable
 * names; the first problem found becomes a ConfigError naming that variable.
 */
export function readConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Environment = process.env,
): z.infer<z.ZodObject<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    // An empty value means "not set": shells and compose files often export VAR= for unset settings.
    input[key] = env[key] === '' ? undefined : env[key];
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue.path[0] ?? '(unknown)');
    const got = input[variable];
    const shown = got === undefined ? 'it is not set' : `got "${withoutPassword(got)}"`;
    throw new ConfigError(variable, `${issue.message} (${shown})`);
  }
  return result.data;
}

/**
 * A refused value is repeated so the operator sees the typo, but a URL's password never reaches a log:
 * `scheme://user:secret@host` shows as `scheme://user:***@host`, parseable or not.
 */
function withoutPassword(value: string): string {
  return value.replace(/(\/\/[^/?#@:]*:)[^@/?#]*@/, '$1***@');
}

/** Helpers for the value kinds our settings use; each explains in its message what a valid value is. */
export const setting = {
  port: (fallback: number) =>
    z.coerce
      .number({ invalid_type_error: 'must be a TCP port number' })
      .int('must be a whole number')
      .min(0, 'must be a TCP port between 0 and 65535')
      .max(65535, 'must be a TCP port between 0 and 65535')
      .default(fallback),
  positiveInt: (fallback: number) =>
    z.coerce
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number')
      .positive('must be greater than 0')
      .default(fallback),
  nonNegativeInt: (fallback: number) =>
    z.coerce
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .default(fallback),
  url: (protocols: string[], fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol);
          } catch {
            return false;
          }
        },
        { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
      ),
  text: (fallback: string) => z.string().min(1, 'must not be empty').default(fallback),
  optionalText: () => z.string().min(1).optional(),
  oneOf: <T extends [string, ...string[]]>(values: T, fallback: T[number]) =>
    z
      .enum(values, { errorMap: () => ({ message: `must be one of ${values.join(', ')}` }) })
      .default(fallback),
};
