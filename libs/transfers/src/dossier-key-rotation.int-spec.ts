import { BROKER_SCHEMA } from '@app/broker-schema';
import { connectWithRetry, dataSourceOptions } from '@app/persistence';
import { RegistryService } from '@app/registry';
import { kekRotationVaults } from '@app/vault/testing/kek-rotation-vaults';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createSuiteDatabase } from '../../../test/support/suite-database';
import { rotateDossierKeys } from './dossier-key-rotation';
import { DossierVersionEntity } from './dossier-version.entity';
import { sealedOf, versionContext } from './transfer.service';
import { TEST_BOARD } from '../../../test/support/school-boards';

/** Rotation on real PostgreSQL: every version re-wrapped, ciphertexts untouched, old key no longer needed. */
describe('rotating the key-encryption key of stored dossiers', () => {
  let dataSource: DataSource;
  const { before, during, after } = kekRotationVaults();

  beforeAll(async () => {
    const url = await createSuiteDatabase('rotation');
    dataSource = await connectWithRetry(new DataSource(dataSourceOptions(url, BROKER_SCHEMA)), {
      url,
      startupTimeoutSeconds: 5,
    });
    const school = await new RegistryService(dataSource).addSchool({
      code: '00YY00',
      name: 'School',
      sector: 'PO',
      bevoegdGezag: TEST_BOARD,
    });
    await new RegistryService(dataSource).addVendor({ id: 'po-las', name: 'PO LAS' });
    const versions = dataSource.getRepository(DossierVersionEntity);
    for (let index = 0; index < 250; index++) {
      const id = randomUUID();
      const sealed = before.seal(Buffer.from(`<dossier>${index}</dossier>`), versionContext(id));
      await versions.insert({
        id,
        sourceSchoolId: school.id,
        pupilKeyHash: index.toString(16).padStart(64, '0'),
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
        wrappedKey: index === 0 ? null : sealed.wrappedKey, // version 0 was shredded
        wrapIv: sealed.wrapIv,
        wrapTag: sealed.wrapTag,
        kekId: sealed.kekId,
        stagedByVendorId: 'po-las',
        stagedAt: new Date(),
        purgedAt: null,
      });
    }
  });
  afterAll(() => dataSource?.destroy());

  it('re-wraps every live version under the new key, leaving ciphertexts and shredded keys alone', async () => {
    const ciphertextsBefore = await dataSource.query(
      `SELECT id, ciphertext FROM dossier_versions ORDER BY id`,
    );
    expect(await rotateDossierKeys(dataSource, during, 'new')).toEqual({ rewrapped: 249, alreadyCurrent: 0 });
    expect(await dataSource.query(`SELECT id, ciphertext FROM dossier_versions ORDER BY id`)).toEqual(
      ciphertextsBefore,
    );
    const versions = await dataSource.getRepository(DossierVersionEntity).find();
    for (const version of versions) {
      if (version.wrappedKey === null) continue;
      expect(version.kekId).toBe('new');
      // Opens with the new key alone: the old one can leave the configuration.
      expect(after.open(sealedOf(version), versionContext(version.id)).toString()).toMatch(
        /^<dossier>\d+<\/dossier>$/,
      );
    }
    expect(versions.filter((version) => version.wrappedKey === null)).toHaveLength(1);
    expect(await rotateDossierKeys(dataSource, during, 'new')).toEqual({ rewrapped: 0, alreadyCurrent: 249 });
  });
});
