import type { ExchangeLogEntry } from '@app/exchange-log';
import type { ReleaseOutcome } from '@app/release-gate';
import type { ActorRole, EvidenceKind, PupilEvidenceRow } from '@app/transfers';

/** One recorded act, as the auditor sees it: role and label, never remarks or declarations (only whether). */
export interface PupilEvidenceRecord {
  id: string;
  kind: EvidenceKind;
  date: string;
  actor: { role: ActorRole; ref: string | null };
  how: PupilEvidenceRow['how'];
  decision: PupilEvidenceRow['decision'];
  form: PupilEvidenceRow['form'];
  remarksRecorded: boolean;
  declarationRecorded: boolean;
  recordedByVendorId: string;
  recordedAt: string;
}

/** The gate's latest decision for a version, as its `gate_decided` log entry holds it. */
export interface PupilGateDecision {
  entryId: string;
  at: string;
  outcome: ReleaseOutcome;
  policy: { id: string; version: number };
  reasonCodes: string[];
}

/** The evidence of one version for one transfer (its receiving school), and what the gate made of it. */
export interface PupilVersionEvidence {
  transferId: string;
  versionHash: string;
  receivingSchool: string;
  records: PupilEvidenceRecord[];
  latestGateDecision: PupilGateDecision | null;
}

const keyOf = (transferId: string, versionHash: string) => `${transferId}/${versionHash}`;

/**
 * Groups the records by transfer and version (in the order they were first recorded) and adds the gate's
 * latest logged decision. The log, not a fresh `decideRelease`, answers "what did the gate decide": that is
 * what happened, and asking again would mean decrypting the dossier for an auditor's read.
 */
export function pupilVersionEvidence(
  records: readonly PupilEvidenceRow[],
  gateEntries: readonly ExchangeLogEntry[],
  receivingSchoolOf: ReadonlyMap<string, string>,
): PupilVersionEvidence[] {
  const groups = new Map<string, PupilVersionEvidence>();
  const groupOf = (transferId: string, versionHash: string, receivingSchool: string) => {
    const key = keyOf(transferId, versionHash);
    const group = groups.get(key) ?? {
      transferId,
      versionHash,
      receivingSchool,
      records: [],
      latestGateDecision: null,
    };
    groups.set(key, group);
    return group;
  };
  for (const row of records) {
    groupOf(row.transferId, row.versionHash, row.receivingSchool).records.push({
      id: row.id,
      kind: row.kind,
      date: row.date,
      actor: { role: row.actorRole, ref: row.actorRef },
      how: row.how,
      decision: row.decision,
      form: row.form,
      remarksRecorded: row.remarksRecorded,
      declarationRecorded: row.declarationRecorded,
      recordedByVendorId: row.recordedByVendorId,
      recordedAt: row.recordedAt.toISOString(),
    });
  }
  // Entries come oldest first, so the last one per version is the latest decision.
  for (const entry of gateEntries) {
    const receivingSchool = receivingSchoolOf.get(entry.transferId!);
    if (receivingSchool === undefined) continue;
    const details = entry.details as {
      outcome: ReleaseOutcome;
      policy: string;
      policyVersion: number;
      reasons?: string[];
    };
    groupOf(entry.transferId!, entry.versionHash!, receivingSchool).latestGateDecision = {
      entryId: entry.id,
      at: entry.at.toISOString(),
      outcome: details.outcome,
      policy: { id: details.policy, version: details.policyVersion },
      reasonCodes: details.reasons ?? [],
    };
  }
  return [...groups.values()];
}
