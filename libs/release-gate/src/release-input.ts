import type { SchoolSector } from '@app/registry';
import type { CalendarDate } from './calendar';
import type { ReleasePolicyRef } from './release-policy';

/**
 * Who acted. `ref` tells legal representatives apart without naming them (e.g. the sending school's label
 * 'verzorger-1'): a refusal by one and a consent by another is a conflict, and only a later act by the same
 * person replaces their earlier one. A record without a ref is treated as a person of its own.
 */
export type Actor =
  | { role: 'parent_with_gezag' | 'voogd'; ref: string }
  | { role: 'pupil' }
  | { role: 'verzorger_without_gezag'; ref: string };

interface EvidenceBase {
  /** The stored record's id: reasons cite it to the sender. */
  id: string;
  /** When the broker recorded it: orders acts of the same date (evidence is append-only). */
  recordedAt: Date;
  /** The dossier version (content hash) and the receiving school the act is about. */
  versionHash: string;
  receivingSchool: string;
  /** The day of the act. */
  date: CalendarDate;
}

export interface InzageEvidence extends EvidenceBase {
  kind: 'inzage';
  givenTo: Actor;
  /** A letter sent counts as inzage given: the law lets the school record it that way. */
  how: 'conversation' | 'letter' | 'portal';
  /** Whether the parents' remarks (zienswijze) were recorded with it; they travel with the dossier. */
  remarks: boolean;
}

export interface ConsentEvidence extends EvidenceBase {
  kind: 'consent';
  decision: 'granted' | 'refused';
  by: Actor;
  form: 'signed_declaration' | 'digital_confirmation';
}

export interface ConsentWithdrawnEvidence extends EvidenceBase {
  kind: 'consent_withdrawn';
  by: Actor;
}

export type Evidence = InzageEvidence | ConsentEvidence | ConsentWithdrawnEvidence;

/** The dossier's own `inzage` block as read from the XML (texts, as `DossierFacts.inzage` holds them). */
export interface DossierInzageBlock {
  inzage: string | null;
  inzagedatum: string | null;
  toestemming: string | null;
}

export interface ReleaseGateInput {
  /** The dossier's transfer profile (`metadata/overstap`) and the sending school's registered sector. */
  exchange: { profile: string; sendingSector: SchoolSector };
  version: {
    contentHash: string;
    /**
     * Earlier versions (content hashes) this one differs from only by the parents' remarks in its inzage
     * block, in canonical form, transitively: it keeps their inzage (else adding remarks would loop).
     */
    keepsInzageOf: readonly string[];
    inzageBlock: DossierInzageBlock | null;
  };
  pupilBirthDate: CalendarDate | null;
  receivingSchool: string;
  /** The whole history; records for other versions or schools are ignored, in any order. */
  evidence: readonly Evidence[];
  now: Date;
  policy: ReleasePolicyRef;
}
