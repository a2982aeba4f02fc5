import type { DetailKind } from './exchange-event-types';

/**
 * What the log accepts as a value, judged by what it is. The log must never hold anything that identifies a
 * pupil, so besides the declared shape every free value is screened for what personal data looks like in
 * this domain: BSN and onderwijsnummer (nine digits), birth dates, and free text.
 */

/** The longest token: ids, codes and state names fit; sentences (free text, names with initials) do not. */
export const MAX_TOKEN_LENGTH = 64;
/** The most tokens in one list (a verdict lists at most 100 findings, so 100 warned rule ids). */
export const MAX_TOKENS = 100;
/** Counts stay below nine digits: a nine-digit number could be a BSN or an onderwijsnummer. */
export const MAX_COUNT = 99_999_999;

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX = /^[0-9a-f]{2,64}$/;

const PERSONAL_DATA_SHAPES: ReadonlyArray<{ shape: RegExp; looksLike: string }> = [
  { shape: /\d{8}/, looksLike: 'a BSN, onderwijsnummer or yyyymmdd date (eight or more digits in a row)' },
  { shape: /\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/, looksLike: 'a date' },
  { shape: /\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}/, looksLike: 'a date' },
];

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * Why `value` is no acceptable token, or null. A UUID is recognised by its structure (its hex may hold a
 * run of digits by chance); anything else is screened. The value itself never appears in the answer.
 */
export function tokenProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (isUuid(value)) return null;
  if (value.length === 0 || value.length > MAX_TOKEN_LENGTH) {
    return `must be 1-${MAX_TOKEN_LENGTH} characters (free text does not belong in the log)`;
  }
  if (!TOKEN.test(value)) return 'must be an identifier: letters, digits, "_", ".", ":" or "-"';
  const match = PERSONAL_DATA_SHAPES.find(({ shape }) => shape.test(value));
  return match ? `looks like personal data (${match.looksLike})` : null;
}

/** Why `value` is not a valid `details` value of this kind, or null. */
export function detailProblem(kind: DetailKind, value: unknown): string | null {
  switch (kind) {
    case 'token':
      return tokenProblem(value);
    case 'tokens': {
      if (!Array.isArray(value)) return 'must be a list of identifiers';
      if (value.length > MAX_TOKENS) return `must list at most ${MAX_TOKENS} identifiers`;
      for (const [index, item] of value.entries()) {
        const problem = tokenProblem(item);
        if (problem) return `item ${index} ${problem}`;
      }
      return null;
    }
    case 'count':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        return 'must be a whole number of zero or more';
      }
      return value > MAX_COUNT
        ? `must be at most ${MAX_COUNT} (a nine-digit number looks like a BSN or onderwijsnummer)`
        : null;
    case 'hex':
      return typeof value === 'string' && HEX.test(value)
        ? null
        : 'must be 2-64 lowercase hexadecimal characters';
    case 'flag':
      return typeof value === 'boolean' ? null : 'must be true or false';
  }
}
