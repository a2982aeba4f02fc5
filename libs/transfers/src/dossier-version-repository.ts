import { EntityManager, EntityNotFoundError, In, IsNull, Not } from 'typeorm';
import { DossierVersionEntity } from './dossier-version.entity';
import { plainRows } from './plain-rows';
import type { RetractionReason } from './transfer-events';

/**
 * A destroyed payload (crypto-shredding): ciphertext and wrapped key gone, the row keeps its hashes and
 * metadata; the database's check allows only all of them or none.
 */
const DESTROYED_PAYLOAD = {
  ciphertext: null,
  iv: null,
  authTag: null,
  wrappedKey: null,
  wrapIv: null,
  wrapTag: null,
  kekId: null,
  // Sealed under the destroyed key already; cleared too, as the database's check demands.
  sealedGateFacts: null,
} as const;

/** The wrapped data key of a version, as re-wrapping under another key-encryption key leaves it. */
export type WrappedKey = Pick<DossierVersionEntity, 'wrappedKey' | 'wrapIv' | 'wrapTag' | 'kekId'>;

/**
 * What the gate reads of a version: everything but the payload's ciphertext, nonce and tag — the wrapped
 * key stays, it opens the gate's facts sealed with the version (`sealedGateFacts`).
 */
const CIPHERTEXT_COLUMNS = ['ciphertext', 'iv', 'authTag'] as const;
export type VersionForGate = Omit<DossierVersionEntity, (typeof CIPHERTEXT_COLUMNS)[number]>;

/** The payload columns: a view of a version needs none of them (≈ the dossier's size each). */
const PAYLOAD_COLUMNS = ['ciphertext', 'iv', 'authTag', 'wrappedKey', 'wrapIv', 'wrapTag'] as const;

/** A version's facts without its sealed payload: what a transfer view shows. */
export type DossierVersionFacts = Omit<DossierVersionEntity, (typeof PAYLOAD_COLUMNS)[number]>;

/** The SQL of `dossier_versions`: the frozen uploads, a line per sending school and pupil. */
export class DossierVersionRepository {
  constructor(private readonly manager: EntityManager) {}

  private get rows() {
    return this.manager.getRepository(DossierVersionEntity);
  }

  /** The newest version of the line, purged or not: the next one is numbered after it. */
  latestInLine(sourceSchoolId: string, pupilKeyHash: string): Promise<DossierVersionEntity | null> {
    return this.rows.findOne({ where: { sourceSchoolId, pupilKeyHash }, order: { version: 'DESC' } });
  }

  /** The newest version of the line that still has its payload: what a new request can be served. */
  latestLiveInLine(sourceSchoolId: string, pupilKeyHash: string): Promise<DossierVersionEntity | null> {
    return this.rows.findOne({
      where: { sourceSchoolId, pupilKeyHash, purgedAt: IsNull() },
      order: { version: 'DESC' },
    });
  }

  /** The versions with this canonical hash staged for any of these schools (a retraction's lookup). */
  withHashAt(sourceSchoolIds: string[], canonicalSha256: string): Promise<DossierVersionEntity[]> {
    if (sourceSchoolIds.length === 0) return Promise.resolve([]);
    return this.rows.findBy({ sourceSchoolId: In(sourceSchoolIds), canonicalSha256 });
  }

  /**
   * The line's versions with this canonical hash, locked until the transaction ends. FOR NO KEY UPDATE,
   * not FOR UPDATE: a step that writes a transfer or history row naming the version takes a KEY SHARE lock
   * on it (the foreign key check), which FOR UPDATE would block — a deadlock with the release worker, which
   * holds the transfer's row while it writes them (found by the retraction's race test).
   */
  lockWithHashInLine(
    sourceSchoolId: string,
    pupilKeyHash: string,
    canonicalSha256: string,
  ): Promise<DossierVersionEntity[]> {
    return this.rows.find({
      where: { sourceSchoolId, pupilKeyHash, canonicalSha256 },
      order: { version: 'ASC' },
      lock: { mode: 'for_no_key_update' },
    });
  }

  /** Destroys the version's data key and ciphertext (crypto-shredding), e.g. after a recall; metadata stays. */
  async purgePayload(version: DossierVersionEntity, at: Date): Promise<void> {
    await this.rows.update({ id: version.id }, { ...DESTROYED_PAYLOAD, purgedAt: version.purgedAt ?? at });
  }

  /**
   * Retraction: the version's data key and ciphertext are destroyed (crypto-shredding; the row keeps its
   * hashes and metadata), and when and why are recorded. Only a version not yet retracted is touched.
   */
  async retract(version: DossierVersionEntity, at: Date, reason: RetractionReason): Promise<void> {
    await this.rows.update(
      { id: version.id, retractedAt: IsNull() },
      {
        ...DESTROYED_PAYLOAD,
        // A version purged before (retention) keeps the moment its payload went.
        purgedAt: version.purgedAt ?? at,
        retractedAt: at,
        retractionReason: reason,
      },
    );
  }

  /**
   * The content hashes of the line's earlier versions whose inzage `version` keeps: those with the same
   * inzage basis (the same canonical content but for the parents' remarks), other content than its own.
   * Equal basis is an equivalence, so this is already transitive.
   */
  async keepsInzageOf(
    version: Pick<
      DossierVersionEntity,
      'sourceSchoolId' | 'pupilKeyHash' | 'inzageBasisSha256' | 'version' | 'canonicalSha256'
    >,
  ): Promise<string[]> {
    if (version.inzageBasisSha256 === null) return [];
    const rows: Array<{ hash: string }> = await this.manager.query(
      `SELECT DISTINCT canonical_sha256 AS hash FROM dossier_versions
        WHERE source_school_id = $1 AND pupil_key_hash = $2 AND inzage_basis_sha256 = $3
          AND version < $4 AND canonical_sha256 <> $5
        ORDER BY 1`,
      [
        version.sourceSchoolId,
        version.pupilKeyHash,
        version.inzageBasisSha256,
        version.version,
        version.canonicalSha256,
      ],
    );
    return rows.map((row) => row.hash);
  }

  /**
   * Stores a new version as the line's next (its number one past the line's newest, purged or not), in
   * one statement: plain SQL rather than the ORM's save, which first selects the row by id and builds
   * the statement per call (the staging hot path, issue #13). Buffers go as binary parameters. The
   * caller holds the line (`lockLine`), so the number cannot race; the unique line constraint backs that.
   */
  async insertNextInLine(row: Omit<DossierVersionEntity, 'version'>): Promise<DossierVersionEntity> {
    const inserted: Array<{ version: number }> = await this.manager.query(
      `INSERT INTO dossier_versions (id, source_school_id, pupil_key_hash, version, profile, overdrachtsoort,
          byte_length, content_sha256, canonical_sha256, inzage_basis_sha256, data_categories, warning_count,
          ciphertext, iv, auth_tag, wrapped_key, wrap_iv, wrap_tag, kek_id, staged_by_vendor_id, staged_at,
          purged_at, retracted_at, retraction_reason, sealed_gate_facts)
       SELECT $1::uuid, $2::uuid, $3::char(64), coalesce(max(version), 0) + 1, $4::varchar, $5::varchar,
          $6::integer, $7::char(64), $8::char(64), $9::char(64), $10::text[], $11::integer,
          $12::bytea, $13::bytea, $14::bytea, $15::bytea, $16::bytea, $17::bytea, $18::varchar, $19::varchar,
          $20::timestamptz, $21::timestamptz, $22::timestamptz, $23::varchar, $24::bytea
         FROM dossier_versions WHERE source_school_id = $2 AND pupil_key_hash = $3
       RETURNING version`,
      [
        row.id,
        row.sourceSchoolId,
        row.pupilKeyHash,
        row.profile,
        row.overdrachtsoort,
        row.byteLength,
        row.contentSha256,
        row.canonicalSha256,
        row.inzageBasisSha256,
        row.dataCategories,
        row.warningCount,
        row.ciphertext,
        row.iv,
        row.authTag,
        row.wrappedKey,
        row.wrapIv,
        row.wrapTag,
        row.kekId,
        row.stagedByVendorId,
        row.stagedAt,
        row.purgedAt,
        row.retractedAt,
        row.retractionReason,
        row.sealedGateFacts,
      ],
    );
    return Object.assign(new DossierVersionEntity(), row, { version: inserted[0].version });
  }

  async byIdOrFail(id: string): Promise<DossierVersionEntity> {
    const full = plainRows(this.manager, DossierVersionEntity, 'v');
    const rows: Array<Record<string, unknown>> = await this.manager.query(
      `SELECT ${full.select} FROM dossier_versions v WHERE v.id = $1`,
      [id],
    );
    if (rows.length === 0) throw new EntityNotFoundError(DossierVersionEntity, { id });
    return full.map(rows[0]);
  }

  /**
   * A version as the gate reads it — without its ciphertext (≈ the dossier's size) — and the content hashes
   * whose inzage it keeps (`keepsInzageOf`), in one query: the release step and evidence recording.
   */
  async forGateByIdOrFail(id: string): Promise<{ version: VersionForGate; keepsInzageOf: string[] }> {
    const forGate = plainRows(this.manager, DossierVersionEntity, 'v', CIPHERTEXT_COLUMNS);
    const rows: Array<Record<string, unknown> & { keeps_inzage_of: string[] }> = await this.manager.query(
      `SELECT ${forGate.select},
              ARRAY(SELECT DISTINCT e.canonical_sha256 FROM dossier_versions e
                     WHERE e.source_school_id = v.source_school_id AND e.pupil_key_hash = v.pupil_key_hash
                       AND e.inzage_basis_sha256 = v.inzage_basis_sha256 AND e.version < v.version
                       AND e.canonical_sha256 <> v.canonical_sha256
                     ORDER BY 1) AS keeps_inzage_of
         FROM dossier_versions v WHERE v.id = $1`,
      [id],
    );
    if (rows.length === 0) throw new EntityNotFoundError(DossierVersionEntity, { id });
    const { keeps_inzage_of: keepsInzageOf, ...row } = rows[0];
    return { version: forGate.map(row), keepsInzageOf };
  }

  byIds(ids: string[]): Promise<DossierVersionEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.rows.findBy({ id: In(ids) });
  }

  /** A version's facts without its payload: who staged it and its hashes, not ≈ the dossier's size. */
  async factsByIdOrFail(id: string): Promise<DossierVersionFacts> {
    const [facts] = await this.factsByIds([id]);
    if (facts === undefined) throw new EntityNotFoundError(DossierVersionEntity, { id });
    return facts;
  }

  /** The facts of these versions without their payloads (transfer views, listings). */
  async factsByIds(ids: string[]): Promise<DossierVersionFacts[]> {
    if (ids.length === 0) return [];
    const facts = plainRows(this.manager, DossierVersionEntity, 'v', PAYLOAD_COLUMNS);
    const rows: Array<Record<string, unknown>> = await this.manager.query(
      `SELECT ${facts.select} FROM dossier_versions v WHERE v.id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return rows.map((row) => facts.map(row));
  }

  /** Up to `limit` live versions whose key is wrapped under another KEK, locked (others' skipped). */
  lockNotUnderKek(kekId: string, limit: number): Promise<DossierVersionEntity[]> {
    return this.rows.find({
      where: { kekId: Not(kekId), wrappedKey: Not(IsNull()) },
      take: limit,
      lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' },
    });
  }

  async rewrap(id: string, key: WrappedKey): Promise<void> {
    await this.rows.update({ id }, key);
  }

  countUnderKek(kekId: string): Promise<number> {
    return this.rows.countBy({ kekId, wrappedKey: Not(IsNull()) });
  }
}
