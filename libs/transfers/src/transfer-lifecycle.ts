/**
 * The life of one transfer, from the receiving school's request to the purge of its payload. Every
 * change of state goes through `nextState`, which knows which changes exist and who may cause them;
 * anything else is refused, so a transfer cannot skip the gate or come back from the dead.
 */
export const TRANSFER_STATES = [
  /** The receiving school's vendor asked for the dossier; nothing staged yet. */
  'requested',
  /**
   * A version staged ahead matched this request; the sender has not yet named this receiving school
   * (issue #11, item 1). The receiving side sees `requested` and nothing of the version.
   */
  'awaiting_approval',
  /** A dossier version is staged for the request and waits for the release gate's first look. */
  'dossier_staged',
  /** The gate waits for evidence (inzage, written consent) before it can release. */
  'awaiting_evidence',
  /** The gate refuses release (e.g. consent refused or withdrawn); new evidence or a new version may lift it. */
  'blocked',
  /** The gate said RELEASE for the current version; the worker will release it. */
  'release_queued',
  /** The receiving vendor may fetch the released version. */
  'released',
  /** The receiving vendor acknowledged receipt. */
  'received',
  /** Nothing happened before the deadline. */
  'expired',
  /** The receiving vendor withdrew the request. */
  'withdrawn',
  /** The payloads are destroyed (retention); only metadata and the exchange log remain. */
  'purged',
] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

/** Who causes a change: the vendor of the receiving (target) or sending (source) school, or the broker itself. */
export type TransferActor = 'target_vendor' | 'source_vendor' | 'broker';

export const TRANSFER_EVENTS = [
  'stage_version',
  'await_evidence',
  'block',
  'queue_release',
  'release',
  'acknowledge_receipt',
  'withdraw',
  'expire',
  'purge',
  'retract_version',
  'stage_correction',
  'await_approval',
  'approve_match',
  'refuse_match',
] as const;
export type TransferEvent = (typeof TRANSFER_EVENTS)[number];

interface Transition {
  from: readonly TransferState[];
  to: TransferState;
  by: readonly TransferActor[];
}

/**
 * Open: released to nobody yet — or, with a corrected version staged after a release (#11), the correction
 * not yet released. The sender may still replace the dossier (and the gate looks again), the receiver may
 * withdraw, and no second request for the same pupil between the same schools is taken.
 */
export const OPEN_STATES: readonly TransferState[] = [
  'requested',
  'awaiting_approval',
  'dossier_staged',
  'awaiting_evidence',
  'blocked',
  'release_queued',
];

export const TRANSFER_TRANSITIONS: Readonly<Record<TransferEvent, Transition>> = {
  // The broker stages on the sender's behalf when a request finds a dossier that was staged before it.
  stage_version: { from: OPEN_STATES, to: 'dossier_staged', by: ['source_vendor', 'broker'] },
  // The gate looks again at every new evidence record: it may lift a block, or take back a queued
  // release before the worker acts (a withdrawal that commits first wins; the worker asks the gate again).
  await_evidence: {
    from: ['dossier_staged', 'blocked', 'release_queued'],
    to: 'awaiting_evidence',
    by: ['broker'],
  },
  block: { from: ['dossier_staged', 'awaiting_evidence', 'release_queued'], to: 'blocked', by: ['broker'] },
  queue_release: {
    from: ['dossier_staged', 'awaiting_evidence', 'blocked'],
    to: 'release_queued',
    by: ['broker'],
  },
  release: { from: ['release_queued'], to: 'released', by: ['broker'] },
  acknowledge_receipt: { from: ['released'], to: 'received', by: ['target_vendor'] },
  withdraw: { from: OPEN_STATES, to: 'withdrawn', by: ['target_vendor'] },
  expire: {
    from: ['requested', 'awaiting_approval', 'dossier_staged', 'awaiting_evidence', 'blocked'],
    to: 'expired',
    by: ['broker'],
  },
  // Retention (#11): a finished transfer once its payloads are destroyed; also a release never acknowledged
  // and a block never lifted, once their terms ended and the version's key went (docs/operator-guide.md).
  purge: { from: ['received', 'expired', 'withdrawn', 'released', 'blocked'], to: 'purged', by: ['broker'] },
  // The sender takes back the version serving the transfer before it is released (#11, item 5): the
  // request waits again for a dossier, with no current version; a queued release finds nothing to do.
  retract_version: {
    from: ['awaiting_approval', 'dossier_staged', 'awaiting_evidence', 'blocked', 'release_queued'],
    to: 'requested',
    by: ['source_vendor'],
  },
  // After release the sender stages a corrected version for the transfer (#11, item 5): the gate starts
  // over for it; `releasedVersionId` keeps the released one (the receiver may fetch it) until the
  // correction itself is released.
  stage_correction: { from: ['released', 'received'], to: 'dossier_staged', by: ['source_vendor'] },
  // A version staged ahead (no transfer named) meets an open request: it waits for the sender to name
  // the receiving school. The broker matches at request time; the sender's staging serves open requests.
  await_approval: { from: OPEN_STATES, to: 'awaiting_approval', by: ['broker', 'source_vendor'] },
  // The sender names this school for the matched version: from here on as if staged for the transfer.
  approve_match: { from: ['awaiting_approval'], to: 'dossier_staged', by: ['source_vendor'] },
  // The sender will not send the matched version to this school: the request waits for another version.
  refuse_match: { from: ['awaiting_approval'], to: 'requested', by: ['source_vendor'] },
};

export type TransitionRefusal = 'TRANSFER_STATE_CONFLICT' | 'TRANSFER_ACTOR_NOT_ALLOWED';

/** The state after `event`, or why it cannot happen now. Pure: the caller persists the result. */
export function nextState(
  current: TransferState,
  event: TransferEvent,
  actor: TransferActor,
): { ok: true; state: TransferState } | { ok: false; refusal: TransitionRefusal } {
  const transition = TRANSFER_TRANSITIONS[event];
  if (!transition.by.includes(actor)) return { ok: false, refusal: 'TRANSFER_ACTOR_NOT_ALLOWED' };
  if (!transition.from.includes(current)) return { ok: false, refusal: 'TRANSFER_STATE_CONFLICT' };
  return { ok: true, state: transition.to };
}

/** States in which nothing more can happen but the purge (or nothing at all). */
export function isFinished(state: TransferState): boolean {
  return ['received', 'expired', 'withdrawn', 'purged'].includes(state);
}
