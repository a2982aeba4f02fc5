import { SLOW_PROCESS_TEST_TIMEOUT_MS } from '../support/built-process';
import { invariantSummary, invariantsHold } from '../support/exchange-invariants';
import {
  FaultStack,
  ProbeAnswer,
  finishAndCheck,
  pause,
  probe,
  backendsInsideRelease,
  holdReleasesBeforeCommit,
  processOfBackend,
  recordDriven,
  releaseQueued,
  retriesOf,
  sequencerLeader,
  startFaultStack,
  startLoad,
  until,
} from './fault-harness';

/**
 * Faults on the real stack (issue #14, item 3): the built broker-api and two release workers under a
 * steady load of whole exchanges, while PostgreSQL "restarts" (every connection cut, new ones refused, all
 * through a proxy the test controls), Redis restarts empty (a redis-server of the test's own), a release
 * worker is killed with SIGKILL while releasing, and the exchange log's sequencer leader is killed. After
 * each: every accepted dossier intact, every eligible one released exactly once and none ungated (counted
 * from the exchange log), the log consistent with the signed checkpoint taken before the fault.
 * The worker kill in the middle of one release (between lock and commit, and after commit before the ack)
 * is release-worker-faults.e2e-spec.ts's; here it happens under load with a second worker running.
 */

/** How long the servers stay away: long enough for every process to notice, short for the suite. */
const OUTAGE_MS = 4_000;
const PUPILS = 12;
/** The load is under way: this many transfers exist before the fault strikes. */
const UNDER_WAY = 3;
/** The driver's retry of a transfer request whose first attempt committed but was answered 503. */
const LOST_COMMIT_RETRY = 'request: 409 TRANSFER_ALREADY_OPEN';

describe('faults under load: PostgreSQL and Redis restarts, killed workers and sequencer leader', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack();
  }, SLOW_PROCESS_TEST_TIMEOUT_MS);

  afterAll(async () => {
    await stack?.stop();
  }, SLOW_PROCESS_TEST_TIMEOUT_MS);

  /** Probes every 250 ms while `during` runs; every answer is kept. */
  async function probesDuring(during: () => Promise<void>): Promise<ProbeAnswer[]> {
    const answers: ProbeAnswer[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        answers.push(await probe(stack));
        await pause(250);
      }
    })();
    try {
      await during();
    } finally {
      probing = false;
      await prober;
    }
    return answers;
  }

  it(
    'PostgreSQL restarted under load: 503 with Retry-After meanwhile, recovery without restarting the broker',
    async () => {
      const apiPid = stack.pidOf('broker-api');
      const load = await startLoad(stack, PUPILS);
      await until('the load is under way', async () => (await load.transfersSoFar()) >= UNDER_WAY);
      const during = await probesDuring(async () => {
        stack.postgres.cut();
        stack.postgres.refuse();
        await pause(OUTAGE_MS);
      });
      stack.postgres.resume();
      const { outcome, invariants } = await finishAndCheck(stack, load, [LOST_COMMIT_RETRY]);

      expect(during.length).toBeGreaterThan(0);
      for (const answer of during) {
        expect(answer).toEqual({
          status: 503,
          retryAfter: expect.stringMatching(/^[1-9][0-9]*$/),
          error: expect.stringMatching(/^DATABASE_(UNAVAILABLE|BUSY)$/),
        });
      }
      // The vendors waited the outage out and every pupil went through, on the same processes — except
      // where a request's COMMIT reached PostgreSQL but its answer was cut: the broker answered 503, and
      // the driver's retry (without an Idempotency-Key) met the transfer it had made: 409 naming it. That
      // is the only failure allowed, and no pupil got a second transfer (one per pupil started).
      const { [LOST_COMMIT_RETRY]: answeredAlreadyOpen = 0, ...otherFailures } = Object.fromEntries(
        outcome.failures,
      );
      expect(otherFailures).toEqual({});
      expect(answeredAlreadyOpen).toBeLessThanOrEqual(PUPILS - UNDER_WAY);
      expect(await load.transfersSoFar()).toBe(outcome.started);
      expect(outcome.completed).toBe(outcome.eligible.size);
      expect(retriesOf(outcome)).toBeGreaterThan(0);
      expect(stack.broker.unexpectedExits()).toEqual([]);
      expect(stack.pidOf('broker-api')).toBe(apiPid);
      expect((await probe(stack)).status).toBe(200);
      expect(invariantSummary(invariants)).toEqual(invariantsHold(invariants));
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'Redis restarted empty under load: 503 REDIS_UNAVAILABLE meanwhile, then every eligible transfer released exactly once',
    async () => {
      const startsBefore = stack.redis.starts;
      const load = await startLoad(stack, PUPILS);
      await until('the load is under way', async () => (await load.transfersSoFar()) >= UNDER_WAY);
      // Releases pile up before their commit, so jobs wait in Redis (more queued than being released)
      // when it dies: only PostgreSQL still knows them afterwards.
      const held = await holdReleasesBeforeCommit(stack);
      let queuedAtKill = 0;
      let insideAtKill = 0;
      try {
        await until('release jobs wait in Redis', async () => {
          queuedAtKill = await releaseQueued(stack);
          insideAtKill = (await backendsInsideRelease(stack)).length;
          return queuedAtKill > insideAtKill;
        });
      } catch (error) {
        await held.release();
        throw error;
      }
      const during = await probesDuring(async () => {
        await stack.redis.kill();
        await held.release();
        await pause(OUTAGE_MS);
      });
      await stack.redis.startAgain();
      expect(queuedAtKill).toBeGreaterThan(insideAtKill);
      const { outcome, invariants } = await finishAndCheck(stack, load);

      expect(stack.redis.starts).toBe(startsBefore + 1);
      expect(during.length).toBeGreaterThan(0);
      for (const answer of during) {
        expect(answer).toEqual({
          status: 503,
          retryAfter: expect.stringMatching(/^[1-9][0-9]*$/),
          error: 'REDIS_UNAVAILABLE',
        });
      }
      expect(outcome.failures).toEqual(new Map());
      expect(outcome.completed).toBe(outcome.eligible.size);
      expect(stack.broker.unexpectedExits()).toEqual([]);
      expect(invariantSummary(invariants)).toEqual(invariantsHold(invariants));
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'a release worker killed while releasing, another running: it finishes, each released exactly once',
    async () => {
      const workerNames = ['release-worker', 'release-worker@2'];
      const workers = workerNames.map((name) => stack.pidOf(name));
      const load = await startLoad(stack, PUPILS);
      await until('the load is under way', async () => (await load.transfersSoFar()) >= UNDER_WAY);
      // Releases wait before their commit while the API goes on; the worker found waiting there dies.
      const held = await holdReleasesBeforeCommit(stack);
      let killed: number | undefined;
      try {
        await until('a worker waits inside its release transaction', async () => {
          for (const backend of await backendsInsideRelease(stack)) {
            killed = await processOfBackend(stack, backend, workers);
            if (killed !== undefined) return true;
          }
          return false;
        });
        process.kill(killed as number, 'SIGKILL');
      } finally {
        await held.release();
      }
      const { outcome, invariants } = await finishAndCheck(stack, load);

      expect(workers).toContain(killed);
      // Exactly the worker killed, by its name (either may be the one found inside its release).
      const killedName = workerNames[workers.indexOf(killed as number)];
      expect(stack.broker.unexpectedExits()).toEqual([
        expect.stringMatching(new RegExp(`^${killedName} stopped \\(SIGKILL\\)`)),
      ]);
      expect(outcome.failures).toEqual(new Map());
      expect(outcome.completed).toBe(outcome.eligible.size);
      expect(invariantSummary(invariants)).toEqual(invariantsHold(invariants));
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'the log sequencer’s leader killed: another broker-api takes over, the log stays consistent',
    async () => {
      const standby = await stack.broker.startAnother('broker-api');
      const apis = [stack.pidOf('broker-api'), standby.pid];
      // One leader among the two, named by its lease connection, while entries arrive.
      const warmUp = await startLoad(stack, 4);
      let leader: number | undefined;
      await until('a sequencer leader is seen', async () => {
        leader = await sequencerLeader(stack, apis);
        return leader !== undefined;
      });
      const warmedUp = recordDriven(stack, await warmUp.finished);
      expect(warmedUp.failures).toEqual(new Map());
      const survivor = leader === standby.pid ? stack.broker.baseUrl : (standby.baseUrl as string);
      const load = await startLoad(stack, PUPILS, survivor);
      await until('the load is under way', async () => (await load.transfersSoFar()) >= UNDER_WAY);
      process.kill(leader as number, 'SIGKILL');
      const survivorPid = leader === standby.pid ? stack.pidOf('broker-api') : standby.pid;
      await until(
        'the surviving broker-api leads the sequencer',
        async () => (await sequencerLeader(stack, [survivorPid])) === survivorPid,
      );
      const { outcome, invariants } = await finishAndCheck(stack, load);

      expect(apis).toContain(leader);
      expect(outcome.failures).toEqual(new Map());
      expect(outcome.completed).toBe(outcome.eligible.size);
      // Every entry written after the kill is integrated once, by the survivor, under a new checkpoint.
      const { rows } = await stack.database.query<{ entries: number; leaves: number; distinct: number }>(
        `SELECT (SELECT count(*) FROM exchange_log_entries)::int AS entries,
                (SELECT count(*) FROM exchange_log_leaves)::int AS leaves,
                (SELECT count(DISTINCT entry_id) FROM exchange_log_leaves)::int AS distinct`,
      );
      expect(rows[0].leaves).toBe(rows[0].entries);
      expect(rows[0].distinct).toBe(rows[0].entries);
      expect(invariants.log.after.size).toBe(rows[0].entries);
      expect(invariantSummary(invariants)).toEqual(invariantsHold(invariants));
      if (leader !== standby.pid) {
        expect(stack.broker.unexpectedExits()).toContainEqual(
          expect.stringMatching(/^broker-api stopped \(SIGKILL\)/),
        );
      }
      expect(await probe(stack, survivor)).toEqual(expect.objectContaining({ status: 200 }));
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );
});
