import type { ReceiverView, ReleaseDecision } from '@app/release-gate';
import type {
  ActorRole,
  ConsentDecision,
  ConsentForm,
  EvidenceKind,
  InzageWay,
} from './evidence-record.entity';

/** A person as the sending school names them: a role, and for everyone but the pupil a short label. */
export type EvidenceActorInput = { role: 'pupil' } | { role: Exclude<ActorRole, 'pupil'>; ref: string };

interface EvidenceInputBase {
  /** The dossier version's canonical content hash: the transfer's current version. */
  versionHash: string;
  /** The transfer's receiving school (BRIN + vestiging), stated so evidence is never for the wrong school. */
  receivingSchool: string;
  /** The day of the act, YYYY-MM-DD. */
  date: string;
}

/** One act to record, as the API has checked its shape (`evidence-body.ts` in the broker API). */
export type EvidenceInput =
  | (EvidenceInputBase & {
      kind: 'inzage';
      givenTo: EvidenceActorInput;
      how: InzageWay;
      /** The parents' remarks (zienswijze): kept only as SHA-256; the text travels in the dossier. */
      remarks?: string;
      remarksSha256?: string;
    })
  | (EvidenceInputBase & {
      kind: 'consent';
      decision: ConsentDecision;
      by: EvidenceActorInput;
      form: ConsentForm;
      declaration?: { sha256: string; mediaType: string };
    })
  | (EvidenceInputBase & { kind: 'consent_withdrawn'; by: EvidenceActorInput });

/** A stored record, for the sending school. */
export interface EvidenceRecordView {
  id: string;
  kind: EvidenceKind;
  versionHash: string;
  receivingSchool: string;
  date: string;
  actor: EvidenceActorInput;
  how: InzageWay | null;
  remarksSha256: string | null;
  decision: ConsentDecision | null;
  form: ConsentForm | null;
  declaration: { sha256: string; mediaType: string } | null;
  recordedAt: string;
}

/** What recording answers: the record and the gate's decision that followed it (with reasons). */
export interface EvidenceRecorded {
  record: EvidenceRecordView;
  transferState: string;
  decision: ReleaseDecision;
}

/** The history as each side may read it: all of it for the sender, the gate's state for the receiver. */
export type EvidenceHistory =
  | { role: 'source'; transferState: string; records: EvidenceRecordView[]; decision: ReleaseDecision | null }
  | { role: 'target'; transferState: string; decision: ReceiverView | null };
