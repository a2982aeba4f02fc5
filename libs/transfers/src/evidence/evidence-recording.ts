import { RegistryService, SchoolEntity, formatSchoolCode } from '@app/registry';
import { receiverView } from '@app/release-gate';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { payloadDestroyed } from '../dossier-sealing';
import { DossierVersionRepository } from '../dossier-version-repository';
import { TransferAccess } from '../transfer-access';
import { TransferError } from '../transfer-error';
import { ActingVendor, EntryTrail, Recorded, TransferEventRecorder } from '../transfer-events';
import type { TransferState } from '../transfer-lifecycle';
import { TransferRepository } from '../transfer-repository';
import { transferSchools } from '../transfer-schools';
import { inRecordedTransaction, refuseWhenBusy } from '../transfer-transactions';
import type { TransferEntity } from '../transfer.entity';
import type { DossierSealer } from '../transfer.service';
import type { EvidenceHistory, EvidenceInput, EvidenceRecordView, EvidenceRecorded } from './evidence-input';
import type { EvidenceRecordEntity } from './evidence-record.entity';
import { EvidenceRepository } from './evidence-repository';
import { applyGateDecision, boardReleasePolicy, decideForVersion, dossierGateFacts } from './release-gating';

/** States with a staged version the gate still decides on: after release, evidence changes nothing. */
const GATED_STATES: readonly TransferState[] = [
  'dossier_staged',
  'awaiting_evidence',
  'blocked',
  'release_queued',
];

const notForThisTransfer = (message: string) =>
  new TransferError('EVIDENCE_NOT_FOR_THIS_TRANSFER', 'unprocessable', message);

/**
 * The sending school's evidence of inzage and consent, and the gate on the request path: each record is
 * appended, the gate asked at once, and the transfer moved (an outbox row on `release`), in one transaction.
 */
export class EvidenceRecording {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly access: TransferAccess,
    private readonly sealer: DossierSealer,
    private readonly recorder: TransferEventRecorder,
    private readonly clock: () => Date,
  ) {}

  record(
    vendor: ActingVendor,
    transferId: string,
    input: EvidenceInput,
  ): Promise<Recorded<EvidenceRecorded>> {
    return refuseWhenBusy(async () => {
      const { transfer: seen } = await this.access.visibleTransfer(vendor.id, transferId, 'source');
      const [source, target] = await Promise.all([
        this.registry.schoolById(seen.sourceSchoolId),
        this.registry.schoolById(seen.targetSchoolId),
      ]);
      if (formatSchoolCode(target) !== input.receivingSchool.toUpperCase()) {
        throw notForThisTransfer(
          'receivingSchool: is not this transfer’s receiving school; nothing was recorded.',
        );
      }
      const trail = new EntryTrail(this.recorder);
      const answer = await inRecordedTransaction(this.dataSource, trail, async (manager) => {
        const transfer = await new TransferRepository(manager).lockById(transferId);
        if (transfer.state === 'awaiting_approval') {
          throw new TransferError(
            'MATCH_NOT_APPROVED',
            'conflict',
            'The current version was staged ahead and matched to this request; you have not named this ' +
              'receiving school yet. Approve the match first (POST /v1/transfers/{id}/match-approval with ' +
              'its versionHash), then record evidence; nothing was recorded.',
          );
        }
        if (!GATED_STATES.includes(transfer.state) || transfer.currentVersionId === null) {
          throw new TransferError(
            'TRANSFER_STATE_CONFLICT',
            'conflict',
            `The transfer is ${transfer.state}; evidence is recorded for a staged version before release.`,
          );
        }
        const versions = new DossierVersionRepository(manager);
        // Without the ciphertext: the gate's facts are sealed apart, and read in the same query.
        const { version, keepsInzageOf } = await versions.forGateByIdOrFail(transfer.currentVersionId);
        if (version.canonicalSha256 !== input.versionHash) {
          throw notForThisTransfer(
            'versionHash: is not the transfer’s current version (see currentVersion.canonicalSha256); nothing was recorded.',
          );
        }
        const now = this.clock();
        const schools = transferSchools(source, target);
        const evidence = new EvidenceRepository(manager);
        const record = await evidence.append(recordOf(input, transfer, version.id, vendor.id, now));
        trail.add({
          type: 'evidence_recorded',
          at: now,
          actor: {
            kind: 'vendor',
            id: vendor.id,
            certificateFingerprint: vendor.certificateFingerprint,
            side: 'source',
          },
          schools,
          transferId: transfer.id,
          versionHash: version.canonicalSha256,
          kind: record.kind,
          evidenceId: record.id,
        });
        const decision = decideForVersion({
          source,
          transfer,
          version,
          facts: await dossierGateFacts(this.sealer, versions, version),
          evidence: await evidence.ofTransfer(transfer.id),
          now,
          policy: await boardReleasePolicy(manager, source, now),
          keepsInzageOf,
        });
        await applyGateDecision(manager, trail, transfer, schools, version, decision, now);
        return { record: viewOf(record, target), transferState: transfer.state, decision };
      });
      return trail.answer(answer);
    });
  }

  /** The sender reads every record and the gate's full answer; the receiver only the gate's state. */
  history(vendorId: string, transferId: string): Promise<EvidenceHistory> {
    return refuseWhenBusy(async () => {
      const { transfer, roles } = await this.access.visibleTransfer(vendorId, transferId);
      const [source, target] = await Promise.all([
        this.registry.schoolById(transfer.sourceSchoolId),
        this.registry.schoolById(transfer.targetSchoolId),
      ]);
      const manager: EntityManager = this.dataSource.manager;
      const records = await new EvidenceRepository(manager).ofTransfer(transfer.id);
      const versions = new DossierVersionRepository(manager);
      const forGate = transfer.currentVersionId
        ? await versions.forGateByIdOrFail(transfer.currentVersionId)
        : null;
      const version = forGate?.version ?? null;
      // A purged version has no payload left to ask the dossier's own inzage block.
      const now = this.clock();
      const decision =
        forGate && version && !payloadDestroyed(version)
          ? decideForVersion({
              source,
              transfer,
              version,
              facts: await dossierGateFacts(this.sealer, versions, version),
              evidence: records,
              now,
              policy: await boardReleasePolicy(manager, source, now),
              keepsInzageOf: forGate.keepsInzageOf,
            })
          : null;
      if (roles.includes('source')) {
        return {
          role: 'source',
          transferState: transfer.state,
          records: records.map((record) => viewOf(record, target)),
          decision,
        };
      }
      // An unapproved match is not the receiver's to know of: to it the transfer is a plain request.
      if (transfer.state === 'awaiting_approval')
        return { role: 'target', transferState: 'requested', decision: null };
      return { role: 'target', transferState: transfer.state, decision: decision && receiverView(decision) };
    });
  }
}

function recordOf(
  input: EvidenceInput,
  transfer: TransferEntity,
  versionId: string,
  vendorId: string,
  now: Date,
): EvidenceRecordEntity {
  const actor = input.kind === 'inzage' ? input.givenTo : input.by;
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const remarksSha256 =
    input.kind === 'inzage'
      ? (input.remarksSha256 ?? (input.remarks !== undefined ? sha256(input.remarks) : null))
      : null;
  const declaration = input.kind === 'consent' ? (input.declaration ?? null) : null;
  return {
    id: randomUUID(),
    transferId: transfer.id,
    versionId,
    versionHash: input.versionHash,
    receivingSchoolId: transfer.targetSchoolId,
    kind: input.kind,
    actDate: input.date,
    actorRole: actor.role,
    actorRef: actor.role === 'pupil' ? null : actor.ref,
    inzageHow: input.kind === 'inzage' ? input.how : null,
    decision: input.kind === 'consent' ? input.decision : null,
    form: input.kind === 'consent' ? input.form : null,
    remarksSha256,
    declarationSha256: declaration?.sha256 ?? null,
    declarationMediaType: declaration?.mediaType ?? null,
    recordedByVendorId: vendorId,
    recordedAt: now,
  };
}

function viewOf(record: EvidenceRecordEntity, target: SchoolEntity): EvidenceRecordView {
  return {
    id: record.id,
    kind: record.kind,
    versionHash: record.versionHash,
    receivingSchool: formatSchoolCode(target),
    date: record.actDate,
    actor:
      record.actorRole === 'pupil'
        ? { role: 'pupil' }
        : { role: record.actorRole, ref: record.actorRef ?? '' },
    how: record.inzageHow,
    remarksSha256: record.remarksSha256,
    decision: record.decision,
    form: record.form,
    declaration:
      record.declarationSha256 !== null
        ? { sha256: record.declarationSha256, mediaType: record.declarationMediaType ?? '' }
        : null,
    recordedAt: record.recordedAt.toISOString(),
  };
}
