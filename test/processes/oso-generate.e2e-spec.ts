import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, builtEntry, runBuilt } from '../support/built-process';

/**
 * `oso generate … | oso validate --json /dev/stdin`, run by a real shell with a real pipe; the exit
 * codes of both sides come back from bash's PIPESTATUS.
 */
function generateIntoValidate(
  generateArgs: string[],
): Promise<{ generated: number; validated: number; verdicts: string[] }> {
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const cli = quote(builtEntry('cli'));
  const node = quote(process.execPath);
  const script = `${node} ${cli} generate ${generateArgs.map(quote).join(' ')} | ${node} ${cli} validate --json /dev/stdin; echo "exit \${PIPESTATUS[0]} \${PIPESTATUS[1]}"`;
  return new Promise((resolve, reject) => {
    const shell = spawn('bash', ['-c', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    shell.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    shell.on('error', reject);
    shell.on('close', () => {
      const lines = output.split('\n').filter(Boolean);
      const [, generated, validated] = /^exit (\d+) (\d+)$/.exec(lines.pop() ?? '') ?? [];
      resolve({ generated: Number(generated), validated: Number(validated), verdicts: lines });
    });
  });
}

/** A guard, not a measure: each step starts whole CLI processes, which a busy two-core machine may slow. */
const PROCESS_TEST_TIMEOUT_MS = 180_000;

describe('oso generate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oso-generate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'writes a dossier that oso validate finds valid, through a pipe',
    async () => {
      const { generated, validated, verdicts } = await generateIntoValidate([
        '--profile',
        'POVO',
        '--seed',
        '7',
        '--bsn',
        '111222333',
        '--birth-date',
        '2012-10-09',
        '--opt-out',
        'verzuim',
        '--secret-address',
        '--attachments',
        '2',
        '--attachment-bytes',
        '3000',
        '--remarks',
      ]);
      expect(generated).toBe(0);
      expect(validated).toBe(0);
      expect(JSON.parse(verdicts[0])).toMatchObject({
        valid: true,
        profile: 'POVO',
        errors: [],
        warnings: [],
      });
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'breaks the rule asked for, and oso validate says so',
    async () => {
      const { generated, validated, verdicts } = await generateIntoValidate([
        '--profile',
        'VOVO',
        '--break-rule',
        'OVa.IZ05',
      ]);
      expect([generated, validated]).toEqual([0, 1]);
      const result = JSON.parse(verdicts[0]);
      expect(result.errors.map((error: { rule: string }) => error.rule)).toEqual(['OVa.IZ05']);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'writes many dossiers to a folder, and refuses what it cannot make with exit code 2',
    async () => {
      const out = join(dir, 'many');
      const many = await runBuilt('cli', [
        'generate',
        '--profile',
        'POSWV',
        '--seed',
        '3',
        '--count',
        '3',
        '--out-dir',
        out,
      ]);
      expect(many.code).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['POSWV-3.xml', 'POSWV-4.xml', 'POSWV-5.xml']);
      const validated = await runBuilt('cli', [
        'validate',
        ...readdirSync(out).map((name) => join(out, name)),
      ]);
      expect(validated.code).toBe(0);
      expect(validated.stdout.every((line) => line.endsWith('valid (POSWV)'))).toBe(true);

      const refused = await runBuilt('cli', ['generate', '--profile', 'VOMBO', '--kind', 'overstapdossier']);
      expect(refused.code).toBe(2);
      expect(refused.stderr.join('\n')).toMatch(
        /^oso: the 2019.1 rules admit an overstapdossier only for POPO, POVO and VOVO/,
      );
      expect(refused.stdout).toEqual([]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
  it(
    'ends quietly, exit code 0, when its reader stops early (| head)',
    async () => {
      const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
      // A 2 MB attachment: far more than a pipe holds, so the writer meets the closed pipe (EPIPE).
      const script = `${quote(process.execPath)} ${quote(builtEntry('cli'))} generate --profile POVO --attachments 1 --attachment-bytes 2000000 | head -c 100 >/dev/null; echo "exit \${PIPESTATUS[0]}"`;
      const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
        const shell = spawn('bash', ['-c', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        shell.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
        shell.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
        shell.on('error', reject);
        shell.on('close', () => resolve({ stdout: out, stderr: err }));
      });
      expect([stdout.trim(), stderr]).toEqual(['exit 0', '']);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
