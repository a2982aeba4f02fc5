import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuilt } from '../support/built-process';
import { osoInProcess } from '../support/oso-in-process';
import { OTHER_TEST_BOARD, TEST_BOARD } from '../support/school-boards';
import { createSuiteDatabase } from '../support/suite-database';

/**
 * The `oso` commands a newcomer types, against a fresh (unmigrated) database. The first command of each
 * kind runs as the built CLI's own process (its exit code and output as a shell sees them); the rest go
 * through the same command tree in this process, since a process each would test start-up a dozen times.
 */
describe('oso registry and pki commands', () => {
  let env: Record<string, string>;
  let pkiDir: string;
  const oso = (...args: string[]) => osoInProcess(args, env);
  const osoProcess = (...args: string[]) => runBuilt('cli', args, env);

  beforeAll(async () => {
    pkiDir = mkdtempSync(join(tmpdir(), 'oso-cli-'));
    env = { DATABASE_URL: await createSuiteDatabase('cli', { migrate: false }), PKI_DIR: pkiDir };
  });
  afterAll(() => rmSync(pkiDir, { recursive: true, force: true }));

  it('sets up two vendors and their schools, issues and revokes a certificate', async () => {
    const init = await osoProcess('pki', 'init');
    expect({ code: init.code, stdout: init.stdout }).toEqual({
      code: 0,
      stdout: [
        `development CA created in ${pkiDir}`,
        `broker client certificate (webhook calls): ${join(pkiDir, 'broker-client.crt')}`,
        `exchange log key created: ${join(pkiDir, 'log-key')}`,
        `  public key: ${join(pkiDir, 'log-key.pub')}`,
      ],
    });
    for (const args of [
      ['registry', 'add-vendor', 'acme-las', '--name', 'Acme LAS'],
      ['registry', 'add-vendor', 'beta-las', '--name', 'Beta LAS'],
      [
        'registry',
        'add-school',
        '12AB00',
        '--name',
        'De Linde',
        '--sector',
        'po',
        '--bevoegd-gezag',
        TEST_BOARD,
      ],
      [
        'registry',
        'add-school',
        '34CD00',
        '--name',
        'Het College',
        '--sector',
        'VO',
        '--bevoegd-gezag',
        TEST_BOARD,
      ],
      ['registry', 'mandate', '--school', '12AB00', '--vendor', 'acme-las'],
      ['registry', 'mandate', '--school', '34CD00', '--vendor', 'beta-las', '--until', '2099-01-01'],
      ['registry', 'add-auditor', 'inspectie', '--supervisory'],
    ]) {
      const result = await oso(...args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: [] });
    }

    const issued = await oso('pki', 'issue', '--vendor', 'acme-las');
    expect(issued.code).toBe(0);
    const serial = /certificate ([0-9a-f]+) issued/.exec(issued.stdout[0])?.[1] as string;
    expect(serial).toBeDefined();
    expect(existsSync(join(pkiDir, 'vendors', 'acme-las.crt'))).toBe(true);
    expect(existsSync(join(pkiDir, 'vendors', 'acme-las.key'))).toBe(true);

    const list = await oso('registry', 'list', '--json');
    const snapshot = JSON.parse(list.stdout.join('\n'));
    expect(snapshot.vendors.map((vendor: { id: string }) => vendor.id)).toEqual(['acme-las', 'beta-las']);
    expect(snapshot.schools.map((school: { sector: string }) => school.sector)).toEqual(['PO', 'VO']);
    expect(snapshot.mandates).toHaveLength(2);
    expect(snapshot.certificates).toEqual([
      expect.objectContaining({ serial, vendorId: 'acme-las', revokedAt: null }),
    ]);

    expect((await oso('pki', 'revoke', serial.toUpperCase(), '--reason', 'keyCompromise')).code).toBe(0);
    const table = (await oso('registry', 'list')).stdout.join('\n');
    expect(table).toMatch(new RegExp(`${serial}\\s+vendor acme-las\\s+\\S+\\s+revoked`));

    expect((await oso('registry', 'revoke-mandate', '--school', '12AB00', '--vendor', 'acme-las')).code).toBe(
      0,
    );
    expect((await oso('registry', 'list')).stdout.join('\n')).toMatch(
      /12AB00\s+acme-las\s+both\s+\S+\s+-\s+revoked/,
    );
  });

  it('answers a refusal with its code and exit 1, and a usage error with exit 2', async () => {
    const duplicate = await osoProcess('registry', 'add-vendor', 'acme-las', '--name', 'Again');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toEqual(['oso: VENDOR_EXISTS: vendor "acme-las" is already registered']);

    const badSchool = await oso(
      'registry',
      'add-school',
      '12AB',
      '--name',
      'x',
      '--sector',
      'PO',
      '--bevoegd-gezag',
      TEST_BOARD,
    );
    expect(badSchool.code).toBe(1);
    expect(badSchool.stderr[0]).toMatch(/^oso: INVALID_SCHOOL_CODE: .*12AB00/);

    const unknown = await oso('pki', 'issue', '--vendor', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toEqual(['oso: UNKNOWN_VENDOR: no vendor "nobody" is registered']);

    const missingOption = await osoProcess('registry', 'mandate', '--school', '12AB00');
    expect(missingOption.code).toBe(2);
    expect(missingOption.stderr.join('\n')).toMatch(/--vendor/);

    const both = await oso('pki', 'issue', '--vendor', 'acme-las', '--auditor', 'inspectie');
    expect(both.code).toBe(2);
    expect(both.stderr.join('\n')).toMatch(/exactly one of --vendor or --auditor/);
  });

  it('records which side of transfers a mandate covers', async () => {
    const granted = await oso(
      'registry',
      'mandate',
      '--school',
      '34CD00',
      '--vendor',
      'acme-las',
      '--side',
      'target',
    );
    expect(granted.stdout).toEqual(['school 34CD00 mandates vendor acme-las (target)']);
    const snapshot = JSON.parse((await oso('registry', 'list', '--json')).stdout.join('\n'));
    expect(snapshot.mandates.map((mandate: { side: string }) => mandate.side).sort()).toEqual([
      'both',
      'both',
      'target',
    ]);
    expect(
      (await oso('registry', 'mandate', '--school', '12AB00', '--vendor', 'beta-las', '--side', 'sideways'))
        .code,
    ).toBe(2);
  });

  it('scopes auditors by school board, and changes vendors, schools and auditors', async () => {
    const added = await oso('registry', 'add-auditor', 'privacy.linde', '--board', TEST_BOARD);
    expect({ code: added.code, stdout: added.stdout }).toEqual({
      code: 0,
      stdout: [`auditor privacy.linde (boards ${TEST_BOARD}) registered`],
    });
    const noScope = await oso('registry', 'add-auditor', 'nobody-sees');
    expect(noScope.code).toBe(1);
    expect(noScope.stderr[0]).toMatch(/^oso: INVALID_AUDITOR_SCOPE: .*board.*supervisory/);
    const both = await oso('registry', 'add-auditor', 'both', '--board', TEST_BOARD, '--supervisory');
    expect([both.code, both.stderr[0]]).toEqual([1, expect.stringMatching(/^oso: INVALID_AUDITOR_SCOPE: /)]);
    const badBoard = await oso(
      'registry',
      'add-school',
      '56EF00',
      '--name',
      'x',
      '--sector',
      'PO',
      '--bevoegd-gezag',
      '123',
    );
    expect([badBoard.code, badBoard.stderr[0]]).toEqual([
      1,
      expect.stringMatching(/^oso: INVALID_BEVOEGD_GEZAG: .*5-digit DUO number/),
    ]);
    const noBoard = await oso('registry', 'add-school', '56EF00', '--name', 'x', '--sector', 'PO');
    expect(noBoard.code).toBe(2);
    expect(noBoard.stderr.join('\n')).toMatch(/--bevoegd-gezag/);

    const moved = await osoProcess(
      'registry',
      'change-school',
      '34CD00',
      '--bevoegd-gezag',
      OTHER_TEST_BOARD,
    );
    expect({ code: moved.code, stdout: moved.stdout }).toEqual({
      code: 0,
      stdout: [`school 34CD00: name "Het College", bevoegd gezag ${OTHER_TEST_BOARD}`],
    });
    expect(
      (await oso('registry', 'change-vendor', 'acme-las', '--name', 'Acme Leerlingvolgsysteem')).stdout,
    ).toEqual(['vendor acme-las: name "Acme Leerlingvolgsysteem"']);
    expect(
      (
        await oso(
          'registry',
          'change-auditor',
          'privacy.linde',
          '--board',
          OTHER_TEST_BOARD,
          '--board',
          TEST_BOARD,
        )
      ).stdout,
    ).toEqual([`auditor privacy.linde: boards ${TEST_BOARD}, ${OTHER_TEST_BOARD}`]);
    expect(
      (await oso('registry', 'change-auditor', 'inspectie', '--board', OTHER_TEST_BOARD)).stdout,
    ).toEqual([`auditor inspectie: boards ${OTHER_TEST_BOARD}`]);
    expect((await oso('registry', 'change-auditor', 'inspectie', '--supervisory')).stdout).toEqual([
      'auditor inspectie: supervisory: every school',
    ]);

    const unknown = await oso('registry', 'change-auditor', 'nobody', '--supervisory');
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      ['oso: UNKNOWN_AUDITOR: no auditor "nobody" is registered'],
    ]);
    const unknownSchool = await oso('registry', 'change-school', '99ZZ00', '--name', 'x');
    expect([unknownSchool.code, unknownSchool.stderr[0]]).toEqual([
      1,
      expect.stringMatching(/^oso: UNKNOWN_SCHOOL: /),
    ]);
    const unknownVendor = await oso('registry', 'change-vendor', 'nobody', '--name', 'x');
    expect([unknownVendor.code, unknownVendor.stderr[0]]).toEqual([
      1,
      expect.stringMatching(/^oso: UNKNOWN_VENDOR: /),
    ]);
    for (const args of [
      ['registry', 'change-school', '34CD00'],
      ['registry', 'change-auditor', 'privacy.linde'],
      ['registry', 'change-vendor', 'acme-las'],
    ]) {
      expect({ args, code: (await oso(...args)).code }).toEqual({ args, code: 2 });
    }

    const snapshot = JSON.parse((await oso('registry', 'list', '--json')).stdout.join('\n'));
    expect(
      snapshot.schools.map((school: { brin: string; bevoegdGezag: string }) => [
        school.brin,
        school.bevoegdGezag,
      ]),
    ).toEqual([
      ['12AB', TEST_BOARD],
      ['34CD', OTHER_TEST_BOARD],
    ]);
    expect(
      snapshot.auditors.map((auditor: { name: string; boards: string[]; supervisory: boolean }) => [
        auditor.name,
        auditor.boards,
        auditor.supervisory,
      ]),
    ).toEqual([
      ['inspectie', [], true],
      ['privacy.linde', [TEST_BOARD, OTHER_TEST_BOARD], false],
    ]);
    const table = (await oso('registry', 'list')).stdout.join('\n');
    expect(table).toMatch(new RegExp(`34CD00\\s+VO\\s+${OTHER_TEST_BOARD}\\s+Het College`));
    expect(table).toMatch(new RegExp(`privacy\\.linde\\s+boards ${TEST_BOARD}, ${OTHER_TEST_BOARD}`));
  });

  it('re-wraps stored dossier keys with oso vault rotate, and refuses a vault without keys', async () => {
    const rotated = await oso('vault', 'rotate');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toEqual([
      `vault: 0 dossier key(s) re-wrapped under "${process.env.VAULT_ACTIVE_KEK}", 0 already were; keys no longer in use can now leave VAULT_KEKS`,
    ]);
    const withoutKeys = await osoInProcess(['vault', 'rotate'], { ...env, VAULT_KEKS: 'k1:short' });
    expect(withoutKeys.code).toBe(2);
    expect(withoutKeys.stderr.join('\n')).toMatch(/VAULT_KEKS/);
    expect(withoutKeys.stderr.join('\n')).not.toContain('short');
  });
});
