import { EXCHANGE_LOG_TABLES, LogSequencer, generateLogSigningKey } from '@app/exchange-log';
import { DossierValidationPool, generateDossier } from '@app/oso-dataset';
import { RegistryService } from '@app/registry';
import {
  ActingVendor,
  NO_TRANSFER_EVENTS,
  StagingValidation,
  TransferEventRecorder,
  TransferService,
} from '@app/transfers';
import { DossierVault, readVaultConfig } from '@app/vault';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { msSince } from '@app/exchange-log/bench/bench-statistics';

/** The sending and receiving side, as the suites register them. */
const SOURCE = { school: '00YY00', brin: '00YY', vestiging: '00', vendor: 'po-las' } as const;
const TARGET = { school: '01XZ00', vendor: 'vo-las' } as const;

export type StagingRecorder = 'exchange log' | 'nothing';

export interface StagingRound {
  recorder: StagingRecorder;
  stagings: number;
  seconds: number;
  perSecond: number;
}

/** The dossiers staged: every one for its own pupil, otherwise generated alike. */
export interface StagingDossier {
  label: string;
  attachments: { count: number; bytesEach: number };
}

/** About the official POVO example (≈180 KB, most of it attachments): the suites' and bench:validate's. */
export const TYPICAL_DOSSIER: StagingDossier = {
  label: 'POVO dossier with 15 attachments of 8 KiB (≈180 KB, as bench:validate)',
  attachments: { count: 15, bytesEach: 8 * 1024 },
};
/** The smallest realistic dossier: validation is cheapest, so the database's share (the log's) is largest. */
export const SMALL_DOSSIER: StagingDossier = {
  label: 'POVO dossier with one attachment of 1 KiB (≈18 KB)',
  attachments: { count: 1, bytesEach: 1024 },
};

export interface StagingBenchmarkOptions {
  dossier: StagingDossier;
  /** Only the log's recorder, no sequencer: tells the append's cost from the integration's. */
  withoutSequencer?: boolean;
  /** Timed rounds per recorder; the two alternate (ABBA), after one untimed warm-up round of each. */
  rounds: number;
  stagingsPerRound: number;
  /** Stagings in flight at once, as from several vendor connections. */
  concurrency: number;
  progress: (line: string) => void;
}

/** A pupil with a request waiting for their dossier, and the dossier (generated, small, valid). */
interface PendingStaging {
  transferId: string;
  bytes: Buffer;
}

/** The bench's schools' board: any real-looking 5-digit DUO number. */
const BENCH_BOARD = '41998';
/** Vendors as the controller hands them on: the fingerprint is a stand-in certificate's (no TLS here). */
const SOURCE_VENDOR: ActingVendor = { id: SOURCE.vendor, certificateFingerprint: 'a'.repeat(64) };
const TARGET_VENDOR: ActingVendor = { id: TARGET.vendor, certificateFingerprint: 'b'.repeat(64) };

/**
 * Staging throughput with the exchange log's recorder (`TRANSFER_LOG_RECORDER`, the broker API's, with
 * the sequencer running beside it) against a recorder that records nothing (`NO_TRANSFER_EVENTS`), on
 * the same database, validation pool and vault. Each staging is the full use case for a waiting request:
 * strict validation on the worker threads, sealing, the version, the match and the state change — three
 * log entries with the log. Requests are made between the timed stagings, through the same service.
 */
export async function measureStagingWithAndWithoutLog(
  dataSource: DataSource,
  options: StagingBenchmarkOptions,
): Promise<StagingRound[]> {
  const registry = new RegistryService(dataSource);
  await registry.addSchool({
    code: SOURCE.school,
    name: 'Basisschool',
    sector: 'PO',
    bevoegdGezag: BENCH_BOARD,
  });
  await registry.addSchool({
    code: TARGET.school,
    name: 'Het College',
    sector: 'VO',
    bevoegdGezag: BENCH_BOARD,
  });
  await registry.addVendor({ id: SOURCE.vendor, name: 'PO LAS' });
  await registry.addVendor({ id: TARGET.vendor, name: 'VO LAS' });
  await registry.grantMandate({ schoolCode: SOURCE.school, vendorId: SOURCE.vendor, side: 'source' });
  await registry.grantMandate({ schoolCode: TARGET.school, vendorId: TARGET.vendor, side: 'target' });

  // Both threads for the one sending vendor, and room for every staging in flight to wait.
  const pool = new DossierValidationPool({
    settings: { threads: 2, runningPerTenant: 2, waitingPerTenant: options.concurrency },
  });
  const vault = new DossierVault(
    readVaultConfig({ VAULT_KEKS: `bench:${randomBytes(32).toString('base64')}`, VAULT_ACTIVE_KEK: 'bench' }),
  );
  const settings = { pupilKeySecret: randomBytes(32), requestLifetimeDays: 90 };
  const serviceWith = (recorder: TransferEventRecorder) =>
    new TransferService(dataSource, registry, new StagingValidation(pool), vault, settings, recorder);
  const services: Record<StagingRecorder, TransferService> = {
    'exchange log': serviceWith(TRANSFER_LOG_RECORDER),
    nothing: serviceWith(NO_TRANSFER_EVENTS),
  };
  const sequencer = new LogSequencer(dataSource, { signingKey: generateLogSigningKey('bench/staging') });
  if (!options.withoutSequencer) sequencer.start();

  let seed = 0;
  const usedPupils = new Set<string>();
  const prepare = async (service: TransferService): Promise<PendingStaging[]> => {
    const pending: PendingStaging[] = [];
    while (pending.length < options.stagingsPerRound) {
      seed += 1;
      const dossier = generateDossier({
        profile: 'POVO',
        seed,
        school: { brin: SOURCE.brin, vestiging: SOURCE.vestiging },
        attachments: options.dossier.attachments,
      });
      const pupil = { bsn: dossier.pupil.bsn as string, geboortedatum: dossier.pupil.geboortedatum };
      // Two seeds may draw the same pupil; a second open request for them would be refused.
      if (usedPupils.has(pupil.bsn)) continue;
      usedPupils.add(pupil.bsn);
      const { result: request } = await service.request(TARGET_VENDOR, {
        targetSchool: TARGET.school,
        sourceSchool: SOURCE.school,
        pupil,
      });
      pending.push({ transferId: request.id, bytes: Buffer.from(dossier.xml, 'utf8') });
    }
    return pending;
  };
  const round = async (recorder: StagingRecorder): Promise<StagingRound> => {
    const service = services[recorder];
    const pending = await prepare(service);
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const { transferId, bytes } = pending[next++];
        const { result } = await service.stage(SOURCE_VENDOR, bytes, transferId);
        if (!result.transfers.includes(transferId)) {
          throw new Error(`staging did not serve transfer ${transferId}`);
        }
      }
    };
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const seconds = msSince(start) / 1000;
    return { recorder, stagings: pending.length, seconds, perSecond: pending.length / seconds };
  };

  try {
    await round('exchange log');
    await round('nothing');
    options.progress('warm-up round of each done');
    const rounds: StagingRound[] = [];
    for (let i = 0; i < options.rounds; i += 1) {
      // ABBA: a drift over the run (the tables grow) weighs on both sides alike.
      const order: StagingRecorder[] =
        i % 2 === 0 ? ['exchange log', 'nothing'] : ['nothing', 'exchange log'];
      for (const recorder of order) {
        const measured = await round(recorder);
        rounds.push(measured);
        options.progress(
          `round ${i + 1}, recorder ${recorder}: ${measured.stagings} stagings in ` +
            `${measured.seconds.toFixed(2)} s = ${measured.perSecond.toFixed(1)}/s`,
        );
      }
    }
    await sequencer.integratePending();
    await expectLogged(dataSource, rounds);
    return rounds;
  } finally {
    await sequencer.stop();
    await pool.close();
  }
}

/**
 * The comparison only means something if the log really recorded: every staging with the log's recorder
 * (the warm-up's too) left its `version_staged` entry, and none of the others did.
 */
async function expectLogged(dataSource: DataSource, rounds: StagingRound[]): Promise<void> {
  const [{ n }] = await dataSource.query(
    `SELECT count(*) AS n FROM ${EXCHANGE_LOG_TABLES.entries} WHERE event_type = 'version_staged'`,
  );
  const perRound = rounds[0].stagings;
  const expected = perRound + rounds.filter((r) => r.recorder === 'exchange log').length * perRound;
  if (Number(n) !== expected) {
    throw new Error(`the log holds ${n} version_staged entries; ${expected} stagings went through it`);
  }
}
