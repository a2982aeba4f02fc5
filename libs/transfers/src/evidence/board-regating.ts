import { findSchoolsByIds } from '@app/registry/school-lookup';
import type { ReleaseDecision } from '@app/release-gate';
import type { DataSource, EntityManager } from 'typeorm';
import { payloadDestroyed } from '../dossier-sealing';
import { DossierVersionRepository } from '../dossier-version-repository';
import { EntryTrail, type TransferEventRecorder } from '../transfer-events';
import type { TransferState } from '../transfer-lifecycle';
import { TransferRepository } from '../transfer-repository';
import { transferSchools } from '../transfer-schools';
import { inRecordedTransaction } from '../transfer-transactions';
import type { DossierSealer } from '../transfer.service';
import { TransferEntity } from '../transfer.entity';
import { EvidenceRepository } from './evidence-repository';
import {
  applyGateDecision,
  boardReleasePolicy,
  concernsVersion,
  decideForVersion,
  dossierGateFacts,
} from './release-gating';

/** The states the gate decides in (as the evidence API's), and where each answer puts a transfer. */
const REGATED_STATES: readonly TransferState[] = ['awaiting_evidence', 'blocked', 'release_queued'];
const STATE_OF: Record<ReleaseDecision['outcome'], TransferState> = {
  release: 'release_queued',
  block: 'blocked',
  wait: 'awaiting_evidence',
};

/** The transfers of a board's schools that wait on the gate (SQL of this use case). */
function waitingTransfersOfBoard(
  manager: EntityManager,
  bevoegdGezag: string,
): Promise<Array<{ id: string }>> {
  return manager
    .getRepository(TransferEntity)
    .createQueryBuilder('transfer')
    .select('transfer.id', 'id')
    .innerJoin('schools', 'source', 'source.id = transfer.source_school_id')
    .where('source.bevoegd_gezag = :bevoegdGezag', { bevoegdGezag })
    .andWhere('transfer.state IN (:...states)', { states: REGATED_STATES })
    .andWhere('transfer.current_version_id IS NOT NULL')
    .orderBy('transfer.created_at', 'ASC')
    .getRawMany<{ id: string }>();
}

/**
 * After a board records a release policy: asks the gate again, under the policy now in effect, for every
 * transfer of the board's schools that waits on it and has evidence for its current version, each in its
 * own transaction (locked, as the evidence API does). Only a changed answer is acted on (logged as
 * `gate_decided`, the state moved, an outbox row on `release`); an unchanged one records nothing. Answers
 * how many transfers moved.
 */
export async function regateBoardTransfers(
  dataSource: DataSource,
  sealer: DossierSealer,
  recorder: TransferEventRecorder,
  bevoegdGezag: string,
  clock: () => Date,
): Promise<number> {
  let moved = 0;
  for (const { id } of await waitingTransfersOfBoard(dataSource.manager, bevoegdGezag)) {
    const trail = new EntryTrail(recorder);
    const changed = await inRecordedTransaction(dataSource, trail, async (manager) => {
      const transfer = await new TransferRepository(manager).lockById(id);
      if (!REGATED_STATES.includes(transfer.state) || transfer.currentVersionId === null) return false;
      const versions = new DossierVersionRepository(manager);
      const { version, keepsInzageOf } = await versions.forGateByIdOrFail(transfer.currentVersionId);
      // A purged version has no payload left to ask; a version without evidence waits, as every new one.
      if (payloadDestroyed(version)) return false;
      const evidence = await new EvidenceRepository(manager).ofTransfer(transfer.id);
      if (!evidence.some(concernsVersion(version, keepsInzageOf))) return false;
      const found = await findSchoolsByIds(manager, [transfer.sourceSchoolId, transfer.targetSchoolId]);
      const source = found.find((school) => school.id === transfer.sourceSchoolId);
      const target = found.find((school) => school.id === transfer.targetSchoolId);
      if (!source || !target) throw new Error('a transfer names a school the registry does not hold');
      const now = clock();
      const decision = decideForVersion({
        source,
        transfer,
        version,
        facts: await dossierGateFacts(sealer, versions, version),
        evidence,
        now,
        policy: await boardReleasePolicy(manager, source, now),
        keepsInzageOf,
      });
      if (STATE_OF[decision.outcome] === transfer.state) return false;
      await applyGateDecision(
        manager,
        trail,
        transfer,
        transferSchools(source, target),
        version,
        decision,
        now,
      );
      return true;
    });
    if (changed) moved += 1;
  }
  return moved;
}
