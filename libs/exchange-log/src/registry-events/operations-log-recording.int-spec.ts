import { BROKER_SCHEMA } from '@app/broker-schema';
import { PersistenceModule } from '@app/persistence';
import { PkiModule, PkiService } from '@app/pki';
import { crlNumberOf } from '@app/pki/crl';
import { RegistryModule, RegistryService } from '@app/registry';
import { DossierVersionEntity, rotateDossierKeys } from '@app/transfers';
import type { KeyRotationRecorder } from '@app/transfers';
import { versionContext } from '@app/transfers/dossier-sealing';
import { DossierVault, readVaultConfig } from '@app/vault';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { TEST_BOARD } from '../../../../test/support/school-boards';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { ENTRY_COLUMNS, ExchangeLogEntryRow, entryFromRow } from '../storage/append-exchange-event';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';
import { OSO_CLI_ACTOR, registryLogRecorder } from './registry-log-recorder';
import { vaultRotationLogRecorder } from './vault-log-recorder';

async function entriesAfter(dataSource: DataSource, afterId: string) {
  const rows: ExchangeLogEntryRow[] = await dataSource.query(
    `SELECT ${ENTRY_COLUMNS} FROM ${EXCHANGE_LOG_TABLES.entries} WHERE id > $1 ORDER BY id`,
    [afterId],
  );
  return rows.map(entryFromRow).map(({ type, actor, details }) => ({ type, actor, details }));
}

async function lastEntryId(dataSource: DataSource): Promise<string> {
  const [row] = await dataSource.query(
    `SELECT coalesce(max(id), 0)::text AS id FROM ${EXCHANGE_LOG_TABLES.entries}`,
  );
  return row.id;
}

const kek = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

/** The CA's CRLs and the vault's key rotations in the exchange log (real PostgreSQL, real CA, real vault). */
describe('CRL publications and vault key rotations in the exchange log', () => {
  let context: INestApplicationContext;
  let dataSource: DataSource;
  let registry: RegistryService;
  let pki: PkiService;
  let pkiDir: string;

  beforeAll(async () => {
    const url = await createSuiteDatabase('operations_log');
    pkiDir = mkdtempSync(join(tmpdir(), 'oso-operations-log-'));
    @Module({
      imports: [
        PersistenceModule.forRoot({ url, startupTimeoutSeconds: 5 }, BROKER_SCHEMA),
        RegistryModule.forRoot({ eventRecorder: registryLogRecorder(OSO_CLI_ACTOR) }),
        PkiModule.forRoot({ dir: pkiDir, clientCertificateDays: 30, crlDays: 30 }),
      ],
    })
    class OperationsLogTestModule {}
    context = await NestFactory.createApplicationContext(OperationsLogTestModule, { logger: false });
    dataSource = context.get(DataSource);
    registry = context.get(RegistryService);
    pki = context.get(PkiService);
  });

  afterAll(async () => {
    await context?.close();
    rmSync(pkiDir, { recursive: true, force: true });
  });

  it('records every CRL the CA publishes, with the number in the CRL and the count it lists', async () => {
    const operator = { kind: OSO_CLI_ACTOR.kind, id: OSO_CLI_ACTOR.id };
    const before = await lastEntryId(dataSource);
    await pki.init();
    await registry.addVendor({ id: 'acme-las', name: 'Acme LAS' });
    const issued = await pki.issue({ kind: 'vendor', vendorId: 'acme-las' });
    await pki.revoke(issued.serial, 'keyCompromise');

    const entries = await entriesAfter(dataSource, before);
    expect(entries.map((entry) => entry.type)).toEqual([
      'crl_published',
      'vendor_added',
      'certificate_issued',
      'certificate_revoked',
      'crl_published',
    ]);
    expect(entries.filter((entry) => entry.type === 'crl_published')).toEqual([
      { type: 'crl_published', actor: operator, details: { crlNumber: 1, revokedCount: 0 } },
      { type: 'crl_published', actor: operator, details: { crlNumber: 2, revokedCount: 1 } },
    ]);
    // The entry names the CRL that is on disk.
    expect(crlNumberOf(readFileSync(pki.store.crlFile, 'utf8'))).toBe(2);
  });

  describe('vault key rotation', () => {
    const [oldKek, olderKek, newKek] = [kek('k-old'), kek('k-older'), kek('k-new')];
    const vaultOf = (keks: string[], active: string) =>
      new DossierVault(readVaultConfig({ VAULT_KEKS: keks.join(','), VAULT_ACTIVE_KEK: active }));
    const rotating = vaultOf([oldKek, olderKek, newKek], 'k-new');

    async function stageSealed(count: number, vault: DossierVault, schoolId: string): Promise<void> {
      const versions = dataSource.getRepository(DossierVersionEntity);
      for (let index = 0; index < count; index++) {
        const id = randomUUID();
        const sealed = vault.seal(Buffer.from(`<dossier>${index}</dossier>`), versionContext(id));
        await versions.insert({
          id,
          sourceSchoolId: schoolId,
          pupilKeyHash: randomBytes(32).toString('hex'),
          version: 1,
          profile: 'POVO',
          overdrachtsoort: 'overstapdossier',
          byteLength: 20,
          contentSha256: '0'.repeat(64),
          canonicalSha256: '0'.repeat(64),
          warningCount: 0,
          ciphertext: sealed.ciphertext,
          iv: sealed.iv,
          authTag: sealed.tag,
          wrappedKey: sealed.wrappedKey,
          wrapIv: sealed.wrapIv,
          wrapTag: sealed.wrapTag,
          kekId: sealed.kekId,
          stagedByVendorId: 'acme-las',
          stagedAt: new Date(),
          purgedAt: null,
        });
      }
    }

    const kekCounts = async () =>
      Object.fromEntries(
        (
          await dataSource.query(
            `SELECT kek_id, count(*)::int AS n FROM dossier_versions GROUP BY kek_id ORDER BY kek_id`,
          )
        ).map((row: { kek_id: string; n: number }) => [row.kek_id, row.n]),
      );

    beforeAll(async () => {
      const school = await registry.addSchool({
        code: '00YY00',
        name: 'Testschool',
        sector: 'PO',
        bevoegdGezag: TEST_BOARD,
      });
      await stageSealed(120, vaultOf([oldKek], 'k-old'), school.id);
      await stageSealed(5, vaultOf([olderKek], 'k-older'), school.id);
    });

    it('rolls a batch back with its entry when the log refuses it', async () => {
      const refusing: KeyRotationRecorder = {
        record: async () => {
          throw new Error('the log refused the entry');
        },
      };
      const before = await lastEntryId(dataSource);
      await expect(rotateDossierKeys(dataSource, rotating, 'k-new', refusing)).rejects.toThrow(
        'the log refused the entry',
      );
      expect(await kekCounts()).toEqual({ 'k-old': 120, 'k-older': 5 });
      expect(await entriesAfter(dataSource, before)).toEqual([]);
    });

    it('records each batch per old key, in the transaction that re-wraps it; nothing when nothing moves', async () => {
      const before = await lastEntryId(dataSource);
      const recorder = vaultRotationLogRecorder(OSO_CLI_ACTOR);
      expect(await rotateDossierKeys(dataSource, rotating, 'k-new', recorder)).toEqual({
        rewrapped: 125,
        alreadyCurrent: 0,
      });
      expect(await kekCounts()).toEqual({ 'k-new': 125 });
      const entries = await entriesAfter(dataSource, before);
      expect(new Set(entries.map((entry) => entry.type))).toEqual(new Set(['vault_key_rotated']));
      const perOldKey: Record<string, number> = {};
      for (const { details } of entries) {
        expect(details).toMatchObject({ toKekId: 'k-new' });
        const { fromKekId, rewrappedCount } = details as { fromKekId: string; rewrappedCount: number };
        perOldKey[fromKekId] = (perOldKey[fromKekId] ?? 0) + rewrappedCount;
      }
      expect(perOldKey).toEqual({ 'k-old': 120, 'k-older': 5 });
      // Two batches at least (a batch is 100 versions); no key material in any entry.
      expect(entries.length).toBeGreaterThanOrEqual(2);
      for (const secret of [oldKek, olderKek, newKek].map((entry) => entry.split(':')[1])) {
        expect(JSON.stringify(entries)).not.toContain(secret);
      }

      const again = await lastEntryId(dataSource);
      expect(await rotateDossierKeys(dataSource, rotating, 'k-new', recorder)).toEqual({
        rewrapped: 0,
        alreadyCurrent: 125,
      });
      expect(await entriesAfter(dataSource, again)).toEqual([]);
    });
  });
});
