import { RegistryError } from './registry-error';
import { InvalidSchoolCodeError, SchoolCode, parseSchoolCode } from './school-code';
import { SCHOOL_SECTORS, SchoolSector } from './school-sector';

/*
 * What the registry accepts, judged before anything is written. Ids and numbers here go into the
 * exchange log, which refuses a run of digits that could be a BSN or a date: the registry refuses them
 * first, with its own codes.
 */

const VENDOR_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,63}$/;
const AUDITOR_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const LONG_DIGIT_RUN = /[0-9]{8}/;
/** DUO numbers a bevoegd gezag (school board) with five digits. */
const BEVOEGD_GEZAG_PATTERN = /^[0-9]{5}$/;
const MAX_NAME_LENGTH = 200;
/**
 * What a school registered before bevoegd gezag existed holds until an operator sets it (see the
 * AuditorScope migration). No DUO board has this number.
 */
export const UNKNOWN_BEVOEGD_GEZAG = '00000';

export function requireVendorId(id: string): string {
  if (!VENDOR_ID_PATTERN.test(id) || LONG_DIGIT_RUN.test(id)) {
    throw new RegistryError(
      'INVALID_VENDOR_ID',
      `vendor id "${id}" must be 2-64 characters of a-z, 0-9 and '-', starting with a letter or digit, without 8 digits in a row`,
    );
  }
  return id;
}

/** The longest webhook URL (the column's bound). */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * A vendor's webhook: an absolute https URL without credentials (the broker authenticates itself with its
 * client certificate and signature; a secret in the URL would end up in logs), without a fragment, at
 * most MAX_WEBHOOK_URL_LENGTH characters. Answers it normalised, as the broker will call it.
 */
export function requireWebhookUrl(value: string): string {
  const refuse = (why: string): never => {
    throw new RegistryError('INVALID_WEBHOOK_URL', `webhook URL ${why}`);
  };
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return refuse('is not an absolute URL (e.g. https://las.example.nl/oso/notifications)');
  }
  if (url.protocol !== 'https:') refuse('must use https');
  if (url.username !== '' || url.password !== '' || url.href.includes('@')) {
    refuse('must not hold credentials or "@" (the broker authenticates with its certificate and signature)');
  }
  if (url.hash !== '') refuse('must not have a fragment (#...)');
  if (url.href.length > MAX_WEBHOOK_URL_LENGTH) {
    refuse(`must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  return url.href;
}

export function requireAuditorName(name: string): string {
  if (!AUDITOR_NAME_PATTERN.test(name) || LONG_DIGIT_RUN.test(name)) {
    throw new RegistryError(
      'INVALID_NAME',
      `auditor name "${name}" must be 2-64 characters of a-z, 0-9, '.', '_' and '-', without 8 digits in a row`,
    );
  }
  return name;
}

export function requireName(name: string, what: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw new RegistryError('INVALID_NAME', `${what} must be 1-${MAX_NAME_LENGTH} characters`);
  }
  return trimmed;
}

export function requireSector(sector: string): SchoolSector {
  if (!(SCHOOL_SECTORS as readonly string[]).includes(sector)) {
    throw new RegistryError(
      'INVALID_SECTOR',
      `sector "${sector}" is not one of ${SCHOOL_SECTORS.join(', ')}`,
    );
  }
  return sector as SchoolSector;
}

export function requireBevoegdGezag(value: string): string {
  if (typeof value !== 'string' || !BEVOEGD_GEZAG_PATTERN.test(value)) {
    throw new RegistryError(
      'INVALID_BEVOEGD_GEZAG',
      `bevoegd gezag "${value ?? ''}" must be the 5-digit DUO number of the school board, e.g. 41999`,
    );
  }
  // The placeholder names no board: as an auditor's board it would open every school that lacks one.
  if (value === UNKNOWN_BEVOEGD_GEZAG) {
    throw new RegistryError(
      'INVALID_BEVOEGD_GEZAG',
      `bevoegd gezag ${UNKNOWN_BEVOEGD_GEZAG} only marks schools registered before the field existed; give the school board's real DUO number`,
    );
  }
  return value;
}

export function toSchoolCode(input: string): SchoolCode {
  try {
    return parseSchoolCode(input);
  } catch (error) {
    if (error instanceof InvalidSchoolCodeError) {
      throw new RegistryError('INVALID_SCHOOL_CODE', error.message);
    }
    throw error;
  }
}

/** What an auditor may see: the schools of its boards, or (supervisory) every school. */
export interface AuditorScope {
  boards: string[];
  supervisory: boolean;
}

/**
 * Exactly one of: supervisory with no boards, or a board auditor with at least one board. Boards are
 * deduplicated and sorted, so the same scope is stored and logged the same way.
 */
export function auditorScope(input: { boards?: readonly string[]; supervisory?: boolean }): AuditorScope {
  const supervisory = input.supervisory ?? false;
  const boards = [...new Set(input.boards ?? [])];
  if (supervisory === boards.length > 0) {
    throw new RegistryError(
      'INVALID_AUDITOR_SCOPE',
      supervisory
        ? 'a supervisory auditor sees every school: give it no boards'
        : 'an auditor needs at least one board (bevoegd-gezag number) or must be supervisory',
    );
  }
  for (const board of boards) requireBevoegdGezag(board);
  return { boards: boards.sort(), supervisory };
}
