import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDossier } from '../../libs/oso-dataset/src';
import { REPO_ROOT, builtEntry, runBuilt } from '../support/built-process';
import { POVO_DOSSIER } from '../support/large-dossiers';
import { describeOnOfficialExamples, officialExampleFiles } from '../support/official-examples';

const json = async (args: string[]) => {
  const result = await runBuilt('cli', ['validate', '--json', ...args]);
  return { ...result, verdicts: result.stdout.map((line) => JSON.parse(line)) };
};

describeOnOfficialExamples('oso validate on the official examples', () => {
  it.each(['official', 'strict'])('finds every official example valid with --rules %s', async (rules) => {
    const result = await json(['--rules', rules, ...officialExampleFiles()]);
    expect(result.code).toBe(0);
    expect(result.verdicts).toHaveLength(12);
    for (const verdict of result.verdicts) {
      expect(verdict).toMatchObject({ valid: true, errors: [] });
      expect(verdict.profile).toMatch(/^(POPO|POVO|VOVO|POSWV|VOSWV)$/);
    }
  });
});

/** `oso validate` as a vendor runs it: the built CLI, our schema compiled by libxml2, all the rules. */
describe('oso validate', () => {
  const povo = POVO_DOSSIER.xml;
  let dir: string;
  let popoFile: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oso-validate-'));
    popoFile = write('popo.xml', generateDossier({ profile: 'POPO', seed: 2 }).xml);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  it.each(['official', 'strict'])('finds generated dossiers valid with --rules %s', async (rules) => {
    const files = [write('povo.xml', povo), popoFile];
    const result = await json(['--rules', rules, ...files]);
    expect(result.code).toBe(0);
    expect(result.verdicts.map((verdict: { profile: string }) => verdict.profile)).toEqual(['POVO', 'POPO']);
    for (const verdict of result.verdicts) expect(verdict).toMatchObject({ valid: true, errors: [] });
  });

  it.each([
    [
      'wrong namespace',
      povo.replace('oso_gegevensset/2019/dossier', 'oso_gegevensset/2018/dossier'),
      'DOSSIER_WRONG_NAMESPACE',
    ],
    [
      'wrong standaardversie',
      povo.replace('<standaardversie>2019.1</standaardversie>', '<standaardversie>2018.1</standaardversie>'),
      'DOSSIER_WRONG_VERSION',
    ],
    [
      'a padded standaardversie',
      povo.replace('<standaardversie>2019.1</standaardversie>', '<standaardversie> 2019.1</standaardversie>'),
      'DOSSIER_WRONG_VERSION',
    ],
    [
      'a DTD',
      povo.replace('<dossier ', '<!DOCTYPE dossier [<!ENTITY x "y">]>\n<dossier '),
      'DOSSIER_DTD_FORBIDDEN',
    ],
    ['broken XML', povo.replace('</metadata>', '</metadataa>'), 'DOSSIER_NOT_WELL_FORMED'],
    [
      'an unknown element',
      povo.replace('<overdrachtsoort>', '<onbekend>x</onbekend><overdrachtsoort>'),
      'XSD',
    ],
    ['a missing required element', povo.replace(/<overdrachtsoort>[^<]*<\/overdrachtsoort>/, ''), 'XSD'],
    [
      'a bad date',
      povo.replace(/<geboortedatum>[^<]*<\/geboortedatum>/, '<geboortedatum>17-03-2003</geboortedatum>'),
      'XSD',
    ],
    [
      'a code outside its list',
      povo.replace('<akkoord>Nee</akkoord>', '<akkoord>Misschien</akkoord>'),
      'OSO.CL.37',
    ],
  ])('refuses %s with its own code', async (what, content, rule) => {
    const file = write(`${what.replace(/\W+/g, '-')}.xml`, content);
    const result = await json([file]);
    expect(result.code).toBe(1);
    const [verdict] = result.verdicts;
    expect(verdict.valid).toBe(false);
    expect(verdict.errors.map((error: { rule: string }) => error.rule)).toContain(rule);
    for (const error of verdict.errors)
      expect(error).toEqual(
        expect.objectContaining({
          rule: expect.any(String),
          path: expect.any(String),
          message: expect.any(String),
        }),
      );
  });

  it('refuses a dossier over the size limit before parsing it', async () => {
    const result = await json(['--max-bytes', '1000', popoFile]);
    expect(result.code).toBe(1);
    expect(result.verdicts[0].errors[0].rule).toBe('DOSSIER_TOO_LARGE');
  });

  it('prints one line per file without --json, and exits 1 when any file is invalid', async () => {
    const bad = write('bad.xml', povo.replace('<akkoord>Nee</akkoord>', '<akkoord>Misschien</akkoord>'));
    const result = await runBuilt('cli', ['validate', popoFile, bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toHaveLength(2);
    expect(result.stdout[0]).toMatch(/: valid \(POPO/);
    expect(result.stdout[1]).toMatch(
      /bad\.xml: invalid \(POVO\), 1 error\(s\): OSO\.CL\.37 at \/dossier\/inzage\/akkoord \(line \d+\)/,
    );
  });

  it('exits 2 for usage and I/O problems', async () => {
    expect((await runBuilt('cli', ['validate', '--rules', 'lenient', popoFile])).code).toBe(2);
    const missing = await runBuilt('cli', ['validate', join(dir, 'nope.xml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.join('\n')).toMatch(/cannot read .*nope\.xml: ENOENT/);
  });
  it('gives a slow reader every verdict, also when a dossier is invalid (exit code 1)', async () => {
    // More output than a pipe holds, read only after a pause: an exit before the writes went out loses lines.
    const files = Array.from({ length: 300 }, (_, index) =>
      write(
        `broken-${index}.xml`,
        generateDossier({ profile: 'POVO', seed: index + 1, breakRule: 'OVa.IZ02' }).xml,
      ),
    );
    const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
    const script =
      `${quote(process.execPath)} ${quote(builtEntry('cli'))} validate --json ${files.map(quote).join(' ')}` +
      ` | (sleep 1; wc -l); echo "exit \${PIPESTATUS[0]}"`;
    const output = await new Promise<string>((resolve, reject) => {
      const shell = spawn('bash', ['-c', script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      shell.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      shell.on('error', reject);
      shell.on('close', () => resolve(text));
    });
    expect(output.trim().split(/\s+/)).toEqual(['300', 'exit', '1']);
  });
});
