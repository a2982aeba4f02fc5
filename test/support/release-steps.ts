import { generateDossier } from '@app/oso-dataset';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { releaseQueuedTransfer } from '@app/transfers';
import { DossierVault } from '@app/vault';
import { DataSource } from 'typeorm';
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import type { Exchange } from './exchange-fixture';

/**
 * The steps the release-path tests share, on the default two-school exchange (`startExchange`): a PO
 * dossier staged for a new request, its inzage recorded, and what the database and the log then say.
 */
export const INZAGE_DAY = '2026-10-01';
export const DOSSIER_DAY = '2026-10-15';

export interface StagedVersion {
  id: string;
  versionHash: string;
  /** SHA-256 of the bytes staged, to compare with what the receiver fetches. */
  sha256: string;
}

/** A PO dossier (from `seed`) staged by po-las for a new request of vo-las from 01XZ00. */
export async function stagePoDossier(exchange: Exchange, seed: number): Promise<StagedVersion> {
  const school = { brin: '00YY', vestiging: '00' };
  const bsn = generateDossier({ profile: 'POVO', seed, school }).pupil.bsn as string;
  const pupil = { bsn, geboortedatum: '2014-04-04' };
  const { xml } = generateDossier({
    profile: 'POVO',
    seed,
    school,
    pupil,
    date: DOSSIER_DAY,
    inzage: { datum: INZAGE_DAY },
  });
  const bytes = Buffer.from(xml, 'utf8');
  const { po, vo } = exchange.clients;
  const requested = await vo.post('/v1/transfers', { targetSchool: '01XZ00', sourceSchool: '00YY00', pupil });
  expect(requested.status).toBe(201);
  const id = requested.body.id as string;
  const put = await po.put(`/v1/transfers/${id}/dossier`, bytes);
  expect(put.status).toBe(201);
  const versionHash = (put.body.version as { canonicalSha256: string }).canonicalSha256;
  return { id, versionHash, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The sender records inzage by letter: the gate says release, an outbox row waits for the relay. */
export async function recordInzageByLetter(
  exchange: Exchange,
  { id, versionHash }: Pick<StagedVersion, 'id' | 'versionHash'>,
  remarks?: string,
): Promise<void> {
  const answer = await exchange.clients.po.post(`/v1/transfers/${id}/evidence`, {
    kind: 'inzage',
    versionHash,
    receivingSchool: '01XZ00',
    date: INZAGE_DAY,
    givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
    how: 'letter',
    ...(remarks === undefined ? {} : { remarks }),
  });
  expect(answer.status).toBe(201);
  expect(answer.body.transferState).toBe('release_queued');
}

export async function transferState(database: Client, id: string): Promise<string> {
  return (await database.query<{ state: string }>('SELECT state FROM transfers WHERE id = $1', [id])).rows[0]
    .state;
}

/** Releases of a transfer, counted from the exchange log. */
export async function releasesOf(database: Client, id: string): Promise<number> {
  const { rows } = await database.query<{ n: string }>(
    `SELECT count(*) AS n FROM exchange_log_entries
      WHERE event_type = 'state_changed' AND details->>'to' = 'released' AND transfer_id = $1`,
    [id],
  );
  return Number(rows[0].n);
}

/**
 * The release worker's step (`releaseQueuedTransfer`, what its queue jobs run) for each outbox row of the
 * transfer, in the broker's process and as its runtime role; answers what each did.
 */
export async function releaseFromOutbox(exchange: Exchange, id: string): Promise<string[]> {
  const { rows } = await exchange.database.query<{ version_hash: string }>(
    'SELECT version_hash FROM release_outbox WHERE transfer_id = $1 ORDER BY id',
    [id],
  );
  const dataSource = exchange.broker.app.get(DataSource);
  const vault = exchange.broker.app.get(DossierVault);
  const outcomes: string[] = [];
  for (const row of rows) {
    const job = { transferId: id, versionHash: row.version_hash };
    outcomes.push(await releaseQueuedTransfer(dataSource, vault, TRANSFER_LOG_RECORDER, job, new Date()));
  }
  return outcomes;
}
