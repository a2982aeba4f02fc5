import { createHmac } from 'node:crypto';
import { passesElfproef } from '@app/oso-dataset/rules/pupil.rules';

/**
 * How a pupil is recognised across schools without the broker keeping who it is: the BSN (or, without
 * one, the onderwijsnummer) plus the birth date. Only a keyed hash (HMAC-SHA-256 with the broker's
 * secret) is stored; without the secret the hash cannot be tested against guessed BSNs.
 */
export interface PupilKey {
  bsn?: string | null;
  onderwijsnummer?: string | null;
  geboortedatum: string;
}

export type PupilKeyProblem = 'PUPIL_KEY_INVALID';

/** Why the key cannot identify a pupil, or null; messages never repeat the number. */
export function pupilKeyProblem(key: PupilKey): string | null {
  const hasBsn = typeof key.bsn === 'string' && key.bsn !== '';
  const hasOnderwijsnummer = typeof key.onderwijsnummer === 'string' && key.onderwijsnummer !== '';
  if (hasBsn === hasOnderwijsnummer) return 'give exactly one of bsn and onderwijsnummer';
  if (hasBsn && !passesElfproef(key.bsn!)) return 'bsn must be 9 digits that pass the elfproef';
  if (hasOnderwijsnummer && !/^[0-9]{9}$/.test(key.onderwijsnummer!))
    return 'onderwijsnummer must be 9 digits';
  if (!isCalendarDate(key.geboortedatum)) return 'geboortedatum must be a date as YYYY-MM-DD';
  return null;
}

function isCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The stored form of a pupil key: hex HMAC-SHA-256 over a fixed, unambiguous spelling of the key. */
export function hashPupilKey(key: PupilKey, secret: Buffer): string {
  const number = key.bsn ? `bsn:${key.bsn}` : `onderwijsnummer:${key.onderwijsnummer}`;
  return createHmac('sha256', secret).update(`oso-pupil-key/v1|${number}|${key.geboortedatum}`).digest('hex');
}
