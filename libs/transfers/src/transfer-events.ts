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
] as const;
export type TransferLogEventType = (typeof TRANSFER_LOG_EVENT_TYPES)[number];

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
      type: 'dossier_fetched';
      schools: TransferSchools;
      transferId: string;
      versionHash: string;
    });

/**
 * Where the exchange's events go. `record` runs inside the transaction of the change, on its
 * `manager`: when it throws, the change and its history are rolled back with it, so nothing happens
 * that is not recorded. It answers the id of the log entry it wrote (null when no log is kept).
 */
export interface TransferEventRecorder {
  record(manager: EntityManager, event: TransferLogEvent): Promise<string | null>;
}

export const TRANSFER_EVENT_RECORDER = Symbol('TRANSFER_EVENT_RECORDER');

/** Records nothing: the exchange's default until the exchange log is plugged in. */
export const NO_TRANSFER_EVENTS: TransferEventRecorder = { record: async () => null };

/** A use case's answer and the ids of the log entries its step wrote, in order (none if it changed nothing). */
export interface Recorded<T> {
  result: T;
  logEntries: readonly string[];
}

/**
 * The entries one use case records: wraps the process's recorder for one call, so the answer can name
 * them. A new trail per call, so requests share nothing; a step that is rolled back throws, so its ids
 * never reach an answer.
 */
export class EntryTrail implements TransferEventRecorder {
  private readonly ids: string[] = [];

  constructor(private readonly recorder: TransferEventRecorder) {}

  async record(manager: EntityManager, event: TransferLogEvent): Promise<string | null> {
    const id = await this.recorder.record(manager, event);
    if (id !== null) this.ids.push(id);
    return id;
  }

  /** `result` with the entries recorded so far. */
  answer<T>(result: T): Recorded<T> {
    return { result, logEntries: [...this.ids] };
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
