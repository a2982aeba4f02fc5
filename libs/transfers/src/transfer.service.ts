import type { DossierFinding, DossierVerdict } from '@app/oso-dataset';
import {
  RegistryError,
  RegistryService,
  SchoolEntity,
  formatSchoolCode,
  parseSchoolCode,
} from '@app/registry';
import type { DossierVault, SealedPayload } from '@app/vault';
import { createHash, randomUUID } from 'node:crypto';
import { databaseBusyReason } from '@app/persistence/database-busy';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { DossierVersionEntity } from './dossier-version.entity';
import { profileMisfit } from './exchange-profile';
import { PupilKey, hashPupilKey, pupilKeyProblem } from './pupil-key';
import { vendorTenant } from './staging-validation';
import { TransferError, transferNotFound } from './transfer-error';
import { TransferHistoryEntity } from './transfer-history.entity';
import { TransferActor, TransferEvent, TransferState, nextState } from './transfer-lifecycle';
import { TransferEntity } from './transfer.entity';
import {
  DossierVersionView,
  TransferPage,
  TransferRole,
  TransferView,
  decodeCursor,
  encodeCursor,
  toTransferView,
  toVersionView,
} from './transfer-views';

/** Judges a dossier the way staging needs it: strict rules, facts and the canonical content hash. */
export interface StagingValidator {
  /** `tenant` is whose share of the validation threads the work counts against. */
  validate(bytes: Buffer, tenant: string): Promise<DossierVerdict>;
}

/** Encrypts dossier versions at rest (see `@app/vault`); each version under its own data key. */
export type DossierSealer = Pick<DossierVault, 'seal' | 'open'>;

export interface TransferSettings {
  /** Key of the HMAC that turns a pupil key into what is stored. */
  pupilKeySecret: Buffer;
  /** How long a request stays open without a release. */
  requestLifetimeDays: number;
}

export const TRANSFER_REASONS = ['overstap', 'verhuizing', 'herplaatsing', 'overig'] as const;
export type TransferReason = (typeof TRANSFER_REASONS)[number];

export interface TransferRequest {
  targetSchool: string;
  sourceSchool: string;
  pupil: PupilKey;
  reason?: TransferReason | null;
}

export interface StagingResult {
  version: DossierVersionView;
  /** The open requests this version now serves. */
  transfers: string[];
  warnings: DossierFinding[];
}

/** States in which a new version may still replace the staged one. */
const OPEN_STATES: TransferState[] = [
  'requested',
  'dossier_staged',
  'awaiting_evidence',
  'blocked',
  'release_queued',
];
const PAGE_SIZE_MAX = 200;
/**
 * How long a transaction waits for a lock (a pupil's line, a transfer's row) before answering 503:
 * longer than storing a 20 MB version takes, below the pool's 5-second connection timeout, so that
 * waiters give their connections back before requests waiting for one give up.
 */
const LOCK_WAIT_MS = 3000;
const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * Runs a use case whose waits end: for a connection (the pool's timeout) and for locks (`lock_timeout`).
 * Either wait running out means the broker is busy, not broken: a 503 with Retry-After, nothing changed.
 */
async function refuseWhenBusy<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const busy = databaseBusyReason(error);
    if (busy === 'lock_timeout') {
      throw new TransferError(
        'TRANSFER_LINE_BUSY',
        'unavailable',
        `Another request for this pupil at this school is being handled; nothing was changed. Retry after ${BUSY_RETRY_AFTER_SECONDS} s (see Retry-After).`,
        undefined,
        BUSY_RETRY_AFTER_SECONDS,
      );
    }
    if (busy === 'pool_exhausted') {
      throw new TransferError(
        'DATABASE_BUSY',
        'unavailable',
        `The broker is too busy to handle this request now; nothing was changed. Retry after ${BUSY_RETRY_AFTER_SECONDS} s (see Retry-After).`,
        undefined,
        BUSY_RETRY_AFTER_SECONDS,
      );
    }
    throw error;
  }
}

/**
 * The exchange between two schools' vendors: requests, staged dossier versions, and what each side may
 * see. Every method takes the calling vendor and checks its mandates itself; nothing here trusts the
 * caller to have checked. Misses look like "not found", whether the transfer exists or not.
 */
export class TransferService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: RegistryService,
    private readonly validator: StagingValidator,
    private readonly sealer: DossierSealer,
    private readonly settings: TransferSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The receiving school's vendor asks for a pupil's dossier from the sending school. */
  request(vendorId: string, input: TransferRequest): Promise<TransferView> {
    return refuseWhenBusy(() => this.recordRequest(vendorId, input));
  }

  private async recordRequest(vendorId: string, input: TransferRequest): Promise<TransferView> {
    const problem = pupilKeyProblem(input.pupil);
    if (problem) throw new TransferError('PUPIL_KEY_INVALID', 'invalid', `pupil: ${problem}.`);
    if (input.reason != null && !(TRANSFER_REASONS as readonly string[]).includes(input.reason)) {
      throw new TransferError(
        'REASON_INVALID',
        'invalid',
        `reason must be one of ${TRANSFER_REASONS.join(', ')}.`,
      );
    }
    const target = await this.school(input.targetSchool, 'targetSchool');
    const source = await this.school(input.sourceSchool, 'sourceSchool');
    if (target.id === source.id) {
      throw new TransferError('SAME_SCHOOL', 'invalid', 'targetSchool and sourceSchool are the same school.');
    }
    await this.requireMandate(vendorId, target, 'target');
    const pupilKeyHash = hashPupilKey(input.pupil, this.settings.pupilKeySecret);
    const now = this.clock();

    const transferId = await this.inTransaction(async (manager) => {
      await lockLine(manager, source.id, pupilKeyHash);
      const open = await manager.getRepository(TransferEntity).findOneBy({
        targetSchoolId: target.id,
        sourceSchoolId: source.id,
        pupilKeyHash,
        state: In(OPEN_STATES),
      });
      if (open) {
        throw new TransferError(
          'TRANSFER_ALREADY_OPEN',
          'conflict',
          `There is already an open transfer for this pupil from ${formatSchoolCode(source)} to ${formatSchoolCode(target)}: ${open.id}.`,
          { transferId: open.id },
        );
      }
      const transfer = await manager.getRepository(TransferEntity).save(
        manager.getRepository(TransferEntity).create({
          id: randomUUID(),
          targetSchoolId: target.id,
          sourceSchoolId: source.id,
          pupilKeyHash,
          reason: input.reason ?? null,
          state: 'requested',
          currentVersionId: null,
          releasedVersionId: null,
          requestedByVendorId: vendorId,
          createdAt: now,
          updatedAt: now,
          expiresAt: new Date(now.getTime() + this.settings.requestLifetimeDays * 86_400_000),
        }),
      );
      await record(manager, transfer, 'request', null, 'target_vendor', vendorId, null, now);
      // A dossier staged before the request is matched now, if it fits the receiving school.
      const staged = await manager.getRepository(DossierVersionEntity).findOne({
        where: { sourceSchoolId: source.id, pupilKeyHash, purgedAt: IsNull() },
        order: { version: 'DESC' },
      });
      if (staged && !this.misfit(staged, source, target)) {
        await this.serveVersion(manager, transfer, staged, 'broker', null, now);
      }
      return transfer.id;
    });
    return this.view(vendorId, transferId);
  }

  /**
   * The sending school's vendor stages (klaarzetten) a dossier, for a known request (`transferId`) or
   * ahead of one. The dossier is validated with the strict rules; a new upload is a new frozen version.
   */
  stage(vendorId: string, bytes: Buffer, transferId?: string): Promise<StagingResult> {
    return refuseWhenBusy(() => this.stageVersion(vendorId, bytes, transferId));
  }

  private async stageVersion(vendorId: string, bytes: Buffer, transferId?: string): Promise<StagingResult> {
    const forTransfer = transferId ? await this.visibleTransfer(vendorId, transferId, 'source') : null;
    if (forTransfer && !OPEN_STATES.includes(forTransfer.transfer.state)) {
      throw new TransferError(
        'TRANSFER_STATE_CONFLICT',
        'conflict',
        `The transfer is ${forTransfer.transfer.state}; a dossier can only be staged before it is released.`,
      );
    }
    const verdict = await this.validator.validate(bytes, vendorTenant(vendorId));
    if (!verdict.valid || !verdict.facts) {
      throw new TransferError(
        'DOSSIER_INVALID',
        'unprocessable',
        `The dossier breaks ${verdict.errors.length} rule(s) of the strict rule set; nothing was stored. See errors.`,
        { errors: verdict.errors, warnings: verdict.warnings },
      );
    }
    const facts = verdict.facts;
    const schoolCode = `${facts.school.brin ?? ''}${facts.school.vestiging ?? ''}`;
    const source = await this.school(schoolCode, 'the dossier’s huidigeschool');
    await this.requireMandate(vendorId, source, 'source');
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
    const sealed = this.sealer.seal(bytes, versionContext(id));
    return this.inTransaction(async (manager) => {
      await lockLine(manager, source.id, pupilKeyHash);
      const versions = manager.getRepository(DossierVersionEntity);
      const latest = await versions.findOne({
        where: { sourceSchoolId: source.id, pupilKeyHash },
        order: { version: 'DESC' },
      });
      const version = await versions.save(
        versions.create({
          id,
          sourceSchoolId: source.id,
          pupilKeyHash,
          version: (latest?.version ?? 0) + 1,
          profile: facts.profile,
          overdrachtsoort: facts.overdrachtsoort,
          byteLength: bytes.length,
          contentSha256,
          canonicalSha256: facts.contentHash,
          warningCount: verdict.warnings.length,
          ciphertext: sealed.ciphertext,
          iv: sealed.iv,
          authTag: sealed.tag,
          wrappedKey: sealed.wrappedKey,
          wrapIv: sealed.wrapIv,
          wrapTag: sealed.wrapTag,
          kekId: sealed.kekId,
          stagedByVendorId: vendorId,
          stagedAt: now,
          purgedAt: null,
        }),
      );
      // Every open request for this pupil at this school gets the new version, if it fits its school.
      // Row locks: a withdrawal or receipt racing with this upload waits, or wins and drops out here.
      const open = await manager.getRepository(TransferEntity).find({
        where: { sourceSchoolId: source.id, pupilKeyHash, state: In(OPEN_STATES) },
        lock: { mode: 'pessimistic_write' },
      });
      // Read with this transaction's connection: asking the pool for another one while holding the
      // line's lock starves when the other uploads for this pupil hold every connection, waiting for it.
      const targets = await manager
        .getRepository(SchoolEntity)
        .findBy({ id: In(open.map((transfer) => transfer.targetSchoolId)) });
      const served: string[] = [];
      for (const transfer of open) {
        const target = targets.find((school) => school.id === transfer.targetSchoolId)!;
        if (this.misfit(version, source, target)) continue;
        await this.serveVersion(manager, transfer, version, 'source_vendor', vendorId, now);
        served.push(transfer.id);
      }
      return { version: toVersionView(version), transfers: served, warnings: verdict.warnings };
    });
  }

  /** One transfer as the calling vendor may see it: state, schools, current version, history. */
  async view(vendorId: string, transferId: string): Promise<TransferView> {
    const { transfer, roles } = await this.visibleTransfer(vendorId, transferId);
    return this.describe(transfer, roles);
  }

  /** The calling vendor's transfers on one side, newest first, a page at a time. */
  async list(
    vendorId: string,
    query: { role: TransferRole; state?: TransferState; limit?: number; cursor?: string },
  ): Promise<TransferPage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), PAGE_SIZE_MAX);
    const schools = await this.registry.schoolsActingFor(vendorId, query.role, this.clock());
    if (schools.length === 0) return { items: [], nextCursor: null };
    const column = query.role === 'target' ? 'target_school_id' : 'source_school_id';
    const builder = this.dataSource
      .getRepository(TransferEntity)
      .createQueryBuilder('transfer')
      .where(`transfer.${column} IN (:...schools)`, { schools: schools.map((school) => school.id) })
      .orderBy('transfer.created_at', 'DESC')
      .addOrderBy('transfer.id', 'DESC')
      .take(limit + 1);
    if (query.state) builder.andWhere('transfer.state = :state', { state: query.state });
    if (query.cursor) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) {
        throw new TransferError('CURSOR_INVALID', 'invalid', 'cursor is not one this broker handed out.');
      }
      builder.andWhere('(transfer.created_at, transfer.id) < (:at, :id)', cursor);
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const items = await this.describeAll(page, [query.role]);
    return { items, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null };
  }

  /**
   * For the sending side: the open requests at its schools for one pupil. The broker keeps only a hash
   * of the pupil key, so the sender asks with the key its LAS knows instead of reading it from a list.
   */
  async lookup(vendorId: string, input: { sourceSchool: string; pupil: PupilKey }): Promise<TransferView[]> {
    const problem = pupilKeyProblem(input.pupil);
    if (problem) throw new TransferError('PUPIL_KEY_INVALID', 'invalid', `pupil: ${problem}.`);
    const source = await this.school(input.sourceSchool, 'sourceSchool');
    await this.requireMandate(vendorId, source, 'source');
    const transfers = await this.dataSource.getRepository(TransferEntity).find({
      where: {
        sourceSchoolId: source.id,
        pupilKeyHash: hashPupilKey(input.pupil, this.settings.pupilKeySecret),
        state: In(OPEN_STATES),
      },
      order: { createdAt: 'DESC' },
    });
    return this.describeAll(transfers, ['source']);
  }

  /** The released dossier, byte for byte as staged, for the receiving school's vendor only. */
  async fetchDossier(
    vendorId: string,
    transferId: string,
  ): Promise<{ bytes: Buffer; version: DossierVersionView }> {
    const { transfer } = await this.visibleTransfer(vendorId, transferId, 'target');
    if ((transfer.state !== 'released' && transfer.state !== 'received') || !transfer.releasedVersionId) {
      throw new TransferError(
        'DOSSIER_NOT_RELEASED',
        'conflict',
        `The transfer is ${transfer.state}; the dossier can be fetched once it is released.`,
      );
    }
    const version = await this.dataSource
      .getRepository(DossierVersionEntity)
      .findOneByOrFail({ id: transfer.releasedVersionId });
    if (version.purgedAt || !version.ciphertext || !version.wrappedKey) {
      throw new TransferError(
        'DOSSIER_PURGED',
        'conflict',
        'The dossier was purged after its retention period.',
      );
    }
    const bytes = this.sealer.open(sealedOf(version), versionContext(version.id));
    return { bytes, version: toVersionView(version) };
  }

  /** The receiving vendor confirms it has the dossier; repeating it changes nothing. */
  async acknowledgeReceipt(vendorId: string, transferId: string): Promise<TransferView> {
    return this.act(vendorId, transferId, 'target', 'acknowledge_receipt', 'target_vendor', ['received']);
  }

  /** The receiving vendor no longer needs the dossier. */
  async withdraw(vendorId: string, transferId: string): Promise<TransferView> {
    return this.act(vendorId, transferId, 'target', 'withdraw', 'target_vendor', ['withdrawn']);
  }

  private act(
    vendorId: string,
    transferId: string,
    side: TransferRole,
    event: TransferEvent,
    actor: TransferActor,
    alreadyDone: TransferState[],
  ): Promise<TransferView> {
    return refuseWhenBusy(() => this.takeStep(vendorId, transferId, side, event, actor, alreadyDone));
  }

  private async takeStep(
    vendorId: string,
    transferId: string,
    side: TransferRole,
    event: TransferEvent,
    actor: TransferActor,
    alreadyDone: TransferState[],
  ): Promise<TransferView> {
    const { roles } = await this.visibleTransfer(vendorId, transferId, side);
    const transfer = await this.inTransaction(async (manager) => {
      const locked = await manager
        .getRepository(TransferEntity)
        .findOneOrFail({ where: { id: transferId }, lock: { mode: 'pessimistic_write' } });
      if (!alreadyDone.includes(locked.state)) {
        await this.transition(manager, locked, event, actor, vendorId, null, this.clock());
      }
      return locked;
    });
    return this.describe(transfer, roles);
  }

  /** Points the transfer at a version and lets the release gate take its first look. */
  private async serveVersion(
    manager: EntityManager,
    transfer: TransferEntity,
    version: DossierVersionEntity,
    actor: TransferActor,
    actorVendorId: string | null,
    now: Date,
  ): Promise<void> {
    transfer.currentVersionId = version.id;
    await this.transition(manager, transfer, 'stage_version', actor, actorVendorId, version.id, now);
    // The release gate (next issue) decides here between waiting, blocking and releasing. Until it
    // exists, every staged dossier waits for the evidence the law asks for.
    await this.transition(manager, transfer, 'await_evidence', 'broker', null, version.id, now);
  }

  private async transition(
    manager: EntityManager,
    transfer: TransferEntity,
    event: TransferEvent,
    actor: TransferActor,
    actorVendorId: string | null,
    versionId: string | null,
    now: Date,
  ): Promise<void> {
    const result = nextState(transfer.state, event, actor);
    if (!result.ok) {
      throw new TransferError(
        result.refusal,
        'conflict',
        `Cannot ${event.replace(/_/g, ' ')} a transfer that is ${transfer.state}.`,
      );
    }
    const from = transfer.state;
    transfer.state = result.state;
    transfer.updatedAt = now;
    await manager.getRepository(TransferEntity).save(transfer);
    await record(manager, transfer, event, from, actor, actorVendorId, versionId, now);
  }

  /** A transaction that waits for a lock at most LOCK_WAIT_MS (see `refuseWhenBusy` for the answer). */
  private inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = ${LOCK_WAIT_MS}`);
      return work(manager);
    });
  }

  private misfit(version: DossierVersionEntity, source: SchoolEntity, target: SchoolEntity): string | null {
    return profileMisfit(
      { profile: version.profile, overdrachtsoort: version.overdrachtsoort },
      source,
      target,
    );
  }

  private async describe(transfer: TransferEntity, roles: TransferRole[]): Promise<TransferView> {
    const history = await this.dataSource
      .getRepository(TransferHistoryEntity)
      .find({ where: { transferId: transfer.id }, order: { id: 'ASC' } });
    return (await this.describeAll([transfer], roles, history))[0];
  }

  /** Views of several transfers with their schools and versions loaded in one query each, not per transfer. */
  private async describeAll(
    transfers: TransferEntity[],
    roles: TransferRole[],
    history: TransferHistoryEntity[] | null = null,
  ): Promise<TransferView[]> {
    if (transfers.length === 0) return [];
    const schoolIds = [
      ...new Set(transfers.flatMap((transfer) => [transfer.targetSchoolId, transfer.sourceSchoolId])),
    ];
    const versionIds = transfers.flatMap((transfer) =>
      transfer.currentVersionId ? [transfer.currentVersionId] : [],
    );
    const [schools, versions] = await Promise.all([
      this.dataSource.getRepository(SchoolEntity).findBy({ id: In(schoolIds) }),
      versionIds.length > 0
        ? this.dataSource.getRepository(DossierVersionEntity).findBy({ id: In(versionIds) })
        : Promise.resolve([]),
    ]);
    const school = new Map(schools.map((entry) => [entry.id, entry]));
    const version = new Map(versions.map((entry) => [entry.id, entry]));
    return transfers.map((transfer) =>
      toTransferView(transfer, {
        roles,
        target: school.get(transfer.targetSchoolId)!,
        source: school.get(transfer.sourceSchoolId)!,
        version: transfer.currentVersionId ? (version.get(transfer.currentVersionId) ?? null) : null,
        history,
      }),
    );
  }

  /** The transfer if the vendor holds a mandate for one of its schools on the asked side; else "not found". */
  private async visibleTransfer(
    vendorId: string,
    transferId: string,
    side?: TransferRole,
  ): Promise<{ transfer: TransferEntity; roles: TransferRole[] }> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(transferId))
      throw transferNotFound();
    const transfer = await this.dataSource.getRepository(TransferEntity).findOneBy({ id: transferId });
    if (!transfer) throw transferNotFound();
    const now = this.clock();
    const roles: TransferRole[] = [];
    for (const role of ['target', 'source'] as const) {
      const schoolId = role === 'target' ? transfer.targetSchoolId : transfer.sourceSchoolId;
      const schools = await this.registry.schoolsActingFor(vendorId, role, now);
      if (schools.some((school) => school.id === schoolId)) roles.push(role);
    }
    if (roles.length === 0) throw transferNotFound();
    if (side && !roles.includes(side)) {
      throw new TransferError(
        'ROLE_NOT_ALLOWED',
        'forbidden',
        side === 'target'
          ? 'Only the receiving school’s vendor may do this.'
          : 'Only the sending school’s vendor may do this.',
      );
    }
    return { transfer, roles };
  }

  private async school(code: string, field: string): Promise<SchoolEntity> {
    try {
      parseSchoolCode(code);
      return await this.registry.findSchool(code);
    } catch (error) {
      if (error instanceof RegistryError && error.code === 'UNKNOWN_SCHOOL') {
        throw new TransferError('UNKNOWN_SCHOOL', 'unprocessable', `${field}: ${error.message}.`);
      }
      if (
        error instanceof RegistryError ||
        (error instanceof Error && error.name === 'InvalidSchoolCodeError')
      ) {
        throw new TransferError('SCHOOL_CODE_INVALID', 'invalid', `${field}: ${error.message}`);
      }
      throw error;
    }
  }

  private async requireMandate(vendorId: string, school: SchoolEntity, side: TransferRole): Promise<void> {
    const schools = await this.registry.schoolsActingFor(vendorId, side, this.clock());
    if (schools.some((candidate) => candidate.id === school.id)) return;
    throw new TransferError(
      'SCHOOL_NOT_MANDATED',
      'forbidden',
      `School ${formatSchoolCode(school)} has not mandated you to act as its ${side === 'target' ? 'receiving' : 'sending'} side.`,
    );
  }
}

/** Binds a ciphertext to its row: a payload moved to another version does not decrypt. */
export function versionContext(versionId: string): string {
  return `oso-dossier-version:${versionId}`;
}

export function sealedOf(version: DossierVersionEntity): SealedPayload {
  return {
    ciphertext: version.ciphertext!,
    iv: version.iv!,
    tag: version.authTag!,
    wrappedKey: version.wrappedKey,
    wrapIv: version.wrapIv!,
    wrapTag: version.wrapTag!,
    kekId: version.kekId!,
  };
}

/** Serialises staging and requests for one pupil at one school, so versions and matches never race. */
async function lockLine(manager: EntityManager, sourceSchoolId: string, pupilKeyHash: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
    `transfer-line:${sourceSchoolId}:${pupilKeyHash}`,
  ]);
}

async function record(
  manager: EntityManager,
  transfer: TransferEntity,
  event: TransferEvent | 'request',
  fromState: TransferState | null,
  actor: TransferActor,
  actorVendorId: string | null,
  versionId: string | null,
  at: Date,
): Promise<void> {
  const history = manager.getRepository(TransferHistoryEntity);
  await history.insert(
    history.create({
      transferId: transfer.id,
      event,
      fromState,
      toState: transfer.state,
      actor,
      actorVendorId,
      versionId,
      at,
    }),
  );
}
