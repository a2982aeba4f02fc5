import { at, readDossierTree, textAt, type DossierFacts } from '@app/oso-dataset';
import {
  type Actor,
  type DossierInzageBlock,
  type Evidence,
  type ReleaseDecision,
  type ReleasePolicyRef,
  decideRelease,
} from '@app/release-gate';
import type { SchoolEntity } from '@app/registry';
import { RegistryBoardInstructions } from '@app/registry/board-instructions';
import { type SealedPayload, packCompanion, unpackCompanion } from '@app/vault';
import type { EntityManager } from 'typeorm';
import { gateFactsContext, sealedOf, versionContext, wrappedKeyOf } from '../dossier-sealing';
import { DossierVersionRepository, type VersionForGate } from '../dossier-version-repository';
import type { EntryTrail, TransferSchools } from '../transfer-events';
import type { TransferEvent, TransferState } from '../transfer-lifecycle';
import { changeTransferState } from '../transfer-state-changes';
import type { TransferEntity } from '../transfer.entity';
import type { DossierSealer } from '../transfer.service';
import type { EvidenceRecordEntity } from './evidence-record.entity';
import { EvidenceRepository } from './evidence-repository';

/** What the gate needs from the dossier itself; read from the sealed version, never stored in the clear. */
export interface DossierGateFacts {
  pupilBirthDate: string | null;
  inzageBlock: DossierInzageBlock | null;
}

/** The gate's facts as staging's validation read them (`verdict.facts`), the same as the XML gives. */
export function gateFactsOfStaging(facts: DossierFacts): DossierGateFacts {
  return { pupilBirthDate: facts.pupil.geboortedatum, inzageBlock: inzageBlockOf(facts.inzage) };
}

/** The gate's facts from a dossier's XML: for versions staged before their facts were sealed with them. */
export function gateFactsOfDossier(xml: Buffer): DossierGateFacts {
  const root = readDossierTree(xml);
  const inzage = at(root, 'inzage');
  return {
    pupilBirthDate: textAt(root, 'huidigeschool', 'leerling', 'geboortedatum'),
    inzageBlock: inzage
      ? {
          inzage: textAt(inzage, 'inzage'),
          inzagedatum: textAt(inzage, 'inzagedatum'),
          toestemming: textAt(inzage, 'toestemming'),
        }
      : null,
  };
}

/** Only the block's three fields: nothing else of the dossier goes into the sealed facts. */
function inzageBlockOf(block: DossierInzageBlock | null): DossierInzageBlock | null {
  return block && { inzage: block.inzage, inzagedatum: block.inzagedatum, toestemming: block.toestemming };
}

/**
 * Seals the payload and, under its data key, the gate's facts (`sealed_gate_facts`): shredding the
 * payload's key shreds them, re-wrapping it on rotation keeps them readable, and one unwrap opens them.
 */
export function sealVersion(
  sealer: DossierSealer,
  versionId: string,
  bytes: Buffer,
  facts: DossierGateFacts,
): { payload: SealedPayload; sealedGateFacts: Buffer } {
  const plain = { pupilBirthDate: facts.pupilBirthDate, inzageBlock: inzageBlockOf(facts.inzageBlock) };
  const sealed = sealer.sealWithCompanion(
    bytes,
    versionContext(versionId),
    Buffer.from(JSON.stringify(plain), 'utf8'),
    gateFactsContext(versionId),
  );
  return { payload: sealed.payload, sealedGateFacts: packCompanion(sealed.companion) };
}

/**
 * The pupil's birth date and the dossier's `inzage` block: the broker keeps no birth date in the clear.
 * Opened from the facts sealed with the version at staging (a few hundred bytes, no XML); a version staged
 * before those were kept (#13) is read from its payload, opened and parsed as then.
 */
export async function dossierGateFacts(
  sealer: DossierSealer,
  versions: DossierVersionRepository,
  version: VersionForGate,
): Promise<DossierGateFacts> {
  if (version.sealedGateFacts === null) {
    const full = await versions.byIdOrFail(version.id);
    return gateFactsOfDossier(sealer.open(sealedOf(full), versionContext(version.id)));
  }
  const plain = sealer.openCompanion(
    wrappedKeyOf(version),
    versionContext(version.id),
    unpackCompanion(version.sealedGateFacts),
    gateFactsContext(version.id),
  );
  return JSON.parse(plain.toString('utf8')) as DossierGateFacts;
}

function actorOf(record: EvidenceRecordEntity): Actor {
  if (record.actorRole === 'pupil') return { role: 'pupil' };
  return { role: record.actorRole, ref: record.actorRef ?? record.id };
}

/** A stored record as the gate reads it. */
export function gateEvidence(record: EvidenceRecordEntity): Evidence {
  const base = {
    id: record.id,
    recordedAt: record.recordedAt,
    versionHash: record.versionHash,
    receivingSchool: record.receivingSchoolId,
    date: record.actDate,
  };
  if (record.kind === 'inzage') {
    return {
      ...base,
      kind: 'inzage',
      givenTo: actorOf(record),
      how: record.inzageHow!,
      remarks: record.remarksSha256 !== null,
    };
  }
  if (record.kind === 'consent') {
    return { ...base, kind: 'consent', decision: record.decision!, by: actorOf(record), form: record.form! };
  }
  return { ...base, kind: 'consent_withdrawn', by: actorOf(record) };
}

/**
 * The release policy the sending school's board chose in the registry, in effect at `now` (the default,
 * consent for every VO sender, when it chose none). Read on the caller's transaction. The operator cannot
 * set it: only the vendor acting for the whole board records it (see BoardInstructionRecording).
 */
export function boardReleasePolicy(
  manager: EntityManager,
  source: SchoolEntity,
  now: Date,
): Promise<ReleasePolicyRef> {
  return new RegistryBoardInstructions(manager.connection).releasePolicyFor(source.id, now, manager);
}

/**
 * The gate's answer for a transfer's current version, from its stored evidence and the dossier, under
 * `policy`: the sending school's board's (`boardReleasePolicy`), never a fixed one.
 */
export function decideForVersion(input: {
  source: SchoolEntity;
  transfer: TransferEntity;
  version: VersionForGate;
  facts: DossierGateFacts;
  evidence: readonly EvidenceRecordEntity[];
  now: Date;
  policy: ReleasePolicyRef;
  /**
   * Earlier versions of the line this one differs from only by the parents' remarks
   * (`DossierVersionRepository.keepsInzageOf`); required, so no caller forgets it and makes a
   * remarks-only version wait for an inzage it already had.
   */
  keepsInzageOf: readonly string[];
}): ReleaseDecision {
  return decideRelease({
    exchange: { profile: input.version.profile, sendingSector: input.source.sector },
    version: {
      contentHash: input.version.canonicalSha256,
      keepsInzageOf: input.keepsInzageOf ?? [],
      inzageBlock: input.facts.inzageBlock,
    },
    pupilBirthDate: input.facts.pupilBirthDate,
    receivingSchool: input.transfer.targetSchoolId,
    evidence: input.evidence.map(gateEvidence),
    now: input.now,
    policy: input.policy,
  });
}

const STEP_OF: Record<ReleaseDecision['outcome'], { event: TransferEvent; state: TransferState }> = {
  release: { event: 'queue_release', state: 'release_queued' },
  block: { event: 'block', state: 'blocked' },
  wait: { event: 'await_evidence', state: 'awaiting_evidence' },
};

/**
 * Acts on the gate's answer in the caller's transaction: logs it, moves the transfer when its state
 * differs, and on a new `release` writes the outbox row, so the release and its queueing commit together.
 */
export async function applyGateDecision(
  manager: EntityManager,
  trail: EntryTrail,
  transfer: TransferEntity,
  schools: TransferSchools,
  version: VersionForGate,
  decision: ReleaseDecision,
  now: Date,
): Promise<void> {
  trail.add({
    type: 'gate_decided',
    at: now,
    actor: { kind: 'broker', id: null, side: null },
    schools,
    transferId: transfer.id,
    versionHash: version.canonicalSha256,
    outcome: decision.outcome,
    policy: decision.policy,
    reasonCodes: [...new Set(decision.reasons.map((reason) => reason.code))].sort(),
  });
  const step = STEP_OF[decision.outcome];
  if (transfer.state === step.state) return;
  await changeTransferState(manager, trail, transfer, schools, {
    event: step.event,
    actor: 'broker',
    vendor: null,
    version,
    at: now,
  });
  if (decision.outcome === 'release') {
    await new EvidenceRepository(manager).queueRelease({
      transferId: transfer.id,
      versionId: version.id,
      versionHash: version.canonicalSha256,
      createdAt: now,
    });
  }
}

/**
 * The gate at staging, for a version whose content already has evidence on this transfer (the same
 * canonical dossier staged again): it decides as the evidence API would. Answers whether it acted; with
 * no evidence for the version it leaves the transfer to wait, as every new version does.
 */
export function gateOnStaging(
  manager: EntityManager,
  trail: EntryTrail,
  staged: {
    transfer: TransferEntity;
    schools: TransferSchools;
    source: SchoolEntity;
    version: VersionForGate;
    facts: DossierFacts;
    now: Date;
  },
): Promise<boolean> {
  const { facts, ...rest } = staged;
  return gateOnFirstLook(manager, trail, {
    ...rest,
    gateFacts: gateFactsOfStaging(facts),
  });
}

/**
 * The gate's first look at a version newly staged for a transfer (by staging for it, or by the sender's
 * approval of a match), with the dossier's facts at hand. Acts only when evidence for the version — or
 * for an earlier version whose inzage it keeps — exists on this transfer; answers whether it acted.
 */
export async function gateOnFirstLook(
  manager: EntityManager,
  trail: EntryTrail,
  staged: {
    transfer: TransferEntity;
    schools: TransferSchools;
    source: SchoolEntity;
    version: VersionForGate;
    gateFacts: DossierGateFacts;
    now: Date;
  },
): Promise<boolean> {
  const { transfer, version, now } = staged;
  const evidence = await new EvidenceRepository(manager).ofTransfer(transfer.id);
  const keepsInzageOf = await new DossierVersionRepository(manager).keepsInzageOf(version);
  if (!evidence.some(concernsVersion(version, keepsInzageOf))) return false;
  const decision = decideForVersion({
    source: staged.source,
    transfer,
    version,
    facts: staged.gateFacts,
    evidence,
    now,
    policy: await boardReleasePolicy(manager, staged.source, now),
    keepsInzageOf,
  });
  await applyGateDecision(manager, trail, transfer, staged.schools, version, decision, now);
  return true;
}

/**
 * Whether a record can move the gate for `version`: evidence for it, or an inzage it keeps (a
 * remarks-only version keeps the inzage of the versions in `keepsInzageOf`). Without any, it waits.
 */
export function concernsVersion(
  version: Pick<VersionForGate, 'canonicalSha256'>,
  keepsInzageOf: readonly string[],
): (record: Pick<EvidenceRecordEntity, 'kind' | 'versionHash'>) => boolean {
  return (record) =>
    record.versionHash === version.canonicalSha256 ||
    (record.kind === 'inzage' && keepsInzageOf.includes(record.versionHash));
}
