import { RegistryService } from '@app/registry';
import type { SealedPayload } from '@app/vault';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DossierVersionRepository } from '../dossier-version-repository';
import { TransferAccess } from '../transfer-access';
import { TransferError } from '../transfer-error';
import { ActingVendor, EntryTrail, Recorded, TransferEventRecorder, eventActor } from '../transfer-events';
import { transferSchools } from '../transfer-schools';
import { inRecordedTransaction, refuseWhenBusy } from '../transfer-transactions';
import type { DossierSealer } from '../transfer.service';
import { ConsentDeclarationRepository } from './consent-declaration-repository';
import type { ConsentDeclarationEntity } from './consent-declaration.entity';

/** Binds a declaration's ciphertext to its consent record: moved to another row, it does not decrypt. */
export function declarationContext(evidenceId: string): string {
  return `oso-consent-declaration:${evidenceId}`;
}

/** What storing answers: the document's identity, never its content. */
export interface DeclarationStored {
  evidenceId: string;
  mediaType: string;
  byteLength: number;
  sha256: string;
  storedAt: string;
  /** False when it was stored before (the same bytes: the hash fixes them); nothing was recorded. */
  stored: boolean;
}

const notRecorded = () =>
  new TransferError(
    'DECLARATION_NOT_RECORDED',
    'not_found',
    'No consent record with a declaration (sha256 and mediaType) with this id on this transfer.',
  );

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function sealedDeclaration(row: ConsentDeclarationEntity): SealedPayload {
  return {
    ciphertext: row.ciphertext!,
    iv: row.iv!,
    tag: row.authTag!,
    wrappedKey: row.wrappedKey,
    wrapIv: row.wrapIv!,
    wrapTag: row.wrapTag!,
    kekId: row.kekId!,
  };
}

/**
 * The consent declaration document, optionally uploaded by the sending school (issue #11, item 2): the
 * bytes must be the ones its consent record names (media type and SHA-256). Stored sealed; only the
 * sending side reads it back (the school keeps its own copy: the broker is never the only one).
 */
export class ConsentDeclarations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly access: TransferAccess,
    private readonly sealer: DossierSealer,
    private readonly recorder: TransferEventRecorder,
    private readonly clock: () => Date,
  ) {}

  store(
    vendor: ActingVendor,
    transferId: string,
    evidenceId: string,
    mediaType: string | null,
    bytes: Buffer,
  ): Promise<Recorded<DeclarationStored>> {
    return refuseWhenBusy(async () => {
      const { transfer } = await this.access.visibleTransfer(vendor.id, transferId, 'source');
      const manager = this.dataSource.manager;
      const declarations = new ConsentDeclarationRepository(manager);
      const record = UUID.test(evidenceId)
        ? await declarations.consentWithDeclaration(transfer.id, evidenceId)
        : null;
      if (!record || record.declarationSha256 === null || record.declarationMediaType === null)
        throw notRecorded();
      if (mediaType === null || mediaType !== record.declarationMediaType.toLowerCase()) {
        throw new TransferError(
          'DECLARATION_MEDIA_TYPE_MISMATCH',
          'unprocessable',
          `Content-Type must be the media type the consent record names (${record.declarationMediaType}); nothing was stored.`,
        );
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (sha256 !== record.declarationSha256) {
        throw new TransferError(
          'DECLARATION_HASH_MISMATCH',
          'unprocessable',
          'The SHA-256 of the body is not the declaration.sha256 the consent record names; send exactly that document. Nothing was stored.',
        );
      }
      const version = await new DossierVersionRepository(manager).byIdOrFail(record.versionId);
      if (version.purgedAt !== null) {
        throw new TransferError(
          'DOSSIER_PURGED',
          'conflict',
          'The version this consent is for was purged; its declaration is not stored any more.',
        );
      }
      const existing = await declarations.byEvidenceId(evidenceId);
      const trail = new EntryTrail(this.recorder);
      if (existing) return trail.answer(viewOf(existing, false));
      const now = this.clock();
      const sealed = this.sealer.seal(bytes, declarationContext(evidenceId));
      const row: ConsentDeclarationEntity = {
        evidenceId,
        transferId: transfer.id,
        versionId: record.versionId,
        mediaType: record.declarationMediaType,
        byteLength: bytes.length,
        sha256,
        ciphertext: sealed.ciphertext,
        iv: sealed.iv,
        authTag: sealed.tag,
        wrappedKey: sealed.wrappedKey,
        wrapIv: sealed.wrapIv,
        wrapTag: sealed.wrapTag,
        kekId: sealed.kekId,
        storedByVendorId: vendor.id,
        storedAt: now,
        purgedAt: null,
      };
      const [source, target] = await Promise.all([
        this.registry.schoolById(transfer.sourceSchoolId),
        this.registry.schoolById(transfer.targetSchoolId),
      ]);
      const stored = await inRecordedTransaction(this.dataSource, trail, async (inTransaction) => {
        const inserted = await new ConsentDeclarationRepository(inTransaction).insertOnce(row);
        if (!inserted) return false;
        trail.add({
          type: 'declaration_stored',
          at: now,
          actor: eventActor('source_vendor', vendor),
          schools: transferSchools(source, target),
          transferId: transfer.id,
          versionHash: record.versionHash,
          evidenceId,
          byteLength: bytes.length,
        });
        return true;
      });
      return trail.answer(viewOf(row, stored));
    });
  }

  /** The stored document, for the sending side only (the receiver: 403 ROLE_NOT_ALLOWED). */
  fetch(
    vendorId: string,
    transferId: string,
    evidenceId: string,
  ): Promise<{ bytes: Buffer; mediaType: string }> {
    return refuseWhenBusy(async () => {
      const { transfer } = await this.access.visibleTransfer(vendorId, transferId, 'source');
      const declarations = new ConsentDeclarationRepository(this.dataSource.manager);
      const record = UUID.test(evidenceId)
        ? await declarations.consentWithDeclaration(transfer.id, evidenceId)
        : null;
      if (!record || record.declarationSha256 === null) throw notRecorded();
      const row = await declarations.byEvidenceId(evidenceId);
      if (!row || row.purgedAt !== null || !row.ciphertext) {
        throw new TransferError(
          'DECLARATION_NOT_STORED',
          'not_found',
          'No document is stored for this consent record (never uploaded, or destroyed with its version).',
        );
      }
      return {
        bytes: this.sealer.open(sealedDeclaration(row), declarationContext(evidenceId)),
        mediaType: row.mediaType,
      };
    });
  }
}

function viewOf(row: ConsentDeclarationEntity, stored: boolean): DeclarationStored {
  return {
    evidenceId: row.evidenceId,
    mediaType: row.mediaType,
    byteLength: row.byteLength,
    sha256: row.sha256,
    storedAt: row.storedAt.toISOString(),
    stored,
  };
}
