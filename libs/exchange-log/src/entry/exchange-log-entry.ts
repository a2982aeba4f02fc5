import { BRIN_PATTERN, VESTIGING_PATTERN } from '@app/registry/school-code';
import { detailProblem, isUuid, tokenProblem } from './detail-values';
import {
  ACTOR_KINDS,
  ActorKind,
  EXCHANGE_EVENT_TYPES,
  EventTypeRule,
  ExchangeEventType,
  Presence,
  isExchangeEventType,
} from './exchange-event-types';

/** Who caused an event: a vendor or auditor (by its registry id and the certificate it used), or the broker. */
export interface ExchangeActor {
  kind: ActorKind;
  id: string;
  /** SHA-256 of the client certificate (lowercase hex), when the actor authenticated with one. */
  certificateFingerprint?: string;
}

/** School codes (BRIN + vestiging, e.g. `12AB00`): public identifiers of schools, never of pupils. */
export interface ExchangeSchools {
  source?: string;
  target?: string;
  subject?: string;
}

export type DetailValue = string | number | boolean | string[];

/** What a caller appends. Everything is checked against the event type's declaration before it is stored. */
export interface ExchangeEventInput {
  type: ExchangeEventType;
  at: Date;
  actor: ExchangeActor;
  schools?: ExchangeSchools;
  transferId?: string;
  /** SHA-256 of the dossier version's content (lowercase hex). */
  versionHash?: string;
  details?: Record<string, DetailValue>;
}

/** An entry as stored: the input plus the id the database assigned (from a sequence, as a decimal string). */
export interface ExchangeLogEntry extends ExchangeEventInput {
  id: string;
  schools: ExchangeSchools;
  details: Record<string, DetailValue>;
}

/** Refused input. The message names the field and the rule, never the value (it might be personal data). */
export class InvalidExchangeEventError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`exchange log entry refused: ${field} ${problem}`);
    this.name = 'InvalidExchangeEventError';
  }
}

const INPUT_KEYS = new Set(['type', 'at', 'actor', 'schools', 'transferId', 'versionHash', 'details']);
const ACTOR_KEYS = new Set(['kind', 'id', 'certificateFingerprint']);
const SCHOOL_ROLES = ['source', 'target', 'subject'] as const;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Checks an event against the closed model: a known type, only declared keys, every value of its declared
 * kind and free of what personal data looks like. Throws InvalidExchangeEventError; returns the input
 * normalised (absent optional parts as empty objects).
 */
export function validateExchangeEvent(input: ExchangeEventInput): ExchangeEventInput & {
  schools: ExchangeSchools;
  details: Record<string, DetailValue>;
} {
  refuseUnknownKeys('entry', input, INPUT_KEYS);
  if (typeof input.type !== 'string' || !isExchangeEventType(input.type)) {
    throw new InvalidExchangeEventError('type', 'is not an event type of the exchange log');
  }
  const rule: EventTypeRule = EXCHANGE_EVENT_TYPES[input.type];
  if (!(input.at instanceof Date) || Number.isNaN(input.at.getTime())) {
    throw new InvalidExchangeEventError('at', 'must be a valid Date');
  }
  validateActor(input.actor);
  const schools = input.schools ?? {};
  refuseUnknownKeys('schools', schools, new Set(SCHOOL_ROLES));
  for (const role of SCHOOL_ROLES) {
    requirePresence(`schools.${role}`, schools[role], rule.schools[role]);
    if (schools[role] !== undefined && !isSchoolCode(schools[role])) {
      throw new InvalidExchangeEventError(`schools.${role}`, 'must be a school code such as 12AB00');
    }
  }
  requirePresence('transferId', input.transferId, rule.transferId);
  if (input.transferId !== undefined && !isUuid(input.transferId)) {
    throw new InvalidExchangeEventError('transferId', 'must be a lowercase UUID');
  }
  requirePresence('versionHash', input.versionHash, rule.versionHash);
  if (input.versionHash !== undefined && !SHA256_HEX.test(input.versionHash)) {
    throw new InvalidExchangeEventError('versionHash', 'must be a SHA-256 in lowercase hex');
  }
  const details = input.details ?? {};
  validateDetails(input.type, rule, details);
  return { ...input, schools, details };
}

function validateActor(actor: ExchangeActor): void {
  if (typeof actor !== 'object' || actor === null) {
    throw new InvalidExchangeEventError('actor', 'must be an object with kind and id');
  }
  refuseUnknownKeys('actor', actor, ACTOR_KEYS);
  if (!(ACTOR_KINDS as readonly string[]).includes(actor.kind)) {
    throw new InvalidExchangeEventError('actor.kind', `must be one of ${ACTOR_KINDS.join(', ')}`);
  }
  const idProblem = tokenProblem(actor.id);
  if (idProblem) throw new InvalidExchangeEventError('actor.id', idProblem);
  const fingerprint = actor.certificateFingerprint;
  if (fingerprint !== undefined && !SHA256_HEX.test(fingerprint)) {
    throw new InvalidExchangeEventError('actor.certificateFingerprint', 'must be a SHA-256 in lowercase hex');
  }
}

function validateDetails(
  type: ExchangeEventType,
  rule: EventTypeRule,
  details: Record<string, unknown>,
): void {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) {
    throw new InvalidExchangeEventError('details', 'must be an object');
  }
  for (const key of Object.keys(details)) {
    const declared = rule.details[key];
    if (!declared) {
      throw new InvalidExchangeEventError(`details.${key}`, `is not declared for ${type}`);
    }
    const problem = detailProblem(declared.kind, details[key]);
    if (problem) throw new InvalidExchangeEventError(`details.${key}`, problem);
  }
  for (const [key, declared] of Object.entries(rule.details)) {
    if (declared.required && details[key] === undefined) {
      throw new InvalidExchangeEventError(`details.${key}`, `is required for ${type}`);
    }
  }
}

function requirePresence(field: string, value: unknown, presence: Presence): void {
  if (presence === 'required' && value === undefined) {
    throw new InvalidExchangeEventError(field, 'is required for this event type');
  }
  if (presence === 'absent' && value !== undefined) {
    throw new InvalidExchangeEventError(field, 'does not belong to this event type');
  }
}

function refuseUnknownKeys(where: string, value: object, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw new InvalidExchangeEventError(`${where}.${key}`, 'is not a known field');
  }
}

function isSchoolCode(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length === 6 &&
    BRIN_PATTERN.test(value.slice(0, 4)) &&
    VESTIGING_PATTERN.test(value.slice(4))
  );
}
