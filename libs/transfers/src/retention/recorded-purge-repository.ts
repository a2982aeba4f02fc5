import type { EntityManager } from 'typeorm';

/**
 * The versions a recorded purge names that still hold a payload: same content hash, same sending school.
 * A school stages one version per content on a line, so the pair names the rows the purge destroyed.
 */
const LIVE_VERSIONS_OF = `
  SELECT v.id, v.purged_at IS NOT NULL AS gone
    FROM dossier_versions v
    JOIN schools s ON s.id = v.source_school_id
   WHERE v.canonical_sha256 = $1 AND s.brin = substr($2, 1, 4) AND s.vestiging = substr($2, 5)
   FOR UPDATE OF v`;

/**
 * Destroys the payload (ciphertext, wrapped key and what decrypts them) of a version the restore brought
 * back: the columns retention clears. `purged_at` is the moment of the recorded purge's re-application.
 */
const DESTROY_PAYLOAD = `
  UPDATE dossier_versions
     SET ciphertext = NULL, iv = NULL, auth_tag = NULL, wrapped_key = NULL, wrap_iv = NULL,
         wrap_tag = NULL, kek_id = NULL, sealed_gate_facts = NULL, purged_at = $2
   WHERE id = $1 AND purged_at IS NULL`;

/** The SQL of re-applying recorded purges after a restore (`reapplyRecordedPurges`). */
export class RecordedPurgeRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The versions a recorded purge names, locked until the transaction ends, and whether each is gone. */
  lockVersionsNamed(
    versionHash: string,
    sourceSchool: string,
  ): Promise<Array<{ id: string; gone: boolean }>> {
    return this.manager.query(LIVE_VERSIONS_OF, [versionHash, sourceSchool]);
  }

  /** Answers whether it destroyed the payload now (false: it was gone already). */
  async destroyPayload(versionId: string, at: Date): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.manager.query(DESTROY_PAYLOAD, [versionId, at]);
    return affected === 1;
  }
}
