import type { EntityManager } from 'typeorm';
import type { DossierVersionEntity } from './dossier-version.entity';
import { TransferError } from './transfer-error';
import { ActingVendor, EntryTrail, TransferSchools, eventActor, stateEventType } from './transfer-events';
import { TransferActor, TransferEvent, nextState } from './transfer-lifecycle';
import { TransferRepository } from './transfer-repository';
import { TransferEntity } from './transfer.entity';

/*
 * The one place where transfers come to be and change state. Each function writes the transfer and its
 * history row in the caller's transaction (`manager`) and notes its event for the exchange log on the
 * step's trail, which the caller records in the same transaction (`inRecordedTransaction`), so either all
 * three are there or none: every use case, the expiry sweep included, goes through here.
 */

/** What a step needs of its version: which it is. Callers need not load the payload (#13). */
export type StepVersion = Pick<DossierVersionEntity, 'id' | 'canonicalSha256'>;

/** A step of the lifecycle: what happens, who causes it, and the version it concerns (if any). */
export interface StateStep {
  event: TransferEvent;
  actor: TransferActor;
  /** The acting vendor and its certificate; null when the broker acts. */
  vendor: ActingVendor | null;
  version: StepVersion | null;
  at: Date;
}

/**
 * Moves the transfer one step along its lifecycle, or refuses (409) a step its state does not allow.
 * `schools` are the transfer's schools as its event names them (see `transferSchools`).
 */
export async function changeTransferState(
  manager: EntityManager,
  trail: EntryTrail,
  transfer: TransferEntity,
  schools: TransferSchools,
  step: StateStep,
): Promise<void> {
  const result = nextState(transfer.state, step.event, step.actor);
  if (!result.ok) {
    // The receiving side is not told of a match the sender has not approved (issue #11, item 1).
    const shown =
      step.actor === 'target_vendor' && transfer.state === 'awaiting_approval' ? 'requested' : transfer.state;
    throw new TransferError(
      result.refusal,
      'conflict',
      `Cannot ${step.event.replace(/_/g, ' ')} a transfer that is ${shown}.`,
    );
  }
  const fromState = transfer.state;
  // A match the sender never approved does not stay on a transfer that ends (withdrawn, expired): its
  // version was never this transfer's to show (issue #11, item 1). The history still names it.
  if (fromState === 'awaiting_approval' && (result.state === 'withdrawn' || result.state === 'expired')) {
    transfer.currentVersionId = null;
  }
  transfer.state = result.state;
  transfer.updatedAt = step.at;
  await new TransferRepository(manager).saveWithHistory(transfer, {
    event: step.event,
    fromState,
    toState: transfer.state,
    actor: step.actor,
    actorVendorId: step.vendor?.id ?? null,
    versionId: step.version?.id ?? null,
    at: step.at,
  });
  trail.add({
    type: stateEventType(step.event),
    at: step.at,
    actor: eventActor(step.actor, step.vendor),
    schools,
    transferId: transfer.id,
    versionHash: step.version?.canonicalSha256 ?? null,
    step: step.event,
    fromState,
    toState: transfer.state,
  });
}

/** A new request, in state `requested`: the transfer's first row, first history entry and first event. */
export async function openTransferRequest(
  manager: EntityManager,
  trail: EntryTrail,
  request: Omit<
    TransferEntity,
    'state' | 'currentVersionId' | 'releasedVersionId' | 'updatedAt' | 'requestedByVendorId'
  >,
  schools: TransferSchools,
  requester: ActingVendor,
): Promise<TransferEntity> {
  const opened: TransferEntity = {
    ...request,
    requestedByVendorId: requester.id,
    state: 'requested',
    currentVersionId: null,
    releasedVersionId: null,
    updatedAt: request.createdAt,
  };
  const transfer = await new TransferRepository(manager).insertWithHistory(opened, {
    event: 'request',
    fromState: null,
    toState: opened.state,
    actor: 'target_vendor',
    actorVendorId: opened.requestedByVendorId,
    versionId: null,
    at: opened.createdAt,
  });
  trail.add({
    type: 'request_created',
    at: transfer.createdAt,
    actor: eventActor('target_vendor', requester),
    schools,
    transferId: transfer.id,
    versionHash: null,
  });
  return transfer;
}

/**
 * Matches a request with a version the sender staged FOR it (the sender named this receiving school):
 * the transfer points at it, and the release gate takes its first look. A version staged ahead goes to
 * `awaitApproval` instead: only the sender's approval names the school (issue #11, item 1).
 */
export async function serveVersion(
  manager: EntityManager,
  trail: EntryTrail,
  transfer: TransferEntity,
  schools: TransferSchools,
  version: StepVersion,
  /** `event` is `stage_correction` for a corrected version after release; `stage_version` otherwise. */
  by: { actor: TransferActor; vendor: ActingVendor | null; event?: 'stage_version' | 'stage_correction' },
  at: Date,
  /**
   * The release gate's look at the new version, when evidence for it exists already (the same content
   * staged again); answers whether it moved the transfer. Without evidence the gate can only wait.
   */
  gate?: (transfer: TransferEntity) => Promise<boolean>,
): Promise<void> {
  trail.add({
    type: 'request_matched',
    at,
    actor: eventActor(by.actor, by.vendor),
    schools,
    transferId: transfer.id,
    versionHash: version.canonicalSha256,
  });
  transfer.currentVersionId = version.id;
  await changeTransferState(manager, trail, transfer, schools, {
    event: by.event ?? 'stage_version',
    actor: by.actor,
    vendor: by.vendor,
    version,
    at,
  });
  await gateFirstLook(manager, trail, transfer, schools, version, at, gate);
}

/**
 * A version staged ahead meets an open request (the broker matching a new request, or the sender's
 * staging without a transfer serving the open ones): the transfer points at it and waits in
 * `awaiting_approval` until the sender names this receiving school. No gate, no evidence until then.
 */
export async function awaitApproval(
  manager: EntityManager,
  trail: EntryTrail,
  transfer: TransferEntity,
  schools: TransferSchools,
  version: StepVersion,
  by: { actor: TransferActor; vendor: ActingVendor | null },
  at: Date,
): Promise<void> {
  transfer.currentVersionId = version.id;
  await changeTransferState(manager, trail, transfer, schools, {
    event: 'await_approval',
    ...by,
    version,
    at,
  });
}

/**
 * The sender approves the match of `version` (the transfer's current one): it is now staged for this
 * school, as if staged for the transfer, and the gate takes its first look.
 */
export async function approveMatch(
  manager: EntityManager,
  trail: EntryTrail,
  transfer: TransferEntity,
  schools: TransferSchools,
  version: StepVersion,
  vendor: ActingVendor,
  at: Date,
  gate: (transfer: TransferEntity) => Promise<boolean>,
): Promise<void> {
  await changeTransferState(manager, trail, transfer, schools, {
    event: 'approve_match',
    actor: 'source_vendor',
    vendor,
    version,
    at,
  });
  await gateFirstLook(manager, trail, transfer, schools, version, at, gate);
}

/** The sender will not send the matched version to this school: the request waits without a version. */
export async function refuseMatch(
  manager: EntityManager,
  trail: EntryTrail,
  transfer: TransferEntity,
  schools: TransferSchools,
  version: StepVersion,
  vendor: ActingVendor,
  at: Date,
): Promise<void> {
  transfer.currentVersionId = null;
  await changeTransferState(manager, trail, transfer, schools, {
    event: 'refuse_match',
    actor: 'source_vendor',
    vendor,
    version,
    at,
  });
}

async function gateFirstLook(
  manager: EntityManager,
  trail: EntryTrail,
  transfer: TransferEntity,
  schools: TransferSchools,
  version: StepVersion,
  at: Date,
  gate?: (transfer: TransferEntity) => Promise<boolean>,
): Promise<void> {
  if (gate && (await gate(transfer))) return;
  // A new version needs its own evidence (recorded through the evidence API, which asks the gate).
  await changeTransferState(manager, trail, transfer, schools, {
    event: 'await_evidence',
    actor: 'broker',
    vendor: null,
    version,
    at,
  });
}
