/**
 * Why the gate decided as it did: a closed set of stable codes. Each code has one effect; the outcome is
 * the strongest effect among the reasons (block over wait over release), so no reason can be overlooked.
 */
export const REASON_EFFECTS = {
  // grounds for a release, and notes that do not hold it back
  inzage_given: 'grounds',
  consent_granted: 'grounds',
  consent_not_required: 'grounds',
  objection_does_not_block: 'grounds',
  zienswijze_travels: 'grounds',
  act_by_non_decider_ignored: 'grounds',
  // something is still missing
  inzage_missing: 'waits',
  inzage_dated_after_today: 'waits',
  inzage_must_go_to_pupil: 'waits',
  inzage_not_to_legal_representative: 'waits',
  consent_missing: 'waits',
  consent_before_inzage: 'waits',
  consent_dated_after_today: 'waits',
  pupil_must_consent: 'waits',
  consent_by_pupil_under_16: 'waits',
  consent_by_verzorger_without_gezag: 'waits',
  // something recorded forbids the release
  consent_refused: 'blocks',
  consent_withdrawn: 'blocks',
  consent_conflict: 'blocks',
  dossier_inzage_block_missing: 'blocks',
  dossier_inzage_not_true: 'blocks',
  dossier_inzagedatum_missing: 'blocks',
  dossier_inzagedatum_mismatch: 'blocks',
  dossier_toestemming_not_ja: 'blocks',
  pupil_birth_date_unknown: 'blocks',
  evidence_date_invalid: 'blocks',
  route_not_decided: 'blocks',
  policy_unknown: 'blocks',
} as const;

export type ReasonCode = keyof typeof REASON_EFFECTS;
export type ReasonEffect = (typeof REASON_EFFECTS)[ReasonCode];

/** A reason for the sending school: the full story, citing the evidence records it concerns. */
export interface Reason {
  code: ReasonCode;
  message: string;
  evidence: string[];
}

/**
 * What the receiving school may see: the gate's state and a general reason, never who received the inzage,
 * signed, refused or withdrew, and no evidence ids.
 */
export type ReceiverReasonCode =
  | 'released'
  | 'awaiting_inzage'
  | 'awaiting_consent'
  | 'consent_not_given'
  | 'sender_records_to_correct'
  | 'not_releasable_by_this_gate';

const RECEIVER_REASON: Record<ReasonCode, ReceiverReasonCode | null> = {
  inzage_given: null,
  consent_granted: null,
  consent_not_required: null,
  objection_does_not_block: null,
  zienswijze_travels: null,
  act_by_non_decider_ignored: null,
  inzage_missing: 'awaiting_inzage',
  inzage_dated_after_today: 'awaiting_inzage',
  inzage_must_go_to_pupil: 'awaiting_inzage',
  inzage_not_to_legal_representative: 'awaiting_inzage',
  consent_missing: 'awaiting_consent',
  consent_before_inzage: 'awaiting_consent',
  consent_dated_after_today: 'awaiting_consent',
  pupil_must_consent: 'awaiting_consent',
  consent_by_pupil_under_16: 'awaiting_consent',
  consent_by_verzorger_without_gezag: 'awaiting_consent',
  consent_refused: 'consent_not_given',
  consent_withdrawn: 'consent_not_given',
  consent_conflict: 'consent_not_given',
  dossier_inzage_block_missing: 'sender_records_to_correct',
  dossier_inzage_not_true: 'sender_records_to_correct',
  dossier_inzagedatum_missing: 'sender_records_to_correct',
  dossier_inzagedatum_mismatch: 'sender_records_to_correct',
  dossier_toestemming_not_ja: 'sender_records_to_correct',
  pupil_birth_date_unknown: 'sender_records_to_correct',
  evidence_date_invalid: 'sender_records_to_correct',
  route_not_decided: 'not_releasable_by_this_gate',
  policy_unknown: 'not_releasable_by_this_gate',
};

export const RECEIVER_MESSAGES: Record<ReceiverReasonCode, string> = {
  released: 'The sending school has recorded what the law requires for this exchange.',
  awaiting_inzage: 'The sending school has not yet recorded the inzage this exchange needs.',
  awaiting_consent: 'The sending school has not yet recorded the consent this exchange needs.',
  consent_not_given: 'Consent for this exchange has not been given; the dossier is not released.',
  sender_records_to_correct:
    'The sending school must correct its records before the dossier can be released.',
  not_releasable_by_this_gate: 'This dossier cannot be released through the broker as it stands.',
};

export function receiverReasonOf(code: ReasonCode): ReceiverReasonCode | null {
  return RECEIVER_REASON[code];
}
