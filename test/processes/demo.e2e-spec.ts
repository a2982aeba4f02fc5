import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltProcess, SLOW_PROCESS_TEST_TIMEOUT_MS, freePort, runBuilt } from '../support/built-process';
import { generateDossier } from '../../libs/oso-dataset/src';
import { DEMO_DOSSIERS, DEMO_REMARKS } from '../../apps/cli/src/demo/demo-dossiers';
import { databaseUrlFor } from '../test-run';

/** Every scenario's summary line, in order (the demo's own titles). */
const SCENARIOS = [
  'PO→VO: inzage by letter, the parents’ remarks travel → released → fetched byte-identical → receipt',
  'VO→VO: inzage, then consent granted → released',
  'VO→VO: consent refused → stays blocked, the fetch is refused',
  'VO→VO: consent withdrawn before release → never released',
  'VO→VO: a pupil of 16 receives the inzage and consents herself → released',
  'VO→VO: the sender retracts the version before release → never released',
];

/** The lines of one scenario's part of the output. */
function scenarioPart(out: string, number: number): string {
  const start = out.indexOf(`\nScenario ${number}: `);
  const end = out.indexOf(number === SCENARIOS.length ? '\nSummary' : `\nScenario ${number + 1}: `);
  expect([number, start, end]).toEqual([number, expect.any(Number), expect.any(Number)]);
  expect(start).toBeGreaterThan(0);
  return out.slice(start, end);
}

/**
 * `npm run demo` on a machine where no broker runs yet: it starts one (API and release worker), runs the
 * six exchanges of issue #11 over signed mutual TLS, and exits 0 only when each one's expectation held.
 */
describe('npm run demo (oso demo)', () => {
  // Starts whole stacks: a guard for a busy machine, not a time limit on the product.
  jest.setTimeout(SLOW_PROCESS_TEST_TIMEOUT_MS);
  let workDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'oso-demo-'));
    chmodSync(workDir, 0o755);
    env = {
      DATABASE_URL: databaseUrlFor(`${process.env.TEST_DATABASE_NAME}_demo`),
      PKI_DIR: join(workDir, 'pki'),
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-demo`,
      BROKER_PORT: String(await freePort()),
      OPS_PORT: String(await freePort()),
      // The demo writes the renderings it fetches under the temp folder: keep them in this test's folder.
      TMPDIR: workDir,
    };
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('runs all six scenarios over signed mutual TLS, each as the law says, and exits 0', async () => {
    const result = await runBuilt('cli', ['demo', '--wait-seconds', '60'], env);
    const out = result.stdout.join('\n');
    expect(out).toMatch(/no broker answers at https:\/\/localhost:\d+; starting one \(oso up\)/);
    expect(out).toContain('demo-vo2-las acts for 02XZ00 (VO)');
    expect(out).toContain('demo-vo-las: POST /v1/transfers → 201 (answer signed by the broker, verified)');
    // No check failed, and the summary says each scenario held.
    expect(out).not.toContain('✗');
    SCENARIOS.forEach((title, index) => expect(out).toContain(`  scenario ${index + 1}: held — ${title}`));
    // The sender shows the parents the broker's rendering of the version before it records their inzage.
    expect(out).toContain('fetches the readable dossier of this version for the inzage conversation');
    expect(out).toContain('fetches the readable dossier of the released version for the mentor');

    // 1. PO→VO: the generated dossier, the inzage by letter with remarks, released, byte-identical, receipt.
    const first = scenarioPart(out, 1);
    const staged = generateDossier(DEMO_DOSSIERS.poToVo);
    expect(first).toContain('00YY00 finds the request for its pupil: yes');
    expect(first).toMatch(
      new RegExp(`version 1 \\(POVO\\), ${Buffer.byteLength(staged.xml)} bytes, sha-256 [0-9a-f]{16}…`),
    );
    expect(first).toContain('the gate: release (policy consent-for-vo v1) → release_queued');
    expect(first).toContain('- zienswijze_travels:');
    expect(first).toContain('✓ the evidence keeps the remarks’ SHA-256, not the remarks');
    expect(first).toContain('✓ fetched byte-identical (sha-256 of what was staged)');
    expect(first).toContain('✓ the remarks travel in the dossier');
    expect(first).toContain('✓ receipt confirmed: received');
    expect(first).toMatch(/#\d+ +state_changed +broker +release_queued → released/);
    expect(first).toMatch(/#\d+ +receipt_confirmed +demo-vo-las/);

    // 2. VO→VO: waits for consent after the inzage, releases on it.
    const second = scenarioPart(out, 2);
    expect(second).toContain('the receiving school sees: wait, awaiting_consent (never who acted)');
    expect(second).toContain(
      '- consent_granted: Consent given by a parent with gezag (ouder-1), after the inzage.',
    );
    expect(second).toMatch(/#\d+ +state_changed +broker +release_queued → released/);

    // 3. Refused: blocked, the receiver sees only that consent was not given, the fetch is refused.
    const third = scenarioPart(out, 3);
    expect(third).toContain('the gate: block (policy consent-for-vo v1) → blocked');
    expect(third).toContain('the receiving school sees: block, consent_not_given (never who acted)');
    expect(third).toContain('✓ the fetch is refused (DOSSIER_NOT_RELEASED)');
    expect(third).not.toMatch(/→ release_queued/);

    // 4. Withdrawn: the withdrawal blocks, and the earlier consent filed after it does not lift it.
    const fourth = scenarioPart(out, 4);
    expect(fourth).toContain('- consent_withdrawn: Consent was withdrawn by a parent with gezag (ouder-1).');
    expect(fourth).toContain('✓ the earlier consent does not lift the later withdrawal: still blocked');
    expect(fourth).not.toMatch(/→ release_queued|→ released/);

    // 5. Sixteen: a parent's consent waits for the pupil's own; hers releases.
    const fifth = scenarioPart(out, 5);
    expect(fifth).toContain('- pupil_must_consent: The pupil was 16 by 2024-06-11 (on 2024-03-08)');
    expect(fifth).toContain('- consent_granted: Consent given by the pupil, after the inzage.');
    expect(fifth).toMatch(/#\d+ +state_changed +broker +release_queued → released/);

    // 6. Retracted: later evidence is refused, nothing is released.
    const sixth = scenarioPart(out, 6);
    expect(sixth).toMatch(/demo-vo2-las: POST \/v1\/transfers\/[0-9a-f-]{36}\/retraction → 200/);
    expect(sixth).not.toMatch(/→ release_queued|→ released/);

    // Released exactly three times in all (scenarios 1, 2 and 5), each counted from its own log.
    expect(out.match(/release_queued → released/g)).toHaveLength(3);
    expect(out.match(/✓ released exactly once, by the log/g)).toHaveLength(3);
    expect(out.match(/✓ never queued, never released, by the log/g)).toHaveLength(3);

    // No pupil's number or birth date, and not the parents' remarks, in what the demo prints.
    for (const recipe of Object.values(DEMO_DOSSIERS)) {
      const { pupil } = generateDossier(recipe);
      expect(out).not.toContain(pupil.bsn as string);
      expect(out).not.toContain(pupil.geboortedatum);
    }
    expect(out).not.toContain(DEMO_REMARKS);
    expect(out).toContain('Every scenario held');
    expect(out).toContain('broker-api: stopped cleanly');
    expect(out).toContain('release-worker: stopped cleanly');
    expect(result.code).toBe(0);
  });

  it('names the scenarios that did not hold and exits with the first one’s code when nothing releases', async () => {
    // The demo's database and PKI from the first test; a broker without its release worker releases nothing.
    const broker = new BuiltProcess('broker-api', [], env);
    try {
      await broker.waitForLine(/ops health on/);
      const result = await runBuilt('cli', ['demo', '--wait-seconds', '1'], env);
      const out = result.stdout.join('\n');
      expect(out).not.toContain('starting one (oso up)');
      // A broker that already ran the demo: the transfers it left open are withdrawn first.
      expect(out).toContain("an earlier demo left this pupil's transfer open: withdrawing it first");
      expect(out).toContain('✗ released by the worker');
      for (const [number, held] of [
        [1, 'FAILED (exit code 11)'],
        [2, 'FAILED (exit code 12)'],
        [3, 'held'],
        [4, 'held'],
        [5, 'FAILED (exit code 15)'],
        [6, 'held'],
      ] as const) {
        expect(out).toContain(`  scenario ${number}: ${held} — ${SCENARIOS[number - 1]}`);
      }
      expect(result.code).toBe(11);
    } finally {
      expect(await broker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
  });

  it('documents its exit codes in its help', async () => {
    const result = await runBuilt('cli', ['demo', '--help'], {});
    const help = result.stdout.join('\n');
    expect(help).toContain('0   every scenario held');
    SCENARIOS.forEach((title, index) =>
      expect(help).toContain(`${11 + index}  scenario ${index + 1} did not hold: ${title}`),
    );
    expect(result.code).toBe(0);
  });

  it('stops with one line when the dossier given with --dossier does not exist', async () => {
    const missing = join(workDir, 'nope.xml');
    const result = await runBuilt('cli', ['demo', '--dossier', missing], { PKI_DIR: join(workDir, 'pki') });
    expect(result.code).toBe(2);
    expect(result.stderr.filter(Boolean)).toEqual([`oso: dossier ${missing} does not exist`]);
  });
});
