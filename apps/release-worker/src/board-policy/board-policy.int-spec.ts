import { generateDossier } from '@app/oso-dataset';
import { dutchDateOf } from '@app/release-gate';
import type { INestApplicationContext } from '@nestjs/common';
import { Exchange, startExchange } from '../../../../test/support/exchange-fixture';
import { startReleaseWorker } from '../../../../test/support/release-worker-fixture';
import { transferState } from '../../../../test/support/release-steps';
import { TEST_BOARD } from '../../../../test/support/school-boards';
import { BoardPolicySweep } from './board-policy.sweep';

/**
 * A board's release policy dated ahead (#11) on the real broker, PostgreSQL and the release worker's real
 * module: recording it moves nothing today; the worker's sweep on its day (a clock `now` standing for
 * tomorrow) asks the gate again and moves the waiting transfer, once.
 */
const BOARD = '41101';
const INZAGE_DAY = '2026-10-01';
const SENDER = { brin: '05GH', vestiging: '00' };

/** The Dutch calendar day after today, and an instant in it (10:00 UTC is 11:00 or 12:00 there). */
function tomorrow(): { day: string; at: Date } {
  const [year, month, date] = dutchDateOf(new Date()).split('-').map(Number);
  const day = new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
  return { day, at: new Date(`${day}T10:00:00Z`) };
}

describe('a board’s release policy dated ahead takes effect on its day', () => {
  let exchange: Exchange<'board' | 'vo'>;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'board_policy_sweep',
      schools: [
        { code: '05GH00', name: 'Het Lyceum', sector: 'VO', board: BOARD },
        { code: '01XZ00', name: 'Het College', sector: 'VO', board: TEST_BOARD },
      ],
      vendors: {
        board: { id: 'board-las', sends: ['05GH00'] },
        vo: { id: 'vo-las', receives: ['01XZ00'] },
      },
    });
    worker = await startReleaseWorker(exchange.databaseUrl);
  });

  afterAll(async () => {
    await worker?.close();
    await exchange?.close();
  });

  const gateEntries = async (id: string) =>
    (
      await exchange.database.query<{ details: Record<string, unknown> }>(
        `SELECT details FROM exchange_log_entries WHERE event_type = 'gate_decided' AND transfer_id = $1 ORDER BY id`,
        [id],
      )
    ).rows.map(({ details }) => ({ outcome: details.outcome, policy: details.policy }));

  it('leaves a VO→VO transfer with inzage only waiting until the day, then the sweep moves it once', async () => {
    const { board, vo } = exchange.clients;
    const bsn = generateDossier({ profile: 'VOVO', seed: 4110, school: SENDER }).pupil.bsn as string;
    const pupil = { bsn, geboortedatum: '2012-04-04' };
    const { xml } = generateDossier({
      profile: 'VOVO',
      seed: 4110,
      school: SENDER,
      pupil,
      date: '2026-10-15',
      inzage: { datum: INZAGE_DAY, toestemming: 'Ja' },
    });
    const requested = await vo.post('/v1/transfers', {
      targetSchool: '01XZ00',
      sourceSchool: '05GH00',
      pupil,
    });
    expect(requested.status).toBe(201);
    const id = requested.body.id as string;
    const staged = await board.put(`/v1/transfers/${id}/dossier`, Buffer.from(xml, 'utf8'));
    expect(staged.status).toBe(201);
    const versionHash = (staged.body.version as { canonicalSha256: string }).canonicalSha256;
    const waiting = await board.post(`/v1/transfers/${id}/evidence`, {
      kind: 'inzage',
      versionHash,
      receivingSchool: '01XZ00',
      date: INZAGE_DAY,
      givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
      how: 'letter',
    });
    expect(waiting.body.transferState).toBe('awaiting_evidence');

    const next = tomorrow();
    const chosen = await board.send('PUT', `/v1/boards/${BOARD}/release-policy`, {
      policy: 'wvo-art-103b',
      version: 1,
      decidedOn: next.day,
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body.transfersMoved).toBe(0);
    expect(await transferState(exchange.database, id)).toBe('awaiting_evidence');

    const sweep = worker.get(BoardPolicySweep);
    // Today the decision has not come: the sweep finds no board and moves nothing.
    expect(await sweep.sweep(new Date())).toEqual({ boards: 0, moved: 0 });
    expect(await transferState(exchange.database, id)).toBe('awaiting_evidence');

    // On its day the worker asks the gate again, under the board's policy now in effect.
    expect(await sweep.sweep(next.at)).toEqual({ boards: 1, moved: 1 });
    expect(await transferState(exchange.database, id)).toBe('release_queued');
    expect(await gateEntries(id)).toEqual([
      { outcome: 'wait', policy: 'consent-for-vo' },
      { outcome: 'release', policy: 'wvo-art-103b' },
    ]);
    const outbox = await exchange.database.query(
      'SELECT count(*)::int AS n FROM release_outbox WHERE transfer_id = $1',
      [id],
    );
    expect(outbox.rows[0].n).toBe(1);

    // Again, the same day and the next: the answer is unchanged, nothing more is recorded.
    expect(await sweep.sweep(next.at)).toEqual({ boards: 1, moved: 0 });
    expect(await sweep.sweep(new Date(next.at.getTime() + 86_400_000))).toEqual({ boards: 1, moved: 0 });
    expect(await transferState(exchange.database, id)).toBe('release_queued');
    expect(await gateEntries(id)).toHaveLength(2);
  });
});
