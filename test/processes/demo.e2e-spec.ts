import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLOW_PROCESS_TEST_TIMEOUT_MS, freePort, runBuilt } from '../support/built-process';
import { generateDossier } from '../../libs/oso-dataset/src';
import { DEMO_DOSSIER_RECIPE } from '../../apps/cli/src/dev-stack/demo-registry';
import { databaseUrlFor } from '../test-run';

/** `npm run demo` on a machine where no broker runs yet: it starts one, exchanges, and says where it stopped. */
describe('npm run demo (oso demo)', () => {
  // Starts whole stacks: a guard for a busy machine, not a time limit on the product.
  jest.setTimeout(SLOW_PROCESS_TEST_TIMEOUT_MS);
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'oso-demo-'));
    chmodSync(workDir, 0o755);
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('runs the PO→VO exchange over signed mutual TLS up to the release gate, and exits 3 there', async () => {
    const result = await runBuilt('cli', ['demo', '--wait-seconds', '1'], {
      DATABASE_URL: databaseUrlFor(`${process.env.TEST_DATABASE_NAME}_demo`),
      PKI_DIR: join(workDir, 'pki'),
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-demo`,
      BROKER_PORT: String(await freePort()),
      OPS_PORT: String(await freePort()),
    });
    const out = result.stdout.join('\n');
    // The demo's own dossier: generated, the same in every run, so its size and pupil are known here.
    const staged = generateDossier(DEMO_DOSSIER_RECIPE);
    expect(out).toContain('The dossier: a POVO dossier generated for a synthetic pupil of 00YY00 (seed 1)');
    expect(out).toMatch(/no broker answers at https:\/\/localhost:\d+; starting one \(oso up\)/);
    expect(out).toContain('demo-vo-las: POST /v1/transfers → 201 (answer signed by the broker, verified)');
    expect(out).toContain('in the inbox: yes');
    expect(out).toMatch(
      new RegExp(
        `version 1 \\(POVO\\), ${Buffer.byteLength(staged.xml)} bytes, sha-256 [0-9a-f]{16}…, validated and stored encrypted`,
      ),
    );
    expect(out).toContain('fetching now is refused: DOSSIER_NOT_RELEASED');
    expect(out).toContain('Stopped at "awaiting_evidence"');
    expect(out).toContain('broker-api: stopped cleanly');
    expect(out).not.toContain(staged.pupil.bsn);
    expect(staged.pupil.bsn).toMatch(/^[0-9]{9}$/);
    expect(result.code).toBe(3);
  });

  it('stops with one line when the dossier given with --dossier does not exist', async () => {
    const missing = join(workDir, 'nope.xml');
    const result = await runBuilt('cli', ['demo', '--dossier', missing], { PKI_DIR: join(workDir, 'pki') });
    expect(result.code).toBe(2);
    expect(result.stderr.filter(Boolean)).toEqual([`oso: dossier ${missing} does not exist`]);
  });
});
