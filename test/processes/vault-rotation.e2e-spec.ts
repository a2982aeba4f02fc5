import { DossierVersionEntity, TransferEntity, sealedOf, versionContext } from '@app/transfers';
import { DossierVault, readVaultConfig } from '@app/vault';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { RunningBroker } from '../support/broker-fixture';
import { runBuilt } from '../support/built-process';
import { dossierForPupil, sendingSchoolOf, validBsns } from '../support/dossier-pupil';
import { POVO_EXAMPLE } from '../support/large-dossiers';
import { Exchange, schoolPair, startExchange } from '../support/exchange-fixture';
import { VendorClient } from '../support/vendor-client';

/**
 * `oso vault rotate` (the built CLI) on dossiers the real broker staged: afterwards every row names the
 * new key-encryption key, the broker still hands out exactly the staged bytes, and the old key is no
 * longer needed to open them.
 */
const SOURCE = sendingSchoolOf(POVO_EXAMPLE);
const TARGET = SOURCE === '01XZ00' ? '02XZ00' : '01XZ00';
const OLD_KEK = `old-kek:${randomBytes(32).toString('base64')}`;
const NEW_KEK = `new-kek:${randomBytes(32).toString('base64')}`;
const BOTH_KEKS = `${OLD_KEK},${NEW_KEK}`;

describe('oso vault rotate on staged dossiers', () => {
  let exchange: Exchange;
  let databaseUrl: string;
  let broker: RunningBroker;
  let database: Client;
  let po: VendorClient;
  let vo: VendorClient;
  const staged = new Map<string, Buffer>(); // transfer id → the bytes staged for it

  beforeAll(async () => {
    exchange = await startExchange({
      suite: 'vault_rotation',
      ...schoolPair(SOURCE, TARGET),
      // The broker knows both keys (as during a rotation) and still wraps new dossiers with the old one.
      env: { VAULT_KEKS: BOTH_KEKS, VAULT_ACTIVE_KEK: 'old-kek' },
    });
    ({ databaseUrl, broker, database } = exchange);
    ({ po, vo } = exchange.clients);
    for (const bsn of validBsns(2, 41_000_000)) {
      const pupil = { bsn, geboortedatum: '2014-05-01' };
      const request = await vo.post('/v1/transfers', { targetSchool: TARGET, sourceSchool: SOURCE, pupil });
      const id = request.body.id as string;
      const dossier = dossierForPupil(POVO_EXAMPLE, pupil);
      expect((await po.put(`/v1/transfers/${id}/dossier`, dossier)).status).toBe(201);
      // Stands in for the release worker of a later issue.
      await database.query(
        `UPDATE transfers SET state = 'released', released_version_id = current_version_id WHERE id = $1`,
        [id],
      );
      staged.set(id, dossier);
    }
  });

  afterAll(() => exchange?.close());

  const rows = async () =>
    (
      await database.query<{ id: string; kek_id: string; wrapped_key: Buffer; ciphertext: Buffer }>(
        'SELECT * FROM dossier_versions ORDER BY id',
      )
    ).rows;

  it('re-wraps every staged dossier under the new key; the broker still returns the same bytes', async () => {
    const before = await rows();
    expect(before.map((row) => row.kek_id)).toEqual(['old-kek', 'old-kek']);
    const rotated = await runBuilt('cli', ['vault', 'rotate'], {
      DATABASE_URL: databaseUrl,
      VAULT_KEKS: BOTH_KEKS,
      VAULT_ACTIVE_KEK: 'new-kek',
    });
    expect([rotated.code, rotated.stderr]).toEqual([0, []]);
    expect(rotated.stdout).toEqual([
      'vault: 2 dossier key(s) re-wrapped under "new-kek", 0 already were; keys no longer in use can now leave VAULT_KEKS',
    ]);
    const after = await rows();
    expect(after.map((row) => row.kek_id)).toEqual(['new-kek', 'new-kek']);
    expect(after.map((row) => row.ciphertext)).toEqual(before.map((row) => row.ciphertext));
    expect(after.map((row, index) => row.wrapped_key.equals(before[index].wrapped_key))).toEqual([
      false,
      false,
    ]);
    for (const [id, dossier] of staged) {
      const fetched = await vo.get(`/v1/transfers/${id}/dossier`);
      expect([fetched.status, fetched.raw.equals(dossier)]).toEqual([200, true]);
    }
  });

  it('leaves nothing that needs the old key', async () => {
    const newOnly = new DossierVault(readVaultConfig({ VAULT_KEKS: NEW_KEK, VAULT_ACTIVE_KEK: 'new-kek' }));
    const dataSource = broker.app.get(DataSource);
    for (const [id, dossier] of staged) {
      const transfer = await dataSource.getRepository(TransferEntity).findOneByOrFail({ id });
      const version = await dataSource
        .getRepository(DossierVersionEntity)
        .findOneByOrFail({ id: transfer.releasedVersionId! });
      expect(newOnly.open(sealedOf(version), versionContext(version.id)).equals(dossier)).toBe(true);
    }
  });
});
