import type { EntityManager } from 'typeorm';
import type { TransferActor, TransferEvent, TransferState } from './transfer-lifecycle';

/*
 * What the exchange tells the exchange log (issue #10): one event for everything that happens to a
 * transfer or a dossier version, recorded inside the transaction that makes it happen. Events name
 * schools, transfers and versions by id and hash; never a pupil (no BSN, key hash, birth date or content).
 */

export const TRANSFER_LOG_EVENT_TYPES = [
  'request_created',
  'version_staged',
  'request_matched',
  'state_changed',
  'dossier_fetched',
  'receipt_confirmed',
  'withdrawn',
  'expired',
  'evidence_recorded',
  'gate_decided',
  'notification_delivered',
  'notification_dead_lettered',
  'version_retracted',
  'recall_issued',
  'declaration_stored',
  'payload_purged',
  'metadata_deleted',
  'dossier_rendered',
  'attachment_fetched',
] as const;
export type TransferLogEventType = (typeof TRANSFER_LOG_EVENT_TYPES)[number];

/** Why the sender takes a version back: a token, never the sender's own words. */
export const RETRACTION_REASONS = ['wrong_pupil', 'wrong_content', 'other'] as const;
export type RetractionReason = (typeof RETRACTION_REASONS)[number];

/**
 * Why retention destroyed a version's payload: the purpose that ended (docs/operator-guide.md,
 * "Retention"). A retracted version's key goes at once, with the retraction, not here.
 */
export const PAYLOAD_PURGE_REASONS = [
  'received',
  'release_unacknowledged',
  'blocked',
  'withdrawn',
  'expired',
  'superseded',
  'unclaimed',
] as const;
export type PayloadPurgeReason = (typeof PAYLOAD_PURGE_REASONS)[number];

/** The vendor a request comes from, and the certificate it authenticated with: the log names both. */
export interface ActingVendor {
  id: string;
  /** SHA-256 of the client certificate (lowercase hex), as the registry binds it. */
  certificateFingerprint: string;
}

/** Who caused an event: a vendor (with its certificate), on one side of the transfer, or the broker itself. */
export type TransferEventActor =
  | { kind: 'vendor'; id: string; certificateFingerprint: string; side: 'target' | 'source' }
  | { kind: 'broker'; id: null; side: null };

/**
 * The schools an event concerns, by their public codes (BRIN + vestiging), which is how the log names
 * them. The use case has the schools at hand already, so recording needs no registry lookup: the log
 * must not slow the exchange (issue #10, "Scale"). No target before a request exists (`version_staged`).
 */
export interface EventSchools {
  source: string;
  target: string | null;
}

interface TransferLogEventBase {
  at: Date;
  actor: TransferEventActor;
  schools: EventSchools;
  transferId: string | null;
  /** SHA-256 of the version's canonical XML: its identity for evidence and the log. */
  versionHash: string | null;
}

/** A transfer's two schools by their codes: every event about a transfer names both. */
export interface TransferSchools extends EventSchools {
  target: string;
}

/** A step of the lifecycle as the log records it: receipt, withdrawal and expiry have their own types. */
export interface TransferStateEvent extends TransferLogEventBase {
  type: 'state_changed' | 'receipt_confirmed' | 'withdrawn' | 'expired';
  schools: TransferSchools;
  transferId: string;
  step: TransferEvent;
  fromState: TransferState;
  toState: TransferState;
}

export type TransferLogEvent =
  | (TransferLogEventBase & { type: 'request_created'; transferId: string; schools: TransferSchools })
  | (TransferLogEventBase & {
      type: 'version_staged';
      versionHash: string;
      profile: string;
      overdrachtsoort: string;
      /** The ids of the rules that warned (sorted, each once); the findings' texts stay out. */
      warnedRuleIds: string[];
    })
  | (TransferLogEventBase & {
      type: 'request_matched';
      schools: TransferSchools;
      transferId: string;
      versionHash: string;
    })
  | TransferStateEvent
  | (TransferLogEventBase & {
      type: 'evidence_recorded';
      schools: TransferSchools;
      transferId: string;
      versionHash: string;
      /** The kind of record and its id; never who acted, how, or their remarks (the sender reads those). */
      kind: 'inzage' | 'consent' | 'consent_withdrawn';
      evidenceId: string;
    })
  | (TransferLogEventBase & {
      type: 'gate_decided';
      schools: TransferSchools;
      transferId: string;
      versionHash: string;
      outcome: 'release' | 'wait' | 'block';
      policy: { id: string; version: number };
      /** The reasons' codes (a closed list), not their messages. */
      reasonCodes: string[];
    })
  | (TransferLogEventBase & {
      type: 'notification_delivered' | 'notification_dead_lettered';
      schools: TransferSchools;
      transferId: string;
      /** What was announced (`released`, `received`, ...) and to which vendor; never the webhook URL. */
      kind: string;
      vendorId: string;
      attempts: number;
      /** The last attempt's failure code; dead letters only. */
      failure: string | null;
    })
  | (TransferLogEventBase & {
      /**
       * The sender took a version back before release and its key was destroyed (#11, item 5). Through a
       * transfer it names that transfer and its receiving school; a version staged ahead names neither.
       */
      type: 'version_retracted';
      versionHash: string;
      reason: RetractionReason;
      /** How many open transfers lost the version (each also has its own `retract_version` step). */
      transfersAffected: number;
    })
  | (TransferLogEventBase & {
      /** The sender recalled a released version; the broker signed a notice for the receiver (#11). */
      type: 'recall_issued';
      schools: TransferSchools;
      transferId: string;
      versionHash: string;
      reason: RetractionReason;
      noticeId: string;
      /** Whether the version's key was destroyed with it (not while another transfer still has it released). */
      keyDestroyed: boolean;
    })
  | (TransferLogEventBase & {
      type: 'declaration_stored';
      schools: TransferSchools;
      transferId: string;
      versionHash: string;
      /** The consent record the document belongs to, and its size; never the document. */
      evidenceId: string;
      byteLength: number;
    })
  | (TransferLogEventBase & {
      type: 'payload_purged';
      versionHash: string;
      /** Why the version's purpose ended (retention), and the term that ran out, in days. */
      reason: PayloadPurgeReason;
      termDays: number;
    })
  | (TransferLogEventBase & {
      type: 'metadata_deleted';
      /** A transfer's (both schools), or a version's no transfer used (no target, no transfer id). */
      schools: EventSchools;
      transferId: string | null;
      /** The board's term that ran out, and how many rows went (counts only). */
      termMonths: number;
      historyRows: number;
      evidenceRecords: number;
      versions: number;
    })
  | (TransferLogEventBase & {
      type: 'dossier_fetched';
      schools: TransferSchools;
      transferId: string;
      versionHash: string;
    })
  | (TransferLogEventBase & {
      /**
       * A version's readable rendering was served (#12): to the sender by hash (no transfer, no receiving
       * school), or to the receiver through its transfer. Format and form are tokens; `verzorger` is the
       * 1-based position of the parent an inzage copy was made for (a count, never who).
       */
      type: 'dossier_rendered';
      versionHash: string;
      format: string;
      form: string;
      verzorger: number | null;
    })
  | (TransferLogEventBase & {
      /** One attachment of a version was served on its own (#12): its number only, never its file name. */
      type: 'attachment_fetched';
      versionHash: string;
      attachment: number;
    });

/**
 * Where the exchange's events go. `record` runs inside the transaction of the change, on its
 * `manager`, with the events of one step in order: when it throws, the change and its history are
 * rolled back with it, so nothing happens that is not recorded. It answers the ids of the log entries
 * it wrote, in the events' order (none when no log is kept).
 */
export interface TransferEventRecorder {
  record(manager: EntityManager, events: readonly TransferLogEvent[]): Promise<readonly string[]>;
}

export const TRANSFER_EVENT_RECORDER = Symbol('TRANSFER_EVENT_RECORDER');

/** Records nothing: the exchange's default until the exchange log is plugged in. */
export const NO_TRANSFER_EVENTS: TransferEventRecorder = { record: async () => [] };

/** A use case's answer and the ids of the log entries its step wrote, in order (none if it changed nothing). */
export interface Recorded<T> {
  result: T;
  logEntries: readonly string[];
}

/**
 * The events of one use case: the state changes note them (`add`) as they happen, and `recordIn` hands
 * them to the process's recorder all at once, in the step's transaction before it commits — one append
 * per step rather than one per event (the log must not slow the exchange; docs/exchange-log.md,
 * "Scale"). A new trail per call, so requests share nothing; a step that is rolled back throws, so its
 * ids never reach an answer.
 */
export class EntryTrail {
  private pending: TransferLogEvent[] = [];
  private readonly ids: string[] = [];

  constructor(private readonly recorder: TransferEventRecorder) {}

  add(event: TransferLogEvent): void {
    this.pending.push(event);
  }

  /** Records the events noted since the last call, with the transaction's `manager`. */
  async recordIn(manager: EntityManager): Promise<void> {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    this.ids.push(...(await this.recorder.record(manager, events)));
  }

  /** How many entries were recorded so far: `answer` may name only the first ones. */
  get recordedCount(): number {
    return this.ids.length;
  }

  /**
   * `result` with the entries recorded, or only the first `shown` of them: a step can write entries the
   * caller is not to be told of (a match the sender has not approved yet, for the requester).
   */
  answer<T>(result: T, shown?: number): Recorded<T> {
    // A bug, not a refusal: an event noted but never recorded would be a change the log does not know.
    if (this.pending.length > 0) throw new Error('a step answered with events it did not record');
    return { result, logEntries: this.ids.slice(0, shown ?? this.ids.length) };
  }
}

/** The log's type for a lifecycle step: the three the issue names have their own, the rest are state changes. */
export function stateEventType(step: TransferEvent): TransferStateEvent['type'] {
  if (step === 'acknowledge_receipt') return 'receipt_confirmed';
  if (step === 'withdraw') return 'withdrawn';
  if (step === 'expire') return 'expired';
  return 'state_changed';
}

/** The log's actor for the history's: the vendor's side follows from its role in the transfer. */
export function eventActor(actor: TransferActor, vendor: ActingVendor | null): TransferEventActor {
  if (actor === 'broker') return { kind: 'broker', id: null, side: null };
  // A bug, not a refusal: every vendor step knows its vendor.
  if (vendor === null) throw new Error(`a ${actor} step without its vendor`);
  return {
    kind: 'vendor',
    id: vendor.id,
    certificateFingerprint: vendor.certificateFingerprint,
    side: actor === 'target_vendor' ? 'target' : 'source',
  };
}
