import { BROKER_SCHEMA } from '@app/broker-schema';
import { PersistenceModule } from '@app/persistence';
import { RegistryModule, RegistryService, VendorEntity } from '@app/registry';
import type { RegistryEventRecorder } from '@app/registry';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { osoInProcess } from '../../../../test/support/oso-in-process';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { ENTRY_COLUMNS, ExchangeLogEntryRow, entryFromRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import { OSO_CLI_ACTOR, registryLogRecorder } from './registry-log-recorder';
import { TEST_BOARD } from '../../../../test/support/school-boards';

const FINGERPRINT = 'ab'.repeat(32);

async function entriesAfter(dataSource: DataSource, afterId: string) {
  const rows: ExchangeLogEntryRow[] = await dataSource.query(
    `SELECT ${ENTRY_COLUMNS} FROM ${EXCHANGE_LOG_TABLES.entries} WHERE id > $1 ORDER BY id`,
    [afterId],
  );
  return rows
    .map(entryFromRow)
    .map(({ type, actor, schools, details }) => ({ type, actor, schools, details }));
}

async function lastEntryId(dataSource: DataSource): Promise<string> {
  const [row] = await dataSource.query(
    `SELECT coalesce(max(id), 0)::text AS id FROM ${EXCHANGE_LOG_TABLES.entries}`,
  );
  return row.id;
}

describe('registry changes in the exchange log (real PostgreSQL)', () => {
  let url: string;
  let context: INestApplicationContext;
  let registry: RegistryService;
  let dataSource: DataSource;

  beforeAll(async () => {
    url = await createSuiteDatabase('registry_log');
    @Module({
      imports: [
        PersistenceModule.forRoot({ url, startupTimeoutSeconds: 5 }, BROKER_SCHEMA),
        RegistryModule.forRoot({ eventRecorder: registryLogRecorder(OSO_CLI_ACTOR) }),
      ],
    })
    class RegistryLogTestModule {}
    context = await NestFactory.createApplicationContext(RegistryLogTestModule, { logger: false });
    registry = context.get(RegistryService);
    dataSource = context.get(DataSource);
  });

  afterAll(() => context?.close());

  it('records every change through the service, in order, with ids and codes only', async () => {
    const before = await lastEntryId(dataSource);
    await registry.addSchool({ code: '12AB00', name: 'De Linde', sector: 'PO', bevoegdGezag: TEST_BOARD });
    await registry.addVendor({ id: 'acme-las', name: 'Acme LAS' });
    await registry.addAuditor({ name: 'privacy.linde', boards: [TEST_BOARD] });
    await registry.grantMandate({ schoolCode: '12AB00', vendorId: 'acme-las', side: 'source' });
    await registry.bindCertificate(
      { kind: 'vendor', vendorId: 'acme-las' },
      {
        fingerprintSha256: FINGERPRINT,
        serial: 'a1b2c',
        subject: 'CN=Acme LAS',
        issuer: 'CN=test CA',
        notBefore: new Date(Date.now() - 1000),
        notAfter: new Date(Date.now() + 86_400_000),
      },
    );
    await registry.revokeCertificate('0A1B2C', 'keyCompromise');
    await registry.revokeMandate({ schoolCode: '12AB00', vendorId: 'acme-las' });

    const operator = { kind: 'operator', id: 'oso-cli' };
    expect(await entriesAfter(dataSource, before)).toEqual([
      {
        type: 'school_added',
        actor: operator,
        schools: { subject: '12AB00' },
        details: { sector: 'PO', bevoegdGezag: TEST_BOARD },
      },
      { type: 'vendor_added', actor: operator, schools: {}, details: { vendorId: 'acme-las' } },
      {
        type: 'auditor_added',
        actor: operator,
        schools: {},
        details: { auditorId: 'privacy.linde', boards: [TEST_BOARD], supervisory: false },
      },
      {
        type: 'mandate_granted',
        actor: operator,
        schools: { subject: '12AB00' },
        details: { vendorId: 'acme-las', side: 'source' },
      },
      {
        type: 'certificate_issued',
        actor: operator,
        schools: {},
        // The registry's serial without leading zero, as whole bytes.
        details: { holderKind: 'vendor', holderId: 'acme-las', serial: '0a1b2c', fingerprint: FINGERPRINT },
      },
      {
        type: 'certificate_revoked',
        actor: operator,
        schools: {},
        details: { holderKind: 'vendor', holderId: 'acme-las', serial: '0a1b2c', reason: 'keyCompromise' },
      },
      {
        type: 'mandate_revoked',
        actor: operator,
        schools: { subject: '12AB00' },
        details: { vendorId: 'acme-las', side: 'source' },
      },
    ]);
  });

  it('names an auditor certificate holder by the auditor name', async () => {
    const before = await lastEntryId(dataSource);
    await registry.bindCertificate(
      { kind: 'auditor', auditorName: 'privacy.linde' },
      {
        fingerprintSha256: 'cd'.repeat(32),
        serial: 'ff01',
        subject: 'CN=privacy.linde',
        issuer: 'CN=test CA',
        notBefore: new Date(Date.now() - 1000),
        notAfter: new Date(Date.now() + 86_400_000),
      },
    );
    await registry.revokeCertificate('ff01', 'superseded');
    const details = (await entriesAfter(dataSource, before)).map((entry) => entry.details);
    expect(details).toEqual([
      { holderKind: 'auditor', holderId: 'privacy.linde', serial: 'ff01', fingerprint: 'cd'.repeat(32) },
      { holderKind: 'auditor', holderId: 'privacy.linde', serial: 'ff01', reason: 'superseded' },
    ]);
  });

  it('leaves no registry row when the recorder throws: the change rolls back with its entry', async () => {
    const refusing: RegistryEventRecorder = {
      record: async () => {
        throw new Error('the log refused the entry');
      },
    };
    const unrecorded = new RegistryService(dataSource, refusing);
    const before = await lastEntryId(dataSource);
    await expect(unrecorded.addVendor({ id: 'ghost-las', name: 'Ghost LAS' })).rejects.toThrow(
      'the log refused the entry',
    );
    await expect(unrecorded.grantMandate({ schoolCode: '12AB00', vendorId: 'acme-las' })).rejects.toThrow(
      'the log refused the entry',
    );
    expect(await dataSource.getRepository(VendorEntity).existsBy({ id: 'ghost-las' })).toBe(false);
    // The mandate revoked above is still the only one: the refused grant left nothing behind.
    expect(await registry.schoolsActingFor('acme-las', 'source')).toEqual([]);
    expect(await entriesAfter(dataSource, before)).toEqual([]);
  });

  it('refuses, before anything is written, an id the log would refuse (it could be a BSN)', async () => {
    const before = await lastEntryId(dataSource);
    await expect(registry.addVendor({ id: 'las-12345678', name: 'Digits' })).rejects.toMatchObject({
      code: 'INVALID_VENDOR_ID',
    });
    expect(await dataSource.getRepository(VendorEntity).existsBy({ id: 'las-12345678' })).toBe(false);
    expect(await entriesAfter(dataSource, before)).toEqual([]);
  });

  it('records `oso registry add-vendor` as the oso-cli operator', async () => {
    const pkiDir = mkdtempSync(join(tmpdir(), 'oso-registry-log-'));
    try {
      const before = await lastEntryId(dataSource);
      const run = await osoInProcess(['registry', 'add-vendor', 'cli-las', '--name', 'CLI LAS'], {
        DATABASE_URL: url,
        PKI_DIR: pkiDir,
      });
      expect(run).toMatchObject({ code: 0, stdout: ['vendor cli-las registered'] });
      expect(await entriesAfter(dataSource, before)).toEqual([
        { type: 'vendor_added', actor: operatorActor(), schools: {}, details: { vendorId: 'cli-las' } },
      ]);
    } finally {
      rmSync(pkiDir, { recursive: true, force: true });
    }
  });
});

function operatorActor() {
  return { kind: OSO_CLI_ACTOR.kind, id: OSO_CLI_ACTOR.id };
}
