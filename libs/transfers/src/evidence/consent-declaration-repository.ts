import { IsNull, Not, type EntityManager } from 'typeorm';
import { ConsentDeclarationEntity } from './consent-declaration.entity';
import { EvidenceRecordEntity } from './evidence-record.entity';

/** The SQL of `consent_declarations` (and the consent record a declaration belongs to). */
export class ConsentDeclarationRepository {
  constructor(private readonly manager: EntityManager) {}

  /** A consent record of this transfer that names a declaration (its hash and media type), if any. */
  consentWithDeclaration(transferId: string, evidenceId: string): Promise<EvidenceRecordEntity | null> {
    return this.manager.getRepository(EvidenceRecordEntity).findOne({
      where: { id: evidenceId, transferId, kind: 'consent' },
    });
  }

  byEvidenceId(evidenceId: string): Promise<ConsentDeclarationEntity | null> {
    return this.manager.getRepository(ConsentDeclarationEntity).findOneBy({ evidenceId });
  }

  /** Stores it unless one is stored for the record already; answers whether this call stored it. */
  async insertOnce(row: ConsentDeclarationEntity): Promise<boolean> {
    const stored: unknown[] = await this.manager.query(
      `INSERT INTO consent_declarations (evidence_id, transfer_id, version_id, media_type, byte_length, sha256,
              ciphertext, iv, auth_tag, wrapped_key, wrap_iv, wrap_tag, kek_id, stored_by_vendor_id, stored_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (evidence_id) DO NOTHING
       RETURNING evidence_id`,
      [
        row.evidenceId,
        row.transferId,
        row.versionId,
        row.mediaType,
        row.byteLength,
        row.sha256,
        row.ciphertext,
        row.iv,
        row.authTag,
        row.wrappedKey,
        row.wrapIv,
        row.wrapTag,
        row.kekId,
        row.storedByVendorId,
        row.storedAt,
      ],
    );
    return stored.length > 0;
  }

  /** Up to `limit` stored declarations whose key is wrapped under another KEK, locked (others' skipped). */
  lockNotUnderKek(kekId: string, limit: number): Promise<ConsentDeclarationEntity[]> {
    return this.manager.getRepository(ConsentDeclarationEntity).find({
      where: { kekId: Not(kekId), wrappedKey: Not(IsNull()) },
      take: limit,
      lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
    });
  }

  async rewrap(
    evidenceId: string,
    key: Pick<ConsentDeclarationEntity, 'wrappedKey' | 'wrapIv' | 'wrapTag' | 'kekId'>,
  ): Promise<void> {
    await this.manager.getRepository(ConsentDeclarationEntity).update({ evidenceId }, key);
  }

  countUnderKek(kekId: string): Promise<number> {
    return this.manager.getRepository(ConsentDeclarationEntity).countBy({ kekId, wrappedKey: Not(IsNull()) });
  }
}
