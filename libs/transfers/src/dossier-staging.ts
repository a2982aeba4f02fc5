import { RegistryService, formatSchoolCode } from '@app/registry';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DossierVersionRepository } from './dossier-version-repository';
import { profileMisfit } from './exchange-profile';
import { PupilKey, hashPupilKey, pupilKeyProblem } from './pupil-key';
import { vendorTenant } from './staging-validation';
import { TransferAccess } from './transfer-access';
import { TransferError } from './transfer-error';
import { ActingVendor, EntryTrail, Recorded, TransferEventRecorder, eventActor } from './transfer-events';
import { OPEN_STATES } from './transfer-lifecycle';
import { TransferRepository } from './transfer-repository';
import { gateFactsOfStaging, gateOnStaging, sealVersion } from './evidence/release-gating';
import { awaitApproval, serveVersion } from './transfer-state-changes';
import { CORRECTABLE_STATES, stageCorrection } from './correction/dossier-correction';
import { transferSchools } from './transfer-schools';
import { inLineTransaction, refuseWhenBusy } from './transfer-transactions';
import type { DossierSealer, StagingResult, StagingValidator, TransferSettings } from './transfer.service';
import { toVersionView } from './transfer-views';

/** The sending side's uploads: each a validated, sealed, frozen version that serves the open requests. */
export class DossierStaging {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly access: TransferAccess,
    private readonly validator: StagingValidator,
    private readonly sealer: DossierSealer,
    private readonly settings: TransferSettings,
    private readonly recorder: TransferEventRecorder,
    private readonly clock: () => Date,
  ) {}

  /**
   * The sending school's vendor stages (klaarzetten) a dossier, for a known request (`transferId`) or
   * ahead of one. The dossier is validated with the strict rules; a new upload is a new frozen version.
   */
  stage(vendor: ActingVendor, bytes: Buffer, transferId?: string): Promise<Recorded<StagingResult>> {
    return refuseWhenBusy(() => this.stageVersion(vendor, bytes, transferId));
  }

  private async stageVersion(
    vendor: ActingVendor,
    bytes: Buffer,
    transferId?: string,
  ): Promise<Recorded<StagingResult>> {
    const vendorId = vendor.id;
    const forTransfer = transferId ? await this.access.visibleTransfer(vendorId, transferId, 'source') : null;
    const stageable = [...OPEN_STATES, ...CORRECTABLE_STATES];
    if (forTransfer && !stageable.includes(forTransfer.transfer.state)) {
      throw new TransferError(
        'TRANSFER_STATE_CONFLICT',
        'conflict',
        `The transfer is ${forTransfer.transfer.state}; a dossier can only be staged before it is released, or as a correction after.`,
      );
    }
    const verdict = await this.validator.validate(bytes, vendorTenant(vendorId));
    if (!verdict.valid || !verdict.facts) {
      throw new TransferError(
        'DOSSIER_INVALID',
        'unprocessable',
        'The dossier breaks rules of the strict rule set; nothing was stored. See errors ' +
          '(at most 100 findings are listed; findingsOmitted counts the rest).',
        { errors: verdict.errors, warnings: verdict.warnings, findingsOmitted: verdict.findingsOmitted },
      );
    }
    const facts = verdict.facts;
    const schoolCode = `${facts.school.brin ?? ''}${facts.school.vestiging ?? ''}`;
    const source = await this.access.school(schoolCode, 'the dossier’s huidigeschool');
    await this.access.requireMandate(vendorId, source, 'source');
    const pupil: PupilKey = {
      bsn: facts.pupil.bsn,
      onderwijsnummer: facts.pupil.onderwijsnummer,
      geboortedatum: facts.pupil.geboortedatum ?? '',
    };
    if (pupilKeyProblem(pupil)) {
      throw new TransferError(
        'DOSSIER_PUPIL_KEY_MISSING',
        'unprocessable',
        'The dossier must identify the pupil by bsn or onderwijsnummer, plus geboortedatum, to be exchanged.',
      );
    }
    const pupilKeyHash = hashPupilKey(pupil, this.settings.pupilKeySecret);
    const dossier = { profile: facts.profile, overdrachtsoort: facts.overdrachtsoort };
    const sourceMisfit = profileMisfit(dossier, source);
    if (sourceMisfit) throw new TransferError('PROFILE_MISMATCH', 'unprocessable', `${sourceMisfit}.`);
    if (forTransfer) {
      const { transfer } = forTransfer;
      if (transfer.sourceSchoolId !== source.id) {
        throw new TransferError(
          'DOSSIER_SCHOOL_MISMATCH',
          'unprocessable',
          `The dossier is from ${formatSchoolCode(source)}, but the transfer asks for a dossier from another school.`,
        );
      }
      if (transfer.pupilKeyHash !== pupilKeyHash) {
        throw new TransferError(
          'DOSSIER_PUPIL_MISMATCH',
          'unprocessable',
          'The dossier’s pupil (bsn or onderwijsnummer and geboortedatum) is not the pupil this transfer asks for.',
        );
      }
      const target = await this.registry.schoolById(transfer.targetSchoolId);
      const targetMisfit = profileMisfit(dossier, source, target);
      if (targetMisfit) throw new TransferError('PROFILE_MISMATCH', 'unprocessable', `${targetMisfit}.`);
    }

    const now = this.clock();
    const contentSha256 = createHash('sha256').update(bytes).digest('hex');
    // Sealed before the line is taken: encrypting a large dossier need not hold up the others.
    const id = randomUUID();
    // The gate's facts are sealed with it (same data key): the gate reads them without the payload.
    const { payload: sealed, sealedGateFacts } = sealVersion(
      this.sealer,
      id,
      bytes,
      gateFactsOfStaging(facts),
    );
    const trail = new EntryTrail(this.recorder);
    const line = { sourceSchoolId: source.id, pupilKeyHash };
    const served = await inLineTransaction(this.dataSource, trail, line, async (manager) => {
      const version = await new DossierVersionRepository(manager).insertNextInLine({
        id,
        sourceSchoolId: source.id,
        pupilKeyHash,
        profile: facts.profile,
        overdrachtsoort: facts.overdrachtsoort,
        byteLength: bytes.length,
        contentSha256,
        canonicalSha256: facts.contentHash,
        inzageBasisSha256: facts.inzageBasisHash || null,
        dataCategories: facts.heldCategories,
        warningCount: verdict.warnings.length,
        ciphertext: sealed.ciphertext,
        iv: sealed.iv,
        authTag: sealed.tag,
        wrappedKey: sealed.wrappedKey,
        wrapIv: sealed.wrapIv,
        wrapTag: sealed.wrapTag,
        kekId: sealed.kekId,
        sealedGateFacts,
        stagedByVendorId: vendorId,
        stagedAt: now,
        purgedAt: null,
        retractedAt: null,
        retractionReason: null,
      });
      trail.add({
        type: 'version_staged',
        at: now,
        actor: eventActor('source_vendor', vendor),
        schools: { source: formatSchoolCode(source), target: null },
        transferId: null,
        versionHash: version.canonicalSha256,
        profile: version.profile,
        overdrachtsoort: version.overdrachtsoort,
        warnedRuleIds: [...new Set(verdict.warnings.map((warning) => warning.rule))].sort(),
      });
      // Every open request for this pupil at this school gets the new version, if it fits its school:
      // staged for it (the sender named that school) it goes to the gate, else it awaits the sender's
      // approval of the match (issue #11, item 1).
      const open = await new TransferRepository(manager).lockOpenInLine(source.id, pupilKeyHash);
      // Read with this transaction's connection: asking the pool for another one while holding the
      // line's lock starves when the other uploads for this pupil hold every connection, waiting for it.
      const targets = await this.registry.schoolsWithIds(
        open.map((transfer) => transfer.targetSchoolId),
        manager,
      );
      const servedIds: string[] = [];
      const by = { actor: 'source_vendor', vendor } as const;
      for (const transfer of open) {
        const target = targets.find((school) => school.id === transfer.targetSchoolId)!;
        if (profileMisfit(version, source, target)) continue;
        const schools = transferSchools(source, target);
        if (transfer.id === forTransfer?.transfer.id) {
          await serveVersion(manager, trail, transfer, schools, version, by, now, (served) =>
            gateOnStaging(manager, trail, { transfer: served, schools, source, version, facts, now }),
          );
        } else {
          await awaitApproval(manager, trail, transfer, schools, version, by, now);
        }
        servedIds.push(transfer.id);
      }
      if (forTransfer && CORRECTABLE_STATES.includes(forTransfer.transfer.state)) {
        const corrected = await stageCorrection(manager, trail, {
          transferId: forTransfer.transfer.id,
          source,
          version,
          facts,
          vendor,
          now,
        });
        servedIds.push(corrected);
      }
      return { version, transfers: servedIds };
    });
    return trail.answer({
      version: toVersionView(served.version),
      transfers: served.transfers,
      warnings: verdict.warnings,
    });
  }
}
