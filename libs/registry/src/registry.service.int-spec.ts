import { BROKER_SCHEMA } from '@app/broker-schema';
import { PersistenceModule } from '@app/persistence';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { ClientCertificateEntity } from './client-certificate.entity';
import { RegistryError, RegistryErrorCode } from './registry-error';
import { UNKNOWN_BEVOEGD_GEZAG } from './registry-rules';
import { RegistryModule } from './registry.module';
import { CertificateFacts, RegistryService } from './registry.service';
import { SchoolEntity } from './school.entity';
import { OTHER_TEST_BOARD, TEST_BOARD } from '../../../test/support/school-boards';

async function refusal(work: Promise<unknown>): Promise<RegistryErrorCode> {
  try {
    await work;
  } catch (error) {
    if (error instanceof RegistryError) return error.code;
    throw error;
  }
  throw new Error('expected a RegistryError, but the call succeeded');
}

function facts(fingerprintHexDigit: string, serial: string): CertificateFacts {
  return {
    fingerprintSha256: fingerprintHexDigit.repeat(64),
    serial,
    subject: 'CN=test',
    issuer: 'CN=test CA',
    notBefore: new Date(Date.now() - 1000),
    notAfter: new Date(Date.now() + 86_400_000),
  };
}

describe('RegistryService on PostgreSQL', () => {
  let context: INestApplicationContext;
  let registry: RegistryService;
  let dataSource: DataSource;

  beforeAll(async () => {
    const url = await createSuiteDatabase('registry');
    @Module({
      imports: [PersistenceModule.forRoot({ url, startupTimeoutSeconds: 5 }, BROKER_SCHEMA), RegistryModule],
    })
    class RegistryTestModule {}
    context = await NestFactory.createApplicationContext(RegistryTestModule, { logger: false });
    registry = context.get(RegistryService);
    dataSource = context.get(DataSource);
    await registry.addVendor({ id: 'acme-las', name: 'Acme LAS' });
    await registry.addSchool({ code: '12AB00', name: 'De Linde', sector: 'PO', bevoegdGezag: TEST_BOARD });
  });

  afterAll(() => context?.close());

  it('refuses duplicates and malformed entries with stable codes', async () => {
    expect(await refusal(registry.addVendor({ id: 'acme-las', name: 'Again' }))).toBe('VENDOR_EXISTS');
    expect(await refusal(registry.addVendor({ id: 'Acme LAS', name: 'x' }))).toBe('INVALID_VENDOR_ID');
    // The id goes into the exchange log, which refuses what could be a BSN: the registry says so first.
    expect(await refusal(registry.addVendor({ id: 'las-12345678', name: 'x' }))).toBe('INVALID_VENDOR_ID');
    expect(await refusal(registry.addAuditor({ name: 'inspectie-20140602' }))).toBe('INVALID_NAME');
    expect(await refusal(registry.addVendor({ id: 'blank-name', name: '  ' }))).toBe('INVALID_NAME');
    expect(
      await refusal(
        registry.addSchool({ code: '12ab00', name: 'x', sector: 'PO', bevoegdGezag: TEST_BOARD }),
      ),
    ).toBe('SCHOOL_EXISTS');
    expect(
      await refusal(registry.addSchool({ code: '12AB', name: 'x', sector: 'PO', bevoegdGezag: TEST_BOARD })),
    ).toBe('INVALID_SCHOOL_CODE');
    expect(
      await refusal(
        registry.addSchool({ code: '99ZZ00', name: 'x', sector: 'HBO', bevoegdGezag: TEST_BOARD }),
      ),
    ).toBe('INVALID_SECTOR');
    expect(await refusal(registry.grantMandate({ schoolCode: '99ZZ00', vendorId: 'acme-las' }))).toBe(
      'UNKNOWN_SCHOOL',
    );
    expect(await refusal(registry.grantMandate({ schoolCode: '12AB00', vendorId: 'nobody' }))).toBe(
      'UNKNOWN_VENDOR',
    );
  });

  it('keeps the database itself strict about BRIN codes and sectors', async () => {
    await expect(
      dataSource.query(
        `INSERT INTO schools (brin, vestiging, name, sector, bevoegd_gezag) VALUES ('1ABC', '00', 'x', 'PO', '10001')`,
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      dataSource.query(
        `INSERT INTO schools (brin, vestiging, name, sector, bevoegd_gezag) VALUES ('12AB', '07', 'x', 'HBO', '10001')`,
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      dataSource.query(
        `INSERT INTO schools (brin, vestiging, name, sector, bevoegd_gezag) VALUES ('12AB', '07', 'x', 'PO', '4199')`,
      ),
    ).rejects.toThrow(/ck_schools_bevoegd_gezag/);
    await expect(
      dataSource.query(
        `INSERT INTO schools (brin, vestiging, name, sector) VALUES ('12AB', '07', 'x', 'PO')`,
      ),
    ).rejects.toThrow(/bevoegd_gezag/);
    await expect(
      dataSource.query(`INSERT INTO auditors (name, boards, supervisory) VALUES ('both', '{10001}', true)`),
    ).rejects.toThrow(/ck_auditors_scope/);
    await expect(
      dataSource.query(`INSERT INTO auditors (name, boards) VALUES ('short-board', '{10001,123}')`),
    ).rejects.toThrow(/ck_auditors_scope/);
  });

  it('grants, lists and revokes mandates, keeping history', async () => {
    await registry.addSchool({ code: '34CD00', name: 'Het College', sector: 'VO', bevoegdGezag: TEST_BOARD });
    await registry.grantMandate({ schoolCode: '34CD00', vendorId: 'acme-las' });
    expect(await refusal(registry.grantMandate({ schoolCode: '34CD00', vendorId: 'acme-las' }))).toBe(
      'MANDATE_EXISTS',
    );
    expect((await registry.mandatedSchools('acme-las')).map((school) => school.brin)).toEqual(['34CD']);

    await registry.revokeMandate({ schoolCode: '34CD00', vendorId: 'acme-las' });
    expect(await registry.mandatedSchools('acme-las')).toEqual([]);
    expect(await refusal(registry.revokeMandate({ schoolCode: '34CD00', vendorId: 'acme-las' }))).toBe(
      'NO_ACTIVE_MANDATE',
    );
    // Granting again after a revocation is allowed; both rows remain.
    await registry.grantMandate({ schoolCode: '34CD00', vendorId: 'acme-las' });
    const rows = await dataSource.query(
      `SELECT revoked_at FROM mandates m JOIN schools s ON s.id = m.school_id WHERE s.brin = '34CD'`,
    );
    expect(rows).toHaveLength(2);
  });

  it('honours a mandate period: not before its start, not after its end', async () => {
    await registry.addSchool({ code: '56EF00', name: 'Later', sector: 'PO', bevoegdGezag: TEST_BOARD });
    const start = new Date(Date.now() + 86_400_000);
    await registry.grantMandate({ schoolCode: '56EF00', vendorId: 'acme-las', validFrom: start });
    const brins = async (at: Date) =>
      (await registry.mandatedSchools('acme-las', at)).map((school) => school.brin);
    expect(await brins(new Date())).not.toContain('56EF');
    expect(await brins(new Date(start.getTime() + 1000))).toContain('56EF');
    expect(
      await refusal(
        registry.grantMandate({
          schoolCode: '12AB00',
          vendorId: 'acme-las',
          validFrom: start,
          validUntil: start,
        }),
      ),
    ).toBe('INVALID_MANDATE_PERIOD');
  });

  it('binds a certificate to exactly one owner and revokes it by serial', async () => {
    await registry.addAuditor({ name: 'inspectie', supervisory: true });
    await registry.bindCertificate({ kind: 'vendor', vendorId: 'acme-las' }, facts('a', '1f2e'));
    await registry.bindCertificate({ kind: 'auditor', auditorName: 'inspectie' }, facts('b', '3c4d'));
    expect(
      await refusal(registry.bindCertificate({ kind: 'vendor', vendorId: 'acme-las' }, facts('a', '1f2e'))),
    ).toBe('CERTIFICATE_ALREADY_BOUND');
    expect(
      await refusal(registry.bindCertificate({ kind: 'auditor', auditorName: 'nobody' }, facts('c', '5e'))),
    ).toBe('UNKNOWN_AUDITOR');

    const vendorCertificate = await registry.findCertificate('a'.repeat(64));
    expect(vendorCertificate?.vendor?.id).toBe('acme-las');
    expect(vendorCertificate?.auditor).toBeNull();
    expect((await registry.findCertificate('b'.repeat(64)))?.auditor?.name).toBe('inspectie');
    expect(await registry.findCertificate('d'.repeat(64))).toBeNull();

    // Serials are matched however the operator types them.
    await registry.revokeCertificate('00:1F:2E', 'keyCompromise');
    expect(await refusal(registry.revokeCertificate('1f2e', 'superseded'))).toBe(
      'CERTIFICATE_ALREADY_REVOKED',
    );
    expect(await refusal(registry.revokeCertificate('ffff', 'superseded'))).toBe('UNKNOWN_CERTIFICATE');
    const revoked = await registry.revokedCertificates();
    expect(revoked.map((certificate) => [certificate.serial, certificate.revocationReason])).toEqual([
      ['1f2e', 'keyCompromise'],
    ]);

    await expect(
      dataSource.query(
        `UPDATE client_certificates SET auditor_id = (SELECT id FROM auditors LIMIT 1) WHERE serial = '1f2e'`,
      ),
    ).rejects.toThrow(/ck_client_certificates_one_owner/);
  });

  it('reads certificates and schools in plain SQL exactly as TypeORM would load them', async () => {
    // The plain reads (#13) must not differ from TypeORM's hydration: classes, types, absent owner null.
    for (const digit of ['a', 'b', 'e']) {
      const fingerprintSha256 = digit.repeat(64);
      expect(await registry.findCertificate(fingerprintSha256)).toStrictEqual(
        await dataSource.getRepository(ClientCertificateEntity).findOne({
          where: { fingerprintSha256 },
          relations: { vendor: true, auditor: true },
        }),
      );
    }
    const school = await dataSource
      .getRepository(SchoolEntity)
      .findOneByOrFail({ brin: '12AB', vestiging: '00' });
    expect(await registry.findSchool('12ab00')).toStrictEqual(school);
    expect(await registry.schoolById(school.id)).toStrictEqual(school);
    expect(await registry.schoolsWithIds([school.id, school.id])).toStrictEqual([school]);
    expect(await refusal(registry.findSchool('99ZZ00'))).toBe('UNKNOWN_SCHOOL');
    expect(await refusal(registry.findSchool('12AB0'))).toBe('INVALID_SCHOOL_CODE');
    expect(await refusal(registry.schoolById('00000000-0000-4000-8000-000000000000'))).toBe('UNKNOWN_SCHOOL');
  });

  it('requires every school to name its bevoegd gezag: five digits, refused before anything is written', async () => {
    for (const bevoegdGezag of ['4199', '419990', '4199a', ' 41999', '', undefined, UNKNOWN_BEVOEGD_GEZAG]) {
      expect(
        await refusal(
          registry.addSchool({
            code: '90AA00',
            name: 'x',
            sector: 'PO',
            bevoegdGezag: bevoegdGezag as string,
          }),
        ),
      ).toBe('INVALID_BEVOEGD_GEZAG');
    }
    expect(await refusal(registry.findSchool('90AA00'))).toBe('UNKNOWN_SCHOOL');
    const school = await registry.addSchool({
      code: '78GH00',
      name: 'Bestuur twee',
      sector: 'VO',
      bevoegdGezag: OTHER_TEST_BOARD,
    });
    expect((await registry.findSchool('78GH00')).bevoegdGezag).toBe(OTHER_TEST_BOARD);
    expect(school.bevoegdGezag).toBe(OTHER_TEST_BOARD);
  });

  it('gives an auditor exactly one scope: its boards, or supervisory', async () => {
    expect(await refusal(registry.addAuditor({ name: 'no-scope' }))).toBe('INVALID_AUDITOR_SCOPE');
    expect(await refusal(registry.addAuditor({ name: 'no-scope', boards: [] }))).toBe(
      'INVALID_AUDITOR_SCOPE',
    );
    expect(await refusal(registry.addAuditor({ name: 'no-scope', supervisory: false }))).toBe(
      'INVALID_AUDITOR_SCOPE',
    );
    expect(
      await refusal(registry.addAuditor({ name: 'no-scope', boards: [TEST_BOARD], supervisory: true })),
    ).toBe('INVALID_AUDITOR_SCOPE');
    expect(await refusal(registry.addAuditor({ name: 'no-scope', boards: ['123'] }))).toBe(
      'INVALID_BEVOEGD_GEZAG',
    );
    // The placeholder of schools from before the field: never a board an auditor can belong to.
    expect(await refusal(registry.addAuditor({ name: 'no-scope', boards: [UNKNOWN_BEVOEGD_GEZAG] }))).toBe(
      'INVALID_BEVOEGD_GEZAG',
    );
    expect(await refusal(registry.findAuditor('no-scope'))).toBe('UNKNOWN_AUDITOR');

    await registry.addAuditor({
      name: 'privacy.board',
      boards: [OTHER_TEST_BOARD, TEST_BOARD, OTHER_TEST_BOARD],
    });
    await registry.addAuditor({ name: 'ap', supervisory: true });
    // Stored once each and sorted, as the log records them.
    expect(await registry.findAuditor('privacy.board')).toMatchObject({
      boards: [TEST_BOARD, OTHER_TEST_BOARD],
      supervisory: false,
    });
    expect(await registry.findAuditor('ap')).toMatchObject({ boards: [], supervisory: true });
  });

  it("finds the codes of a board's schools, and of no other board's", async () => {
    await registry.addSchool({
      code: '78GH01',
      name: 'Dependance',
      sector: 'VO',
      bevoegdGezag: OTHER_TEST_BOARD,
    });
    expect(await registry.schoolCodesOfBoards([OTHER_TEST_BOARD])).toEqual(['78GH00', '78GH01']);
    expect(await registry.schoolCodesOfBoards([TEST_BOARD])).toEqual(['12AB00', '34CD00', '56EF00']);
    expect(await registry.schoolCodesOfBoards([OTHER_TEST_BOARD, TEST_BOARD])).toEqual([
      '12AB00',
      '34CD00',
      '56EF00',
      '78GH00',
      '78GH01',
    ]);
    expect(await registry.schoolCodesOfBoards(['99999'])).toEqual([]);
    expect(await registry.schoolCodesOfBoards([])).toEqual([]);
  });

  it('changes a vendor, a school and an auditor, and refuses what add would refuse', async () => {
    expect((await registry.changeVendor({ id: 'acme-las', name: 'Acme Leerlingvolgsysteem' })).name).toBe(
      'Acme Leerlingvolgsysteem',
    );
    expect((await registry.findVendor('acme-las')).name).toBe('Acme Leerlingvolgsysteem');
    expect(await refusal(registry.changeVendor({ id: 'nobody', name: 'x' }))).toBe('UNKNOWN_VENDOR');
    expect(await refusal(registry.changeVendor({ id: 'acme-las', name: ' ' }))).toBe('INVALID_NAME');

    // A school moves to another board: the board auditors' views follow.
    await registry.changeSchool({ code: '78GH01', bevoegdGezag: TEST_BOARD, name: 'Dependance Oost' });
    expect(await registry.findSchool('78GH01')).toMatchObject({
      name: 'Dependance Oost',
      bevoegdGezag: TEST_BOARD,
    });
    expect(await registry.schoolCodesOfBoards([OTHER_TEST_BOARD])).toEqual(['78GH00']);
    expect(await refusal(registry.changeSchool({ code: '78GH00', bevoegdGezag: '1234' }))).toBe(
      'INVALID_BEVOEGD_GEZAG',
    );
    expect(await refusal(registry.changeSchool({ code: '99ZZ00', name: 'x' }))).toBe('UNKNOWN_SCHOOL');
    expect(await refusal(registry.changeSchool({ code: '99ZZ', name: 'x' }))).toBe('INVALID_SCHOOL_CODE');
    expect((await registry.findSchool('78GH00')).bevoegdGezag).toBe(OTHER_TEST_BOARD);

    // Boards alone make a board auditor, supervisory alone a supervisory one; what is not given stays.
    await registry.changeAuditor({ name: 'privacy.board', supervisory: true });
    expect(await registry.findAuditor('privacy.board')).toMatchObject({ boards: [], supervisory: true });
    await registry.changeAuditor({ name: 'privacy.board', boards: [OTHER_TEST_BOARD] });
    expect(await registry.findAuditor('privacy.board')).toMatchObject({
      boards: [OTHER_TEST_BOARD],
      supervisory: false,
    });
    await registry.changeAuditor({ name: 'privacy.board', supervisory: false });
    expect((await registry.findAuditor('privacy.board')).boards).toEqual([OTHER_TEST_BOARD]);
    expect(await refusal(registry.changeAuditor({ name: 'privacy.board', boards: [] }))).toBe(
      'INVALID_AUDITOR_SCOPE',
    );
    expect(
      await refusal(
        registry.changeAuditor({ name: 'privacy.board', boards: [TEST_BOARD], supervisory: true }),
      ),
    ).toBe('INVALID_AUDITOR_SCOPE');
    expect(await refusal(registry.changeAuditor({ name: 'ap', supervisory: false }))).toBe(
      'INVALID_AUDITOR_SCOPE',
    );
    expect(await refusal(registry.changeAuditor({ name: 'nobody', supervisory: true }))).toBe(
      'UNKNOWN_AUDITOR',
    );
    expect(await registry.findAuditor('privacy.board')).toMatchObject({
      boards: [OTHER_TEST_BOARD],
      supervisory: false,
    });
    expect(await registry.findAuditor('ap')).toMatchObject({ boards: [], supervisory: true });
  });
});
