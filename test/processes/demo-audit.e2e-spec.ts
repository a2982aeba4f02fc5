import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_DOSSIERS } from '../../apps/cli/src/demo/demo-dossiers';
import { generateDossier } from '../../libs/oso-dataset/src';
import { BuiltProcess, SLOW_PROCESS_TEST_TIMEOUT_MS, freePort, runBuilt } from '../support/built-process';
import { pupilIdentifiersIn } from '../support/pupil-echo';
import { databaseUrlFor } from '../test-run';

/** How many export lines, spread over the whole export, get a changed byte (plus one of each entry type). */
const TAMPERED_LINES_SPREAD = 30;

/**
 * Issue #10's "How it will be checked", as an auditor does it after `npm run demo`: the demo auditor's
 * export (through the signed auditor API) verifies offline; one byte changed in any entry fails at that
 * entry; checkpoints taken before and after a second demo run are consistent; and no export holds the demo
 * pupil's BSN, name or birth date.
 */
describe('the demo, audited (oso audit … --as demo-auditor)', () => {
  // Starts whole stacks: a guard for a busy machine, not a time limit on the product.
  jest.setTimeout(SLOW_PROCESS_TEST_TIMEOUT_MS);
  const demoDossier = generateDossier(DEMO_DOSSIERS.poToVo);
  const pupil = demoDossier.pupil;
  let workDir: string;
  let env: Record<string, string>;
  let broker: BuiltProcess;
  let worker: BuiltProcess;
  const file = (name: string) => join(workDir, name);
  const oso = (...args: string[]) => runBuilt('cli', args, env);
  /** A command's stdout byte for byte, as `> FILE` saves it (runBuilt drops blank lines). */
  async function saved(name: string, ...args: string[]): Promise<string> {
    const run = new BuiltProcess('cli', args, env);
    const { code } = await run.exited;
    expect([args.join(' '), code, run.stderr.join('\n')]).toEqual([args.join(' '), 0, expect.any(String)]);
    const text = `${run.stdout.join('\n')}\n`;
    writeFileSync(file(name), text);
    return text;
  }
  const verify = (exportFile: string, ...more: string[]) =>
    oso('audit', 'verify', '--log-key', join(env.PKI_DIR, 'log-key.pub'), file(exportFile), ...more);

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'oso-demo-audit-'));
    chmodSync(workDir, 0o755);
    env = {
      DATABASE_URL: databaseUrlFor(`${process.env.TEST_DATABASE_NAME}_demo_audit`),
      PKI_DIR: join(workDir, 'pki'),
      REDIS_PREFIX: `${process.env.REDIS_PREFIX}-demo-audit`,
      BROKER_PORT: String(await freePort()),
      OPS_PORT: String(await freePort()),
    };
    // The first run sets everything up (PKI, log key, database, demo registry) and stops its broker.
    const first = await oso('demo', '--wait-seconds', '60');
    expect(first.code).toBe(0);
    // The second run goes to this broker (it answers, so the demo starts none): API and release worker.
    broker = new BuiltProcess('broker-api', [], env);
    worker = new BuiltProcess('release-worker', [], env);
    await Promise.all([broker.waitForLine(/ops health on/), worker.waitForLine(/connected to its queues/)]);
  });

  afterAll(async () => {
    await broker?.stop();
    await worker?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('exports as the demo auditor, verifies, fails at a changed byte, and stays consistent over a second run', async () => {
    const before = await saved('before.checkpoint', 'audit', 'checkpoint', '--as', 'demo-auditor');
    expect(before).toMatch(/^localhost\/oso-broker\/exchange-log\n\d+\n\S{44}\n\n— /);

    const second = await oso('demo', '--wait-seconds', '60');
    expect(second.code).toBe(0);
    // The second run's entries reach a checkpoint within about a second; the export is taken under it.
    const beforeSize = Number(before.split('\n')[1]);
    let after = before;
    for (let tries = 0; tries < 60 && Number(after.split('\n')[1]) <= beforeSize; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = await saved('after.checkpoint', 'audit', 'checkpoint', '--as', 'demo-auditor');
    }
    expect(Number(after.split('\n')[1])).toBeGreaterThan(beforeSize);

    const exported = await saved(
      'auditor.jsonl',
      'audit',
      'export',
      '--as',
      'demo-auditor',
      '--previous',
      file('before.checkpoint'),
    );
    const lines = exported.trimEnd().split('\n');
    expect(JSON.parse(lines[0]).format).toBe('oso-exchange-log-export/v2');
    const types = lines.slice(1).map((line) => JSON.parse(line).entry.type as string);
    expect(types).toEqual(
      expect.arrayContaining([
        'request_created',
        'version_staged',
        'withdrawn',
        'evidence_recorded',
        'gate_decided',
        'state_changed',
        'dossier_fetched',
        'receipt_confirmed',
      ]),
    );

    const verified = await verify('auditor.jsonl', '--previous', file('before.checkpoint'));
    expect(verified.code).toBe(0);
    expect(verified.stdout[0]).toMatch(/^OK: \d+ of \d+ entries, each proven included, checkpoint /);
    expect(verified.stdout[1]).toMatch(new RegExp(`^consistent with the earlier checkpoint ${beforeSize} `));

    // One byte changed in any entry fails at that entry, a byte inside its entry. Two runs of the six
    // exchanges leave hundreds of lines and each check is a process: the first line of every entry type,
    // the last line, and lines spread evenly over the rest (about 40 checks).
    const firstOfType = new Map<string, number>();
    types.forEach((type, at) => firstOfType.set(type, firstOfType.get(type) ?? at + 1));
    const stride = Math.max(1, Math.ceil((lines.length - 1) / TAMPERED_LINES_SPREAD));
    const tamperAt = [
      ...new Set([
        ...firstOfType.values(),
        lines.length - 1,
        ...Array.from({ length: lines.length - 1 }, (_, at) => at + 1).filter(
          (index) => (index - 1) % stride === 0,
        ),
      ]),
    ].sort((a, b) => a - b);
    expect(tamperAt.length).toBeGreaterThanOrEqual(TAMPERED_LINES_SPREAD / 2);
    for (const index of tamperAt) {
      const line = lines[index];
      const at = line.indexOf('"entry":') + 12 + ((index * 7) % 20);
      const tampered = [...lines];
      tampered[index] = line.slice(0, at) + (line[at] === 'x' ? 'y' : 'x') + line.slice(at + 1);
      writeFileSync(file('tampered.jsonl'), `${tampered.join('\n')}\n`);
      const failed = await verify('tampered.jsonl');
      // The line fails, and names its own leaf when it is still JSON (the id may be the changed byte).
      const leafIndex = JSON.parse(line).leafIndex as number;
      expect({ index, code: failed.code, out: failed.stdout[0] }).toEqual({
        index,
        code: 1,
        out: expect.stringMatching(
          new RegExp(`^FAIL: (leaf ${leafIndex}(, entry [^,]+)?, )?line ${index + 1}: `),
        ),
      });
    }

    // The inspectorate's export is the whole log: the offline verifier rebuilds the tree and checks the
    // earlier checkpoint against it.
    await saved('whole.jsonl', 'audit', 'export', '--as', 'demo-inspectorate');
    const whole = await verify('whole.jsonl', '--previous', file('before.checkpoint'));
    expect(whole.code).toBe(0);
    expect(whole.stdout[1]).toMatch(new RegExp(`^consistent with the earlier checkpoint ${beforeSize} `));

    // No personal data of the demo dossier in any export or checkpoint.
    const everything = ['before.checkpoint', 'after.checkpoint', 'auditor.jsonl', 'whole.jsonl']
      .map((name) => readFileSync(file(name), 'utf8'))
      .join('\n');
    const roepnaam = /<leerling>[\s\S]*?<roepnaam>\s*([^<]+?)\s*<\/roepnaam>/.exec(demoDossier.xml)?.[1];
    // Its BSN and surname, first name and birth date (as written and as yyyymmdd).
    const secrets = [
      ...pupilIdentifiersIn(demoDossier.xml),
      roepnaam,
      pupil.geboortedatum,
      pupil.geboortedatum.replace(/-/g, ''),
      // Every other demo pupil's number too.
      ...Object.values(DEMO_DOSSIERS).map((recipe) => generateDossier(recipe).pupil.bsn),
    ].filter((value): value is string => typeof value === 'string' && value.length > 0);
    expect(secrets.length).toBeGreaterThanOrEqual(10);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});
