import type { RuleSet } from './rules/dossier-rule';
import type { SendingSector } from './oso-standard';

/** One finding: which rule, where, and what to do about it (English; Dutch alongside). */
export interface DossierFinding {
  rule: string;
  path: string;
  line?: number;
  message: string;
  messageNl: string;
}

/** How the pupil is identified; personal data, so it stays inside the broker (the broker stores a keyed hash). */
export interface PupilKey {
  bsn: string | null;
  onderwijsnummer: string | null;
  geboortedatum: string | null;
}

export interface InzageBlock {
  voorlopigdossier: string | null;
  inzage: string | null;
  inzagedatum: string | null;
  akkoord: string | null;
  redennietakkoord: string | null;
  toestemming: string | null;
}

export interface AttachmentSummary {
  path: string;
  fileName: string;
  bytes: number;
}

/** What the broker needs from a valid dossier besides the verdict. */
export interface DossierFacts {
  profile: string;
  overdrachtsoort: string;
  sendingSector: SendingSector;
  school: { brin: string | null; vestiging: string | null };
  pupil: PupilKey;
  inzage: InzageBlock | null;
  categories: Record<string, string>;
  /**
   * The categories (`cat_…` names of `categorie_uitlevering`) the dossier actually holds data of, in the
   * table's order: for the auditors' "which data categories did that version hold". Names only.
   */
  heldCategories: string[];
  attachments: AttachmentSummary[];
  /** SHA-256 (hex) of the dossier in exclusive XML canonical form, without comments ('' unless asked for). */
  contentHash: string;
  /**
   * SHA-256 (hex) of the same canonical form without the parents' remarks in the `inzage` block ('' unless
   * the content hash was asked for): versions with equal basis differ only by those remarks.
   */
  inzageBasisHash: string;
}

export interface DossierVerdict {
  valid: boolean;
  ruleSet: RuleSet;
  profile: string | null;
  /** At most MAX_FINDINGS (100) findings are listed, errors first. */
  errors: DossierFinding[];
  warnings: DossierFinding[];
  /** How many more findings (errors or warnings) there were beyond those listed; usually 0. */
  findingsOmitted: number;
  /** Present once the dossier could be read (it may still be invalid). */
  facts: DossierFacts | null;
}
