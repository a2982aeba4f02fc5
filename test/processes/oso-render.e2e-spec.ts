import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DossierValidationPool, generateDossier } from '../../libs/oso-dataset/src';
import { REPO_ROOT, SLOW_PROCESS_TEST_TIMEOUT_MS, builtEntry } from '../support/built-process';
import { hiddenFieldTexts, normalizeText, visibleFieldTexts } from '../support/dossier-fields';
import { POVO_DOSSIER } from '../support/large-dossiers';
import { describeOnOfficialExamples, officialExampleFiles } from '../support/official-examples';

/** A canonical content hash (SHA-256, hex) as the rendering names it; its first 8 digits are the short form. */
const CONTENT_HASH = /[0-9a-f]{64}/;

interface RenderRun {
  code: number | null;
  stderr: string;
  /** What the command wrote to stdout, byte for byte (redirected to a file, as a developer does). */
  out: Buffer;
}

/**
 * `oso render ARGS > OUT` with the built CLI: stdout goes to a file, so PDF bytes arrive untouched. `env`
 * replaces the test run's environment when given.
 */
function render(outFile: string, args: string[], env?: Record<string, string>): Promise<RenderRun> {
  const out = openSync(outFile, 'w');
  const child = spawn(process.execPath, [builtEntry('cli'), 'render', ...args], {
    cwd: REPO_ROOT,
    env: env ?? { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code, stderr, out: readFileSync(outFile) })),
  );
}

/** The text a reader sees on the page: tags dropped, entities decoded, white space as single spaces. */
function textOf(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] !== '#') return entities[name.toLowerCase()] ?? entity;
      const point = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return String.fromCodePoint(point);
    })
    .replace(/\s+/g, ' ');
}

/** The dossier's visible field texts the page lacks, and the hidden ones it shows, with their paths. */
function fieldsAmiss(html: string, xml: Buffer): { missing: string[]; shown: string[] } {
  const page = normalizeText(textOf(html));
  const complete = { form: 'complete' } as const;
  const named = (field: { path: string; text: string }) => `${field.path}: ${field.text}`;
  return {
    missing: visibleFieldTexts(xml, complete)
      .filter((field) => !page.includes(field.text))
      .map(named),
    shown: hiddenFieldTexts(xml, complete)
      .filter((field) => page.includes(field.text))
      .map(named),
  };
}

/** The text of a PDF's first page, by poppler's pdftotext (Debian's poppler-utils). */
function firstPageText(pdfFile: string): string {
  const result = spawnSync('pdftotext', ['-f', '1', '-l', '1', '-layout', pdfFile, '-'], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`pdftotext failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * The dossier's HTML and PDF rendering made by the built `oso render`, offline: the HTML holds every
 * visible field and the content hash, the PDF's first page names the hash. Answers the hash.
 */
async function expectRendered(dir: string, file: string): Promise<string> {
  const xml = readFileSync(file);
  const stem = join(dir, basename(file, '.xml'));
  const html = await render(`${stem}.html`, [file, '--format', 'html']);
  expect({ code: html.code, stderr: html.stderr }).toEqual({ code: 0, stderr: '' });
  const page = html.out.toString('utf8');
  const hash = CONTENT_HASH.exec(page)?.[0];
  expect(hash).toBeDefined();
  expect(fieldsAmiss(page, xml)).toEqual({ missing: [], shown: [] });

  const pdf = await render(`${stem}.pdf`, [file, '--format', 'pdf']);
  expect({ code: pdf.code, stderr: pdf.stderr }).toEqual({ code: 0, stderr: '' });
  expect(pdf.out.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(firstPageText(`${stem}.pdf`)).toContain(hash!.slice(0, 8));
  return hash!;
}

describe('oso render', () => {
  let dir: string;
  let povoFile: string;
  // The broker's own validation, as staging runs it: the hash it gives the version is the one to name.
  let staging: DossierValidationPool;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oso-render-'));
    povoFile = write('generated-povo.xml', POVO_DOSSIER.xml);
    staging = new DossierValidationPool({ threads: 1 });
  });
  afterAll(async () => {
    await staging.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The canonical content hash staging gives these bytes (the versionHash of the inzage evidence). */
  const stagedHash = async (file: string) =>
    (await staging.validate(readFileSync(file), { withContentHash: true })).facts?.contentHash;

  const write = (name: string, content: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it(
    'renders a generated POVO dossier (remarks, fifteen attachments) to HTML with every field, and to PDF',
    async () => {
      expect(await expectRendered(dir, povoFile)).toBe(await stagedHash(povoFile));
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'renders a generated VO dossier with opted-out categories and a secret address',
    async () => {
      const file = write(
        'generated-vovo.xml',
        generateDossier({ profile: 'VOVO', seed: 3, optOut: true, secretAddress: true }).xml,
      );
      expect(await expectRendered(dir, file)).toBe(await stagedHash(file));
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );

  it('needs no broker: no configuration, no database or queue client, no framework', async () => {
    // The packages the process loaded, read from require.cache as it exits (all of them are CommonJS).
    const record = write(
      'record-modules.cjs',
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.OSO_MODULE_LOG, Object.keys(require.cache).join('\\n')));",
    );
    const log = join(dir, 'modules.txt');
    const run = await render(join(dir, 'offline.pdf'), [povoFile, '--format', 'pdf'], {
      PATH: process.env.PATH ?? '',
      NODE_OPTIONS: `--require ${record}`,
      OSO_MODULE_LOG: log,
    });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const packages = new Set(
      readFileSync(log, 'utf8')
        .split('\n')
        .map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1])
        .filter(Boolean),
    );
    expect(packages.has('pdfkit')).toBe(true);
    const server = ['@nestjs/core', '@nestjs/common', 'typeorm', 'pg', 'bullmq', 'ioredis'];
    expect(server.filter((name) => packages.has(name))).toEqual([]);
  });

  it('names the same content hash in HTML and PDF, whatever the form', async () => {
    const complete = await render(join(dir, 'complete.html'), [povoFile, '--format', 'html']);
    const without = await render(join(dir, 'without.html'), [
      povoFile,
      '--format',
      'html',
      '--form',
      'without-special-categories',
    ]);
    const forParent = await render(join(dir, 'for-verzorger.html'), [
      povoFile,
      '--format',
      'html',
      '--form',
      'for-verzorger',
      '--verzorger',
      '1',
    ]);
    const hashes = [complete, without, forParent].map((run) => {
      expect(run.code).toBe(0);
      return CONTENT_HASH.exec(run.out.toString('utf8'))?.[0];
    });
    expect(hashes[0]).toMatch(CONTENT_HASH);
    expect(new Set(hashes)).toEqual(new Set([hashes[0]]));
    // The forms differ: each leaves something out the complete one shows.
    expect(without.out.length).toBeLessThan(complete.out.length);
    expect(forParent.out.equals(complete.out)).toBe(false);
  });

  it('refuses an invalid dossier with the findings of oso validate, writing nothing to stdout', async () => {
    const file = write(
      'invalid.xml',
      POVO_DOSSIER.xml.replace('<overdrachtsoort>', '<onbekend>x</onbekend><overdrachtsoort>'),
    );
    const run = await render(join(dir, 'invalid.html'), [file, '--format', 'html']);
    expect(run.code).toBe(1);
    expect(run.out.length).toBe(0);
    expect(run.stderr).toMatch(/^.*invalid\.xml: invalid \(POVO\), 1 error\(s\): XSD at .*onbekend/);
  });

  it('says so when the chosen verzorger is not in the dossier (exit 1, nothing on stdout)', async () => {
    const args = [povoFile, '--format', 'html', '--form', 'for-verzorger', '--verzorger', '99'];
    const run = await render(join(dir, 'no-verzorger.html'), args);
    expect(run.code).toBe(1);
    expect(run.out.length).toBe(0);
    expect(run.stderr).toMatch(/^oso: VERZORGER_NOT_IN_DOSSIER: .*\S/);
  });

  it.each([
    [['--format', 'svg'], /argument 'svg' is invalid\. Allowed choices are html, pdf/],
    [['--format', 'html', '--form', 'all'], /argument 'all' is invalid\. Allowed choices are complete/],
    [[], /required option '--format <format>' not specified/],
    [['--format', 'html', '--form', 'for-verzorger'], /--form for-verzorger needs --verzorger N/],
    [['--format', 'html', '--verzorger', '1'], /--verzorger goes only with --form for-verzorger/],
    [['--format', 'html', '--form', 'for-verzorger', '--verzorger', '0'], /must be a whole number from 1/],
  ])('refuses the command line %j (exit 2, nothing on stdout)', async (options, message) => {
    const run = await render(join(dir, 'usage.out'), [povoFile, ...options]);
    expect(run.code).toBe(2);
    expect(run.out.length).toBe(0);
    expect(run.stderr).toMatch(message);
  });

  it('exits 2 when the file cannot be read', async () => {
    const run = await render(join(dir, 'missing.out'), [join(dir, 'nowhere.xml'), '--format', 'html']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^oso: cannot read .*nowhere\.xml: ENOENT/);
  });

  // util-linux's `script` runs the command on a pseudo-terminal: stdout is then a TTY, as in a shell.
  it('refuses to write a PDF to a terminal and asks for a redirect', () => {
    const command = [process.execPath, builtEntry('cli'), 'render', povoFile, '--format', 'pdf']
      .map((part) => `'${part}'`)
      .join(' ');
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/a PDF is not for the terminal: redirect to a file/);
    expect(result.stdout).not.toContain('%PDF');
  });
});

describeOnOfficialExamples('oso render on the official examples', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'oso-render-official-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'renders every official example to HTML with every field and to PDF naming its hash',
    async () => {
      const files = officialExampleFiles();
      expect(files).toHaveLength(12);
      for (const file of files) await expectRendered(dir, file);
    },
    SLOW_PROCESS_TEST_TIMEOUT_MS,
  );
});
