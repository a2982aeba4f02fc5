import type { EntityManager } from 'typeorm';
import type { DossierVersionEntity } from './dossier-version.entity';
import { TransferError } from './transfer-error';
import { ActingVendor, EntryTrail, TransferSchools, eventActor, stateEventType } from './transfer-events';
import { TransferHistoryRepository } from './transfer-history-repository';
import { TransferActor, TransferEvent, nextState } from './transfer-lifecycle';
import { TransferRepository } from './transfer-repository';
import { TransferEntity } from './transfer.entity';

/*
 * The one place where transfers come to be and change state. Each function writes the transfer and its
 * history row in the caller's transaction (`manager`) and notes its event for the exchange log on the
 * step's trail, which the caller records in the same transaction (`inRecordedTransaction`), so either all
 * three are there or none: every use case, the expiry sweep included, goes through here.
 */

/** A step of the lifecycle: what happens, who causes it, and the version it concerns (if any). */
export interface StateStep {
  event: TransferEvent;
  actor: TransferActor;
  /** The acting vendor and its certificate; null when the broker acts. */
  vendor: ActingVendor | null;
  version: DossierVersionEntity | null;
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
    throw new TransferError(
      result.refusal,
      'conflict',
      `Cannot ${step.event.replace(/_/g, ' ')} a transfer that is ${transfer.state}.`,
    );
  }
  const fromState = transfer.state;
  transfer.state = result.state;
  transfer.updatedAt = step.at;
  await new TransferRepository(manager).save(transfer);
  await new TransferHistoryRepository(manager).append({
    transferId: transfer.id,
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
  const transfer = await new TransferRepository(manager).insert({
    ...request,
    requestedByVendorId: requester.id,
    state: 'requested',
    currentVersionId: null,
    releasedVersionId: null,
    updatedAt: request.createdAt,
  });
  await new TransferHistoryRepository(manager).append({
    transferId: transfer.id,
    event: 'request',
    fromState: null,
    toState: transfer.state,
    actor: 'target_vendor',
    actorVendorId: transfer.requestedByVendorId,
    versionId: null,
    at: transfer.createdAt,
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
 * Matches a request with a staged version: the transfer points at it, and the release gate takes its
 * first look. `actor` is the sending vendor staging for open requests, or the broker matching a new
 * request with a version staged before it.
 */
export async function serveVersion(
  manager: EntityManager,
  trail: EntryTrail,
  transfer: TransferEntity,
  schools: TransferSchools,
  version: DossierVersionEntity,
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
