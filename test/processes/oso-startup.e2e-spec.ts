import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuilt } from '../support/built-process';

/**
 * `oso --help` and `oso validate` answer at once because every command loads what its action needs
 * when it runs (apps/cli/src/oso-commands.ts). Timing would be flaky on a busy machine, so this proves the
 * cause instead: which packages a run of the built CLI loads, CommonJS and ESM alike.
 */
describe('oso start-up loads only what the command needs', () => {
  const FRAMEWORK = ['@nestjs/common', '@nestjs/core', 'typeorm', 'bullmq', 'ioredis', 'pg'];
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oso-startup-'));
    // Preloaded into the CLI: CommonJS modules are read from require.cache when the process exits, ESM
    // ones (libxml2-wasm is ESM-only) through a resolve hook; both end up in one file, one per line.
    const esmHook = [
      "import { appendFileSync } from 'node:fs';",
      'export async function resolve(specifier, context, next) {',
      '  const resolved = await next(specifier, context);',
      "  appendFileSync(process.env.OSO_MODULE_LOG, resolved.url + '\\n');",
      '  return resolved;',
      '}',
    ].join('\n');
    writeFileSync(
      join(dir, 'record-modules.cjs'),
      [
        "const { appendFileSync } = require('node:fs');",
        `require('node:module').register('data:text/javascript,' + ${JSON.stringify(encodeURIComponent(esmHook))});`,
        "process.on('exit', () => appendFileSync(process.env.OSO_MODULE_LOG, Object.keys(require.cache).join('\\n') + '\\n'));",
      ].join('\n'),
    );
    env = { NODE_OPTIONS: `--require ${join(dir, 'record-modules.cjs')}` };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the built CLI and returns its result with the npm packages it loaded. */
  async function packagesLoadedBy(args: string[], extraEnv: Record<string, string> = {}) {
    const log = join(dir, `modules-${args.join('-').replace(/[^a-z]/gi, '')}.txt`);
    writeFileSync(log, '');
    const result = await runBuilt('cli', args, { ...env, ...extraEnv, OSO_MODULE_LOG: log });
    const packages = new Set<string>();
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(decodeURIComponent(line));
      if (match) packages.add(match[1]);
    }
    return { ...result, packages: [...packages].sort() };
  }

  it('prints the help of every command without NestJS, TypeORM, BullMQ or libxml2-wasm', async () => {
    // `oso --help` builds the whole command tree, so it loads every command file there is.
    const help = await packagesLoadedBy(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.join('\n')).toMatch(/validate \[options\] <files\.\.\.>/);
    expect(help.packages).toContain('commander');
    expect(help.packages.filter((name) => [...FRAMEWORK, 'libxml2-wasm'].includes(name))).toEqual([]);
  });

  it('validates a dossier with libxml2-wasm, but without NestJS, TypeORM or BullMQ', async () => {
    const file = join(dir, 'not-a-dossier.xml');
    writeFileSync(file, '<?xml version="1.0" encoding="UTF-8"?>\n<leerling/>\n');
    const validate = await packagesLoadedBy(['validate', file]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toEqual([expect.stringMatching(/not-a-dossier\.xml: invalid/)]);
    // The probe sees an ESM-only package when it is loaded: the engine needs it.
    expect(validate.packages).toContain('libxml2-wasm');
    expect(validate.packages.filter((name) => FRAMEWORK.includes(name))).toEqual([]);
  });

  it('sees the framework when a command does load it', async () => {
    // `oso vault rotate` loads persistence and the vault before it reads (and here refuses) its settings.
    const rotate = await packagesLoadedBy(['vault', 'rotate'], { VAULT_KEKS: 'k1:short' });
    expect(rotate.code).toBe(2);
    expect(rotate.stderr.join('\n')).toMatch(/VAULT_KEKS/);
    expect(rotate.packages).toEqual(expect.arrayContaining(['@nestjs/common', 'typeorm']));
  });
});
