import { BROKER_SCHEMA } from '@app/broker-schema';
import { PersistenceModule } from '@app/persistence';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { RegistryError, RegistryErrorCode } from './registry-error';
import { RegistryModule } from './registry.module';
import { CertificateFacts, RegistryService } from './registry.service';

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
    await registry.addSchool({ code: '12AB00', name: 'De Linde', sector: 'PO' });
  });

  afterAll(() => context?.close());

  it('refuses duplicates and malformed entries with stable codes', async () => {
    expect(await refusal(registry.addVendor({ id: 'acme-las', name: 'Again' }))).toBe('VENDOR_EXISTS');
    expect(await refusal(registry.addVendor({ id: 'Acme LAS', name: 'x' }))).toBe('INVALID_VENDOR_ID');
    // The id goes into the exchange log, which refuses what could be a BSN: the registry says so first.
    expect(await refusal(registry.addVendor({ id: 'las-12345678', name: 'x' }))).toBe('INVALID_VENDOR_ID');
    expect(await refusal(registry.addAuditor({ name: 'inspectie-20140602' }))).toBe('INVALID_NAME');
    expect(await refusal(registry.addVendor({ id: 'blank-name', name: '  ' }))).toBe('INVALID_NAME');
    expect(await refusal(registry.addSchool({ code: '12ab00', name: 'x', sector: 'PO' }))).toBe(
      'SCHOOL_EXISTS',
    );
    expect(await refusal(registry.addSchool({ code: '12AB', name: 'x', sector: 'PO' }))).toBe(
      'INVALID_SCHOOL_CODE',
    );
    expect(await refusal(registry.addSchool({ code: '99ZZ00', name: 'x', sector: 'HBO' }))).toBe(
      'INVALID_SECTOR',
    );
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
        `INSERT INTO schools (brin, vestiging, name, sector) VALUES ('1ABC', '00', 'x', 'PO')`,
      ),
    ).rejects.toThrow(/check constraint/);
    await expect(
      dataSource.query(
        `INSERT INTO schools (brin, vestiging, name, sector) VALUES ('12AB', '07', 'x', 'HBO')`,
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('grants, lists and revokes mandates, keeping history', async () => {
    await registry.addSchool({ code: '34CD00', name: 'Het College', sector: 'VO' });
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
    await registry.addSchool({ code: '56EF00', name: 'Later', sector: 'PO' });
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
    await registry.addAuditor({ name: 'inspectie' });
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
});
