import type { ActorKind, ExchangeEventType } from '../entry/exchange-event-types';
import type { DetailValue } from '../entry/exchange-log-entry';

/**
 * What an auditor's queries answer with: plain JSON-able objects, the same for the signed API and the
 * `/audit` page. Filters name what to match; an absent filter matches everything in the auditor's scope.
 */
export interface AuditEntryFilter {
  /** Entries at or after this time. */
  from?: Date;
  /** Entries before this time. */
  to?: Date;
  /** A school code: entries naming it as source, target or subject. */
  school?: string;
  transferId?: string;
  eventType?: ExchangeEventType;
  actorKind?: ActorKind;
  actorId?: string;
  /** SHA-256 of the actor's certificate, lowercase hex. */
  certificateFingerprint?: string;
}

/** The names of the filters, as an auditor query's log entry lists them (never their values). */
export const AUDIT_FILTER_NAMES = [
  'from',
  'to',
  'school',
  'transferId',
  'eventType',
  'actorKind',
  'actorId',
  'certificateFingerprint',
] as const satisfies ReadonlyArray<keyof AuditEntryFilter>;

export type EntryIntegrity = 'verified' | 'not_yet_checkpointed' | 'does_not_match_log';

export interface AuditEntryView {
  id: string;
  leafIndex: number | null;
  /** ISO 8601 UTC with milliseconds. */
  at: string;
  type: ExchangeEventType;
  actor: { kind: ActorKind; id: string; certificateFingerprint?: string };
  schools: { source?: string; target?: string; subject?: string };
  transferId?: string;
  versionHash?: string;
  details: Record<string, DetailValue>;
  /** The entry's canonical JSON as the row holds it NOW: the leaf bytes (SHA-256(0x00‖leaf) is the leaf hash). */
  leaf: string;
  /** The server's own check of this row against the latest signed checkpoint. */
  integrity: EntryIntegrity;
  integrityProblem?: string;
  /** With proofs: the RFC 9162 inclusion proof (base64, bottom-up) against the answer's checkpoint. */
  inclusionProof?: string[];
}

export interface AuditCheckpoint {
  treeSize: number;
  /** The C2SP signed note. */
  signedNote: string;
}

export interface AuditEntryPage {
  /** Newest first. */
  entries: AuditEntryView[];
  /** Give it back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
  checkpoint: AuditCheckpoint | null;
}

export interface AuditTimeline {
  transferId: string;
  /** Oldest first, each with its inclusion proof. */
  entries: AuditEntryView[];
  checkpoint: AuditCheckpoint | null;
}

export interface LogIntegrity {
  /** The size of the checkpoint checked against (0 before the first). */
  treeSize: number;
  /** That checkpoint, as its C2SP signed note (null before the first). */
  checkpoint: string | null;
  ok: boolean;
  /**
   * The first thing wrong. `leafIndex` is -1 and `entryId` null when no single leaf can be named: the
   * rebuilt root differs although every entry hashes to its stored leaf (entries and leaf hashes rewritten).
   */
  firstProblem?: { leafIndex: number; entryId: string | null; problem: string };
}
