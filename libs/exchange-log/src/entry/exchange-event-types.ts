/**
 * The closed list of events the exchange log records, and for each what it may carry. Anything not
 * declared here is refused at append time: the log holds facts about the exchange, never about a pupil.
 */

/** How a `details` value is judged; see `detail-values.ts`. */
export type DetailKind = 'token' | 'tokens' | 'count' | 'hex' | 'flag';

export interface DetailRule {
  kind: DetailKind;
  required?: boolean;
}

/** Whether an entry of a type must, may or must not carry a field. */
export type Presence = 'required' | 'optional' | 'absent';

export interface EventTypeRule {
  category: 'transfer' | 'registry' | 'audit';
  /** The sending school, the receiving school, and the school a registry event or query is about. */
  schools: { source: Presence; target: Presence; subject: Presence };
  transferId: Presence;
  versionHash: Presence;
  details: Readonly<Record<string, DetailRule>>;
}

const NO_SCHOOLS = { source: 'absent', target: 'absent', subject: 'absent' } as const;
const BOTH_SIDES = { source: 'required', target: 'required', subject: 'absent' } as const;
const ONE_SCHOOL = { source: 'absent', target: 'absent', subject: 'required' } as const;

/** A step of a transfer between a sending and a receiving school. */
function transferEvent(versionHash: Presence, details: Record<string, DetailRule> = {}): EventTypeRule {
  return { category: 'transfer', schools: BOTH_SIDES, transferId: 'required', versionHash, details };
}

function registryEvent(
  schools: EventTypeRule['schools'],
  details: Record<string, DetailRule>,
): EventTypeRule {
  return { category: 'registry', schools, transferId: 'absent', versionHash: 'absent', details };
}

/** Which fields of a registry record changed (column names, never their values). */
const CHANGED: DetailRule = { kind: 'tokens' };

export const EXCHANGE_EVENT_TYPES = {
  // --- transfers ---
  request_created: transferEvent('absent', { reason: { kind: 'token' } }),
  /** A new frozen dossier version; ahead of any request it has no transfer and no receiving school yet. */
  version_staged: {
    category: 'transfer',
    schools: { source: 'required', target: 'optional', subject: 'absent' },
    transferId: 'optional',
    versionHash: 'required',
    details: {
      profile: { kind: 'token', required: true },
      overdrachtsoort: { kind: 'token' },
      version: { kind: 'count' },
      warnedRuleIds: { kind: 'tokens' },
    },
  },
  request_matched: transferEvent('optional'),
  state_changed: transferEvent('optional', {
    from: { kind: 'token' },
    to: { kind: 'token', required: true },
    event: { kind: 'token', required: true },
  }),
  /**
   * After a restore, the broker's own step: a restored transfer's row brought to the state its re-inserted
   * log records (`restored_from_log`), or held in `blocked` (`held_after_restore`) because the log says the
   * gate or the schools moved on after the backup and their records are lost (#14). Not a `state_changed`:
   * the change it follows is in the log already and is not counted twice.
   */
  state_reconciled: transferEvent('absent', {
    from: { kind: 'token', required: true },
    to: { kind: 'token', required: true },
    event: { kind: 'token', required: true },
  }),
  dossier_fetched: transferEvent('required'),
  receipt_confirmed: transferEvent('optional'),
  withdrawn: transferEvent('optional'),
  expired: transferEvent('optional'),
  /** Evidence of inzage or consent for a version: its kind and record id, never who acted or remarks. */
  evidence_recorded: transferEvent('required', {
    kind: { kind: 'token', required: true },
    evidenceId: { kind: 'token', required: true },
  }),
  /** The release gate's answer for a version: outcome, the policy it was made under, reason codes. */
  gate_decided: transferEvent('required', {
    outcome: { kind: 'token', required: true },
    policy: { kind: 'token', required: true },
    policyVersion: { kind: 'count', required: true },
    reasons: { kind: 'tokens' },
  }),
  /** A webhook notification the vendor's receiver accepted (2xx): what it announced, to whom, attempts. */
  notification_delivered: transferEvent('optional', {
    kind: { kind: 'token', required: true },
    vendorId: { kind: 'token', required: true },
    attempts: { kind: 'count', required: true },
  }),
  /** A webhook notification given up after its last attempt; `failure` is the last attempt's code. */
  notification_dead_lettered: transferEvent('optional', {
    kind: { kind: 'token', required: true },
    vendorId: { kind: 'token', required: true },
    attempts: { kind: 'count', required: true },
    failure: { kind: 'token', required: true },
  }),
  /**
   * The sender took a version back before release; its data key was destroyed at once (#11, item 5).
   * Staged ahead it has no transfer and no receiving school; the reason is a token from a closed list.
   */
  version_retracted: {
    category: 'transfer',
    schools: { source: 'required', target: 'optional', subject: 'absent' },
    transferId: 'optional',
    versionHash: 'required',
    details: {
      reason: { kind: 'token', required: true },
      transfersAffected: { kind: 'count' },
    },
  },
  /** The sender recalled a released version; the broker signed a notice for the receiver (#11, item 5). */
  recall_issued: transferEvent('required', {
    reason: { kind: 'token', required: true },
    noticeId: { kind: 'token', required: true },
    keyDestroyed: { kind: 'flag' },
  }),
  /** The consent declaration document was uploaded, sealed (#11): its record id and size, never content. */
  declaration_stored: transferEvent('required', {
    evidenceId: { kind: 'token', required: true },
    byteLength: { kind: 'count', required: true },
  }),
  /**
   * Retention destroyed a version's key and ciphertext (#11, item 7): why its purpose ended (a closed list
   * of tokens) and the term that ran out. Ahead of any request a version has no transfer and no target.
   */
  payload_purged: {
    category: 'transfer',
    schools: { source: 'required', target: 'optional', subject: 'absent' },
    transferId: 'optional',
    versionHash: 'required',
    details: { reason: { kind: 'token', required: true }, termDays: { kind: 'count', required: true } },
  },
  /**
   * A purged transfer's metadata and evidence deleted after the board's term, or the row of a purged
   * version no transfer ever used (then no transfer, no target, its hash): the term and counts only (#11).
   */
  metadata_deleted: {
    category: 'transfer',
    schools: { source: 'required', target: 'optional', subject: 'absent' },
    transferId: 'optional',
    versionHash: 'optional',
    details: {
      termMonths: { kind: 'count', required: true },
      historyRows: { kind: 'count' },
      evidenceRecords: { kind: 'count' },
      versions: { kind: 'count' },
    },
  },
  /**
   * A version's readable rendering was served (#12). To the sender by the version's hash it has no transfer
   * and no receiving school; to the receiver it names the transfer and both schools. Format and form are
   * tokens; `verzorger` is the position of the parent an inzage copy was made for (a count, never a name).
   */
  dossier_rendered: {
    category: 'transfer',
    schools: { source: 'required', target: 'optional', subject: 'absent' },
    transferId: 'optional',
    versionHash: 'required',
    details: {
      format: { kind: 'token', required: true },
      form: { kind: 'token', required: true },
      verzorger: { kind: 'count' },
    },
  },
  /** One attachment of a version was served on its own (#12): its number, never its file name. */
  attachment_fetched: {
    category: 'transfer',
    schools: { source: 'required', target: 'optional', subject: 'absent' },
    transferId: 'optional',
    versionHash: 'required',
    details: { attachment: { kind: 'count', required: true } },
  },
  // --- the registry and the PKI ---
  vendor_added: registryEvent(NO_SCHOOLS, { vendorId: { kind: 'token', required: true } }),
  vendor_changed: registryEvent(NO_SCHOOLS, {
    vendorId: { kind: 'token', required: true },
    changed: CHANGED,
  }),
  school_added: registryEvent(ONE_SCHOOL, { sector: { kind: 'token' }, bevoegdGezag: { kind: 'token' } }),
  school_changed: registryEvent(ONE_SCHOOL, { changed: CHANGED, bevoegdGezag: { kind: 'token' } }),
  auditor_added: registryEvent(NO_SCHOOLS, {
    auditorId: { kind: 'token', required: true },
    boards: { kind: 'tokens' },
    supervisory: { kind: 'flag' },
  }),
  auditor_changed: registryEvent(NO_SCHOOLS, {
    auditorId: { kind: 'token', required: true },
    changed: CHANGED,
    boards: { kind: 'tokens' },
    supervisory: { kind: 'flag' },
  }),
  mandate_granted: registryEvent(ONE_SCHOOL, {
    vendorId: { kind: 'token', required: true },
    side: { kind: 'token' },
  }),
  mandate_revoked: registryEvent(ONE_SCHOOL, {
    vendorId: { kind: 'token', required: true },
    side: { kind: 'token' },
  }),
  certificate_issued: registryEvent(NO_SCHOOLS, {
    holderKind: { kind: 'token', required: true },
    holderId: { kind: 'token', required: true },
    serial: { kind: 'hex', required: true },
    fingerprint: { kind: 'hex' },
  }),
  certificate_revoked: registryEvent(NO_SCHOOLS, {
    holderKind: { kind: 'token' },
    holderId: { kind: 'token' },
    serial: { kind: 'hex', required: true },
    reason: { kind: 'token' },
  }),
  crl_published: registryEvent(NO_SCHOOLS, {
    crlNumber: { kind: 'count' },
    revokedCount: { kind: 'count' },
  }),
  /** A school board's release policy or retention term, recorded by the vendor acting for the board (#11). */
  board_instruction_recorded: registryEvent(NO_SCHOOLS, {
    instructionId: { kind: 'token', required: true },
    bevoegdGezag: { kind: 'token', required: true },
    kind: { kind: 'token', required: true },
    policy: { kind: 'token' },
    policyVersion: { kind: 'count' },
    afterReleaseMonths: { kind: 'count' },
    specialEducationMonths: { kind: 'count' },
  }),
  vault_key_rotated: registryEvent(NO_SCHOOLS, {
    fromKekId: { kind: 'token' },
    toKekId: { kind: 'token', required: true },
    rewrappedCount: { kind: 'count' },
  }),
  // --- the auditors themselves: every query they make is on the record ---
  auditor_query: {
    category: 'audit',
    schools: { source: 'absent', target: 'absent', subject: 'optional' },
    transferId: 'optional',
    versionHash: 'absent',
    // The names of the filters used, never their values (a pupil query's BSN stays out).
    details: {
      query: { kind: 'token', required: true },
      filters: { kind: 'tokens' },
      resultCount: { kind: 'count' },
    },
  },
} as const satisfies Record<string, EventTypeRule>;

export type ExchangeEventType = keyof typeof EXCHANGE_EVENT_TYPES;
export const EXCHANGE_EVENT_TYPE_NAMES = Object.keys(EXCHANGE_EVENT_TYPES) as ExchangeEventType[];

export function isExchangeEventType(value: string): value is ExchangeEventType {
  return Object.prototype.hasOwnProperty.call(EXCHANGE_EVENT_TYPES, value);
}

export const ACTOR_KINDS = ['vendor', 'auditor', 'broker', 'operator'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];
