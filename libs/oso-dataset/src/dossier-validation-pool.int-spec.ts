import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  POVO_DOSSIER_BYTES,
  TEST_PRIMARY_SCHOOL,
  dossierWithAttachments,
  dossierAtElementLimit,
} from '../../../test/support/large-dossiers';
import {
  DossierValidationPool,
  ValidationCapacityError,
  ValidationMemoryExceededError,
} from './dossier-validation-pool';

/** The pool as the broker uses it: real worker threads running the built engine, real libxml2. */
describe('dossier validation pool', () => {
  const povo = POVO_DOSSIER_BYTES;
  let pool: DossierValidationPool;

  beforeAll(() => {
    // One tenant sends everything here, so its line holds all twenty at once.
    pool = new DossierValidationPool({ settings: { threads: 2, waitingPerTenant: 20 } });
  });
  afterAll(() => pool.close());

  it('judges a dossier in a worker thread and returns the verdict with its facts and hash', async () => {
    const verdict = await pool.validate(povo, { withContentHash: true, today: '2026-11-22' });
    expect(verdict).toMatchObject({ valid: true, ruleSet: 'strict', profile: 'POVO', errors: [] });
    expect(verdict.facts?.school).toEqual({
      brin: TEST_PRIMARY_SCHOOL.brin,
      vestiging: TEST_PRIMARY_SCHOOL.vestiging,
    });
    expect(verdict.facts?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a broken dossier with the same findings as in-process validation would', async () => {
    const broken = Buffer.from(
      povo.toString('utf8').replace('<inzage>true</inzage>', '<inzage>false</inzage>'),
    );
    const verdict = await pool.validate(broken, { today: '2026-11-22' });
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.map((error) => error.rule)).toContain('OVa.IZ02');
  });

  it('serves many dossiers at once, each with its own verdict', async () => {
    const inputs = Array.from({ length: 20 }, (_, index) =>
      index % 2 === 0
        ? povo
        : Buffer.from(povo.toString('utf8').replace('<overstap>POVO<', '<overstap>POXX<')),
    );
    const verdicts = await Promise.all(inputs.map((bytes) => pool.validate(bytes, { today: '2026-11-22' })));
    expect(verdicts.map((verdict) => verdict.valid)).toEqual(inputs.map((_, index) => index % 2 === 0));
  });
});

/** The pool under load from several tenants, and against a dossier too large for a thread's memory. */
describe('dossier validation pool, shared fairly and bounded', () => {
  const povo = POVO_DOSSIER_BYTES;
  const options = { ruleSet: 'strict' as const, withContentHash: true, today: '2026-11-22' };

  it('serves another tenant at once while one tenant floods it with large dossiers, and refuses the flood beyond its line', async () => {
    const pool = new DossierValidationPool({ settings: { threads: 2, waitingPerTenant: 2 } });
    try {
      const large = dossierWithAttachments(19 * 1024 * 1024);
      const finished: string[] = [];
      const flood = [1, 2, 3].map((index) =>
        pool.validate(large, options, 'vendor:flood').then((verdict) => {
          finished.push(`flood-${index}`);
          return verdict;
        }),
      );
      // One runs, two wait: the fourth finds the flooding tenant's line full.
      await expect(pool.validate(large, options, 'vendor:flood')).rejects.toBeInstanceOf(
        ValidationCapacityError,
      );
      expect(pool.load('vendor:flood')).toEqual({ waiting: 2, running: 1 });
      const started = Date.now();
      const small = await pool.validate(povo, options, 'vendor:other');
      finished.push('other');
      expect(small.valid).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000); // generous: about 0.3 s with a cold thread
      expect(finished).toEqual(['other']);
      expect((await Promise.all(flood)).map((verdict) => verdict.valid)).toEqual([true, true, true]);
      expect(finished).toEqual(['other', 'flood-1', 'flood-2', 'flood-3']);
    } finally {
      await pool.close();
    }
  });

  it('fails the one validation that exceeds a thread’s heap, replaces the thread and goes on serving', async () => {
    const pool = new DossierValidationPool({ settings: { threads: 2, workerHeapMb: 16 } });
    try {
      const heavy = dossierAtElementLimit();
      const [outOfMemory, meanwhile] = await Promise.allSettled([
        pool.validate(heavy, options, 'vendor:heavy'),
        pool.validate(povo, options, 'vendor:other'),
      ]);
      expect(outOfMemory.status === 'rejected' && outOfMemory.reason).toBeInstanceOf(
        ValidationMemoryExceededError,
      );
      expect(meanwhile.status === 'fulfilled' && meanwhile.value.valid).toBe(true);
      const after = await Promise.all([
        pool.validate(povo, options, 'vendor:heavy'),
        pool.validate(povo, options, 'vendor:other'),
      ]);
      expect(after.map((verdict) => verdict.valid)).toEqual([true, true]);
      expect(pool.load()).toEqual({ waiting: 0, running: 0 });
    } finally {
      await pool.close();
    }
  });

  it('validates the heaviest dossier the shape limits allow within the default heap, and gives the memory back when idle', async () => {
    // Elements up to the limit and a 10 MiB attachment: about 17 MB.
    const folder = mkdtempSync(join(tmpdir(), 'oso-heavy-'));
    const file = join(folder, 'heavy.xml');
    writeFileSync(file, dossierAtElementLimit(10 * 1024 * 1024 - 1));
    // Measured in a fresh Node process: in this Jest worker, memory earlier suites freed but still
    // hold would absorb the thread's and hide its growth (seen on busy CI runs).
    const { stdout } = await runFile(process.execPath, ['-e', MEMORY_PROBE, file], {
      timeout: 120_000,
    }).finally(() => rmSync(folder, { recursive: true, force: true }));
    const probe = JSON.parse(stdout) as MemoryProbe;
    expect(probe.valid).toBe(true);
    expect(probe.threadsWhenIdle).toBe(0);
    const grown = probe.peak - probe.before;
    expect(grown).toBeGreaterThan(50 * 1024 * 1024); // the validation took memory worth measuring
    // Generous: at least half of what the thread took (its heap and libxml2's memory) is gone.
    expect(probe.after - probe.before).toBeLessThan(grown / 2);
  });
});

interface MemoryProbe {
  valid: boolean;
  before: number;
  peak: number;
  after: number;
  threadsWhenIdle: number;
}

const runFile = promisify(execFile);

/**
 * One heavy validation on the built pool, in its own process: RSS before, at its peak (sampled while the
 * thread works), after the idle thread ended and its isolate was torn down (which unmaps its memory
 * shortly after), as JSON.
 */
const MEMORY_PROBE = `
const { DossierValidationPool } = require(${JSON.stringify(join(__dirname, '../../../dist/libs/oso-dataset/src/dossier-validation-pool.js'))});
const sleep = () => new Promise((resolve) => setTimeout(resolve, 250));
(async () => {
  const heavy = require('node:fs').readFileSync(process.argv[1]);
  const pool = new DossierValidationPool({ settings: { threads: 2, idleSeconds: 1 } });
  const rss = () => process.memoryUsage().rss;
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
  const verdict = await pool
    .validate(heavy, { ruleSet: 'strict', today: '2026-11-22' }, 'vendor:a')
    .finally(() => clearInterval(sampler));
  peak = Math.max(peak, rss());
  for (let waited = 0; pool.threadCount > 0 && waited < 10000; waited += 250) await sleep();
  const threadsWhenIdle = pool.threadCount;
  for (let waited = 0; rss() - before > (peak - before) / 2 && waited < 5000; waited += 250) await sleep();
  const after = rss();
  await pool.close();
  process.stdout.write(JSON.stringify({ valid: verdict.valid, before, peak, after, threadsWhenIdle }));
})();
`;
