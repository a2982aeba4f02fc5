import { generateDossier } from '@app/oso-dataset';
import { RELEASE_QUEUE, bullConnectionOptions } from '@app/queues';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RegistryBoardInstructions } from '@app/registry';
import { osoProgram } from '../../../cli/src/oso-program';
import { readReleaseWorkerConfig } from '../../../release-worker/src/release-worker.config';
import { ReleaseWorkerModule } from '../../../release-worker/src/release-worker.module';
import { ReleaseRelay } from '../../../release-worker/src/release/release-relay';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { osoInProcess } from '../../../../test/support/oso-in-process';
import { releasesOf, transferState } from '../../../../test/support/release-steps';
import { TEST_BOARD } from '../../../../test/support/school-boards';

/**
 * A school board's instructions (issue #11) over the real broker, PostgreSQL, Redis and release worker:
 * the vendor acting for the whole board records the board's release policy, and the release gate (on the
 * request path and again in the worker) decides under it. Releases are counted from the exchange log.
 */
const BOARD = '41001';
const INZAGE_DAY = '2026-10-01';
const DOSSIER_DAY = '2026-10-15';
const SENDER = { brin: '05GH', vestiging: '00' };

let seed = 4100;

describe('a school board’s instructions: release policy and retention term', () => {
  let exchange: Exchange<'board' | 'partial' | 'vo' | 'auditor'>;
  let worker: INestApplicationContext;
  let relay: ReleaseRelay;
  let queue: Queue;
  const prefix = `${process.env.REDIS_PREFIX ?? 'oso-test'}-boards-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'board_instructions',
      schools: [
        { code: '05GH00', name: 'Het Lyceum', sector: 'VO', board: BOARD },
        { code: '06KL00', name: 'Het Gymnasium', sector: 'VO', board: BOARD },
        { code: '01XZ00', name: 'Het College', sector: 'VO', board: TEST_BOARD },
      ],
      vendors: {
        // Sends for every school of the board: it acts for the board.
        board: { id: 'board-las', sends: ['05GH00', '06KL00'] },
        // Sends for one school of the board only.
        partial: { id: 'partial-las', sends: ['05GH00'] },
        vo: { id: 'vo-las', receives: ['01XZ00'] },
      },
      auditors: { auditor: { name: 'inspectie', supervisory: true } },
    });
    const config = readReleaseWorkerConfig({
      ...process.env,
      DATABASE_URL: exchange.databaseUrl,
      REDIS_PREFIX: prefix,
      RELEASE_RELAY_EVERY_MS: String(3_600_000),
      RELEASE_RELAY_WAKE_ON_COMMIT: 'off', // the relay is driven by hand here
    });
    worker = await NestFactory.createApplicationContext(ReleaseWorkerModule.forRoot(config), {
      logger: ['error'],
    });
    await worker.init();
    relay = worker.get(ReleaseRelay);
    queue = new Queue(RELEASE_QUEUE, { connection: bullConnectionOptions(config.redis), prefix });
  });

  afterAll(async () => {
    await queue?.close();
    await worker?.close();
    await exchange?.close();
  });

  /** A VO→VO transfer from 05GH00 to 01XZ00 with a staged dossier (toestemming Ja in its inzage block). */
  async function stagedVoTransfer(): Promise<{ id: string; versionHash: string }> {
    seed += 1;
    const bsn = generateDossier({ profile: 'VOVO', seed, school: SENDER }).pupil.bsn as string;
    const pupil = { bsn, geboortedatum: '2012-04-04' };
    const { xml } = generateDossier({
      profile: 'VOVO',
      seed,
      school: SENDER,
      pupil,
      date: DOSSIER_DAY,
      inzage: { datum: INZAGE_DAY, toestemming: 'Ja' },
    });
    const { vo, board } = exchange.clients;
    const requested = await vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '05GH00',
      pupil,
    });
    expect(requested.status).toBe(201);
    const id = requested.body.id as string;
    const staged = await board.put(`/v1/transfers/${id}/dossier`, Buffer.from(xml, 'utf8'));
    expect(staged.status).toBe(201);
    return { id, versionHash: (staged.body.version as { canonicalSha256: string }).canonicalSha256 };
  }

  const inzage = (versionHash: string) => ({
    kind: 'inzage',
    versionHash,
    receivingSchool: '01XZ00',
    date: INZAGE_DAY,
    givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
    how: 'letter',
  });

  async function releasedByWorker(id: string): Promise<void> {
    expect(await relay.relay()).toBeGreaterThanOrEqual(1);
    for (let waited = 0; waited < 30_000; waited += 100) {
      if ((await transferState(exchange.database, id)) === 'released') return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the worker did not release the transfer in 30 s');
  }

  const gateEntries = async (id: string) =>
    (
      await exchange.database.query<{ details: Record<string, unknown> }>(
        `SELECT details FROM exchange_log_entries WHERE event_type = 'gate_decided' AND transfer_id = $1 ORDER BY id`,
        [id],
      )
    ).rows.map(({ details }) => ({ outcome: details.outcome, policy: details.policy }));

  const instructionRows = async () =>
    Number(
      (await exchange.database.query<{ n: string }>('SELECT count(*) AS n FROM board_instructions')).rows[0]
        .n,
    );

  it('waits on inzage alone under the default policy, and releases once the board chose art. 103b WVO', async () => {
    const { board, vo } = exchange.clients;
    const { id, versionHash } = await stagedVoTransfer();
    const waiting = await board.post(`/v1/transfers/${id}/evidence`, inzage(versionHash));
    expect(waiting.status).toBe(201);
    expect(waiting.body.transferState).toBe('awaiting_evidence');
    expect(waiting.body.decision).toMatchObject({
      outcome: 'wait',
      policy: { id: 'consent-for-vo', version: 1 },
    });

    const chosen = await board.send('PUT', `/v1/boards/${BOARD}/release-policy`, {
      policy: 'wvo-art-103b',
      version: 1,
      decidedOn: '2026-09-01',
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({
      bevoegdGezag: BOARD,
      kind: 'release_policy',
      policy: { id: 'wvo-art-103b', version: 1 },
      decidedOn: '2026-09-01',
      recordedBy: 'board-las',
    });

    // Recording it asked the gate again for the board's waiting transfers: this one moved by itself.
    expect(chosen.body.transfersMoved).toBe(1);
    expect(await transferState(exchange.database, id)).toBe('release_queued');
    const look = await board.get(`/v1/transfers/${id}/evidence`);
    expect(look.body.decision).toMatchObject({
      outcome: 'release',
      policy: { id: 'wvo-art-103b', version: 1 },
    });
    // The worker asks again, under the policy in effect then, and releases once.
    await releasedByWorker(id);
    expect(await releasesOf(exchange.database, id)).toBe(1);
    expect(await gateEntries(id)).toEqual([
      { outcome: 'wait', policy: 'consent-for-vo' },
      { outcome: 'release', policy: 'wvo-art-103b' },
      { outcome: 'release', policy: 'wvo-art-103b' },
    ]);
    // New evidence under the board's policy: inzage alone releases at once.
    const next = await stagedVoTransfer();
    const recorded = await board.post(`/v1/transfers/${next.id}/evidence`, inzage(next.versionHash));
    expect(recorded.body.transferState).toBe('release_queued');
    expect(recorded.body.decision).toMatchObject({ policy: { id: 'wvo-art-103b', version: 1 } });
    await releasedByWorker(next.id);
    expect(await releasesOf(exchange.database, next.id)).toBe(1);
    expect((await vo.get(`/v1/transfers/${id}/dossier`)).status).toBe(200);
  });

  it('logs each instruction as board_instruction_recorded, by the vendor with its certificate, without dates', async () => {
    const { board } = exchange.clients;
    const recorded = await board.send('PUT', `/v1/boards/${BOARD}/metadata-retention`, {
      afterReleaseMonths: 18,
      specialEducationMonths: 48,
      decidedOn: '2026-09-02',
    });
    expect(recorded.status).toBe(200);
    const { rows } = await exchange.database.query<{
      actor_kind: string;
      actor_id: string;
      details: Record<string, unknown>;
    }>(
      `SELECT actor_kind, actor_id, details FROM exchange_log_entries
        WHERE event_type = 'board_instruction_recorded' AND details->>'instructionId' = $1`,
      [recorded.body.id],
    );
    expect(rows).toEqual([
      {
        actor_kind: 'vendor',
        actor_id: 'board-las',
        details: {
          instructionId: recorded.body.id,
          bevoegdGezag: BOARD,
          kind: 'metadata_retention',
          afterReleaseMonths: 18,
          specialEducationMonths: 48,
        },
      },
    ]);
    const history = await board.get(`/v1/boards/${BOARD}/instructions`);
    expect(history.status).toBe(200);
    expect(
      (history.body.instructions as Array<{ kind: string; decidedOn: string }>).map(({ kind, decidedOn }) => [
        kind,
        decidedOn,
      ]),
    ).toEqual([
      ['release_policy', '2026-09-01'],
      ['metadata_retention', '2026-09-02'],
    ]);
  });

  it('answers through BoardInstructions with the board’s terms in effect, and the defaults for another board', async () => {
    const boards = new RegistryBoardInstructions(worker.get(DataSource));
    const schoolId = async (code: string) =>
      (
        await exchange.database.query<{ id: string }>(
          'SELECT id FROM schools WHERE brin = $1 AND vestiging = $2',
          [code.slice(0, 4), code.slice(4)],
        )
      ).rows[0].id;
    const [gymnasium, college] = [await schoolId('06KL00'), await schoolId('01XZ00')];
    const now = new Date();
    // Every school of the board, also one without transfers yet.
    expect(await boards.releasePolicyFor(gymnasium, now)).toEqual({ id: 'wvo-art-103b', version: 1 });
    expect(await boards.metadataRetentionFor(gymnasium, now)).toEqual({
      afterReleaseMonths: 18,
      specialEducationMonths: 48,
    });
    expect(await boards.releasePolicyFor(college, now)).toEqual({ id: 'consent-for-vo', version: 1 });
    expect(await boards.metadataRetentionFor(college, now)).toEqual({
      afterReleaseMonths: 24,
      specialEducationMonths: 36,
    });
    // A decision dated ahead is recorded, but holds only from its day.
    const ahead = await exchange.clients.board.send('PUT', `/v1/boards/${BOARD}/release-policy`, {
      policy: 'consent-for-vo',
      version: 1,
      decidedOn: '2099-01-01',
    });
    expect(ahead.status).toBe(200);
    expect(await boards.releasePolicyFor(gymnasium, now)).toEqual({ id: 'wvo-art-103b', version: 1 });
    expect(await boards.releasePolicyFor(gymnasium, new Date('2099-01-01T12:00:00Z'))).toEqual({
      id: 'consent-for-vo',
      version: 1,
    });
  });

  it('refuses a vendor without a sending mandate from every school of the board', async () => {
    const before = await instructionRows();
    const refused = await exchange.clients.partial.send('PUT', `/v1/boards/${BOARD}/release-policy`, {
      policy: 'consent-for-vo',
      version: 1,
      decidedOn: '2026-09-03',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('BOARD_NOT_MANDATED');
    expect(refused.body.message).toContain('06KL00');
    // A receiving vendor of another board's school cannot even read the board's instructions.
    const read = await exchange.clients.vo.get(`/v1/boards/${BOARD}/instructions`);
    expect([read.status, read.body.error]).toEqual([403, 'BOARD_NOT_MANDATED']);
    expect(await instructionRows()).toBe(before);
  });

  it('refuses a board with no registered school', async () => {
    const refused = await exchange.clients.board.send('PUT', '/v1/boards/49999/release-policy', {
      policy: 'wvo-art-103b',
      version: 1,
      decidedOn: '2026-09-03',
    });
    expect([refused.status, refused.body.error]).toEqual([404, 'BOARD_NOT_FOUND']);
  });

  it('refuses an unknown policy or version', async () => {
    const refused = await exchange.clients.board.send('PUT', `/v1/boards/${BOARD}/release-policy`, {
      policy: 'wvo-art-103b',
      version: 2,
      decidedOn: '2026-09-03',
    });
    expect([refused.status, refused.body.error]).toEqual([422, 'RELEASE_POLICY_UNKNOWN']);
  });

  it('refuses a retention term outside the bounds', async () => {
    const refused = await exchange.clients.board.send('PUT', `/v1/boards/${BOARD}/metadata-retention`, {
      afterReleaseMonths: 1,
      specialEducationMonths: 36,
      decidedOn: '2026-09-03',
    });
    expect([refused.status, refused.body.error]).toEqual([422, 'RETENTION_TERM_OUT_OF_RANGE']);
    expect(refused.body.message).toContain('afterReleaseMonths');
  });

  it('refuses an impossible decision date, an unknown field and a malformed board number', async () => {
    const { board } = exchange.clients;
    const badDate = await board.send('PUT', `/v1/boards/${BOARD}/release-policy`, {
      policy: 'wvo-art-103b',
      version: 1,
      decidedOn: '2026-02-30',
    });
    expect([badDate.status, badDate.body.error]).toEqual([400, 'BOARD_INSTRUCTION_INVALID']);
    const extra = await board.send('PUT', `/v1/boards/${BOARD}/metadata-retention`, {
      afterReleaseMonths: 24,
      specialEducationMonths: 36,
      decidedOn: '2026-09-03',
      operator: true,
    });
    expect([extra.status, extra.body.error]).toEqual([400, 'BOARD_INSTRUCTION_INVALID']);
    const badBoard = await board.get('/v1/boards/00000/instructions');
    expect([badBoard.status, badBoard.body.error]).toEqual([400, 'BOARD_INSTRUCTION_INVALID']);
  });

  it('refuses auditors: only vendors act for boards', async () => {
    const refused = await exchange.clients.auditor.send('PUT', `/v1/boards/${BOARD}/release-policy`, {
      policy: 'wvo-art-103b',
      version: 1,
      decidedOn: '2026-09-03',
    });
    expect([refused.status, refused.body.error]).toEqual([403, 'VENDOR_ONLY']);
  });

  it('gives the operator no command that records a board instruction; `oso registry list` only shows them', async () => {
    const names = (command: Command, path: string[] = []): string[] =>
      command.commands.flatMap((sub) => [
        [...path, sub.name()].join(' '),
        ...names(sub, [...path, sub.name()]),
      ]);
    const all = names(osoProgram());
    expect(all).toEqual(expect.arrayContaining(['registry', 'registry add-school', 'registry list']));
    expect(all.filter((name) => /polic|retention|board|instruction/i.test(name))).toEqual([]);
    const listed = await osoInProcess(['registry', 'list'], {
      DATABASE_URL: exchange.databaseUrl,
      PKI_DIR: exchange.pki.dir,
    });
    expect(listed.code).toBe(0);
    const table = listed.stdout.join('\n');
    expect(table).toContain('Board instructions');
    expect(table).toMatch(/41001\s+release_policy\s+wvo-art-103b v1\s+2026-09-01\s+board-las/);
    expect(table).toMatch(/41001\s+metadata_retention\s+18 \/ 48 months\s+2026-09-02\s+board-las/);
  });

  // Last: it changes the policy in effect for the board.
  it('sends a queued release back to wait when the board returns to consent, and the worker then releases nothing', async () => {
    const { board } = exchange.clients;
    const { id, versionHash } = await stagedVoTransfer();
    const queued = await board.post(`/v1/transfers/${id}/evidence`, inzage(versionHash));
    expect(queued.body.transferState).toBe('release_queued');
    const back = await board.send('PUT', `/v1/boards/${BOARD}/release-policy`, {
      policy: 'consent-for-vo',
      version: 1,
      decidedOn: '2026-09-05',
    });
    expect([back.status, back.body.transfersMoved]).toEqual([200, 1]);
    expect(await transferState(exchange.database, id)).toBe('awaiting_evidence');
    expect((await gateEntries(id)).at(-1)).toEqual({ outcome: 'wait', policy: 'consent-for-vo' });
    // Its outbox row still becomes a job; the worker finds the transfer no longer queued.
    expect(await relay.relay()).toBeGreaterThanOrEqual(1);
    for (let waited = 0; waited < 30_000; waited += 100) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await transferState(exchange.database, id)).toBe('awaiting_evidence');
    expect(await releasesOf(exchange.database, id)).toBe(0);
  });
});
