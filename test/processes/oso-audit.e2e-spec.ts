import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { BROKER_SCHEMA } from '../../libs/broker-schema/src';
import {
  DEFAULT_LOG_ORIGIN,
  LogSequencer,
  appendExchangeEvent,
  generateLogSigningKey,
  verifierKey,
} from '../../libs/exchange-log/src';
import { dataSourceOptions } from '../../libs/persistence/src';
import { BuiltProcess, runBuilt } from '../support/built-process';
import { createSuiteDatabase } from '../support/suite-database';

/** `oso audit export|checkpoint --database` and `oso audit verify` as an operator and an auditor run them. */
describe('oso audit', () => {
  const key = generateLogSigningKey(DEFAULT_LOG_ORIGIN);
  let dir: string;
  let dataSource: DataSource;
  let env: Record<string, string>;
  const oso = (...args: string[]) => runBuilt('cli', args, env);
  const file = (name: string) => join(dir, name);
  /** A command's stdout byte for byte, as `> FILE` saves it (runBuilt drops blank lines). */
  async function stdoutOf(...args: string[]): Promise<{ code: number | null; text: string }> {
    const run = new BuiltProcess('cli', args, env);
    const { code } = await run.exited;
    return { code, text: `${run.stdout.join('\n')}\n` };
  }

  async function record(count: number): Promise<void> {
    for (let n = 0; n < count; n += 1) {
      await appendExchangeEvent(dataSource.manager, {
        type: 'crl_published',
        at: new Date(),
        actor: { kind: 'broker', id: 'crl-publisher' },
        details: { crlNumber: n + 1 },
      });
    }
    await new LogSequencer(dataSource, { signingKey: key, checkpointIntervalMs: 0 }).integratePending();
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oso-audit-'));
    const url = await createSuiteDatabase('oso_audit');
    env = { DATABASE_URL: url };
    dataSource = await new DataSource(dataSourceOptions(url, BROKER_SCHEMA)).initialize();
    writeFileSync(file('log-key.pub'), `${verifierKey(key)}\n`);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the log, verifies it and its consistency with a checkpoint taken earlier', async () => {
    await record(5);
    const before = await stdoutOf('audit', 'checkpoint', '--database');
    expect(before.code).toBe(0);
    expect(before.text).toMatch(new RegExp(`^${DEFAULT_LOG_ORIGIN}\n5\n\\S{44}\n\n— `));
    writeFileSync(file('before.checkpoint'), before.text);
    await record(3);

    const exported = await stdoutOf('audit', 'export', '--database');
    expect(exported.code).toBe(0);
    expect(exported.text.trimEnd().split('\n')).toHaveLength(1 + 8);
    writeFileSync(file('log.jsonl'), exported.text);

    const verified = await oso(
      'audit',
      'verify',
      '--log-key',
      file('log-key.pub'),
      file('log.jsonl'),
      '--previous',
      file('before.checkpoint'),
    );
    expect(verified.code).toBe(0);
    expect(verified.stdout[0]).toMatch(
      new RegExp(`^OK: 8 entries, checkpoint ${DEFAULT_LOG_ORIGIN} 8 \\S{44}$`),
    );
    expect(verified.stdout[1]).toMatch(/^consistent with the earlier checkpoint 5 \S{44}$/);
  });

  it('fails at the entry whose exported line has one byte changed (exit 1)', async () => {
    const lines = readFileSync(file('log.jsonl'), 'utf8').split('\n');
    const entryId = JSON.parse(lines[4]).entry.id;
    lines[4] = lines[4].replace('"crlNumber":4', '"crlNumber":5');
    writeFileSync(file('tampered.jsonl'), lines.join('\n'));
    const verified = await oso('audit', 'verify', '--log-key', file('log-key.pub'), file('tampered.jsonl'));
    expect(verified.code).toBe(1);
    expect(verified.stdout).toEqual([
      `FAIL: leaf 3, entry ${entryId}, line 5: the entry does not hash to the leaf the log integrated at this ` +
        'index (changed, swapped or inserted after integration)',
    ]);
  });

  it('says what is wrong with the command line or the files (exit 2)', async () => {
    const missing = await oso('audit', 'verify', '--log-key', file('log-key.pub'), file('nothing.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.join('\n')).toContain('cannot read the export');
    const noKey = await oso('audit', 'verify', '--log-key', file('log.jsonl'), file('log.jsonl'));
    expect(noKey.code).toBe(2);
    expect(noKey.stderr.join('\n')).toContain('holds no verifier key');
    for (const args of [[], ['--as', 'demo-auditor', '--database']]) {
      const sourceless = await oso('audit', 'export', ...args);
      expect(sourceless.code).toBe(2);
      expect(sourceless.stderr.join('\n')).toContain('say where to read the log from');
    }
    const rangeOfOperator = await oso('audit', 'export', '--database', '--from', '2026-01-01T00:00:00Z');
    expect(rangeOfOperator.code).toBe(2);
    expect(rangeOfOperator.stderr.join('\n')).toContain('go with --as');
  });
});
