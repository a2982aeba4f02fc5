import { BROKER_SCHEMA } from '@app/broker-schema';
import { DossierValidationPool, generateDossier } from '@app/oso-dataset';
import { connectWithRetry, dataSourceOptions } from '@app/persistence';
import { RegistryService } from '@app/registry';
import { kekRotationVaults } from '@app/vault/testing/kek-rotation-vaults';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { TEST_BOARD } from '../../../../test/support/school-boards';
import { createSuiteDatabase } from '../../../../test/support/suite-database';
import { rotateDossierKeys } from '../dossier-key-rotation';
import { DossierVersionRepository } from '../dossier-version-repository';
import { PayloadRetentionRepository } from '../retention/payload-retention-repository';
import { StagingValidation } from '../staging-validation';
import { TransferService } from '../transfer.service';
import { dossierGateFacts, gateFactsOfDossier, gateFactsOfStaging } from './release-gating';

/** The official examples, when the shared reference is checked out beside the repository. */
const EXAMPLES = join(__dirname, '../../../../../shared/oso/reference/examples');

/**
 * The gate's facts sealed with the version at staging (#13), on real PostgreSQL with the real validation
 * pool and vault: what parsing the dossier gives, never in the clear, read without the payload, gone
 * with the payload, readable after a key rotation; a version staged before them still gates.
 */
describe('the gate`s facts, sealed with the version', () => {
  let dataSource: DataSource;
  let pool: DossierValidationPool;
  let service: TransferService;
  const { before, during, after } = kekRotationVaults();
  const poLas = { id: 'po-las', certificateFingerprint: 'a'.repeat(64) };
  const voLas = { id: 'vo-las', certificateFingerprint: 'b'.repeat(64) };
  let seed = 40;

  /** A POVO dossier with an inzage block for a new request; answers the transfer, version and bytes. */
  async function staged(inzage: { datum?: string; akkoord?: 'Ja' | 'Nee'; remarks?: boolean } = {}) {
    const school = { brin: '00YY', vestiging: '00' };
    const bsn = generateDossier({ profile: 'POVO', seed: ++seed, school }).pupil.bsn as string;
    const pupil = { bsn, geboortedatum: `2013-0${(seed % 9) + 1}-1${seed % 10}` };
    const xml = Buffer.from(
      generateDossier({
        profile: 'POVO',
        seed,
        school,
        pupil,
        date: '2026-10-15',
        inzage: { datum: '2026-10-01', ...inzage },
      }).xml,
      'utf8',
    );
    const requested = await service.request(voLas, { targetSchool: '01XZ00', sourceSchool: '00YY00', pupil });
    const { result } = await service.stage(poLas, xml, requested.result.id);
    return { transferId: requested.result.id, versionId: result.version.id, xml, pupil };
  }
  const row = async (versionId: string) =>
    (await new DossierVersionRepository(dataSource.manager).forGateByIdOrFail(versionId)).version;

  beforeAll(async () => {
    const url = await createSuiteDatabase('gate_facts');
    dataSource = await connectWithRetry(new DataSource(dataSourceOptions(url, BROKER_SCHEMA)), {
      url,
      startupTimeoutSeconds: 5,
    });
    const registry = new RegistryService(dataSource);
    await registry.addSchool({ code: '00YY00', name: 'Testschool', sector: 'PO', bevoegdGezag: TEST_BOARD });
    await registry.addSchool({ code: '01XZ00', name: 'Het College', sector: 'VO', bevoegdGezag: TEST_BOARD });
    await registry.addVendor({ id: 'po-las', name: 'PO LAS' });
    await registry.addVendor({ id: 'vo-las', name: 'VO LAS' });
    await registry.grantMandate({ schoolCode: '00YY00', vendorId: 'po-las', side: 'source' });
    await registry.grantMandate({ schoolCode: '01XZ00', vendorId: 'vo-las', side: 'target' });
    pool = new DossierValidationPool({ threads: 1 });
    service = new TransferService(dataSource, registry, new StagingValidation(pool), before, {
      pupilKeySecret: randomBytes(32),
      requestLifetimeDays: 90,
    });
  });
  afterAll(async () => {
    await pool?.close();
    await dataSource?.destroy();
  });

  it('staging`s facts are what parsing the dossier gives: the official examples, or generated ones', async () => {
    const dossiers = existsSync(EXAMPLES)
      ? readdirSync(EXAMPLES)
          .filter((name) => name.endsWith('.xml'))
          .map((name) => readFileSync(join(EXAMPLES, name)))
      : [true, false].map((remarks) =>
          Buffer.from(generateDossier({ profile: 'POVO', seed: 3, inzage: { remarks } }).xml, 'utf8'),
        );
    expect(dossiers.length).toBeGreaterThan(0);
    let withInzage = 0;
    for (const xml of dossiers) {
      const verdict = await pool.validate(xml, { ruleSet: 'strict', withContentHash: true }, 'gate-facts');
      expect(verdict.facts).toBeTruthy();
      const parsed = gateFactsOfDossier(xml);
      expect(gateFactsOfStaging(verdict.facts!)).toEqual(parsed);
      if (parsed.inzageBlock) withInzage += 1;
    }
    // Not only dossiers without the block: the comparison covered its fields too.
    expect(withInzage).toBeGreaterThan(0);
  });

  it('are sealed with the version at staging, open to what the payload gives, never in the clear', async () => {
    const { versionId, xml, pupil } = await staged({ akkoord: 'Nee', remarks: true });
    const version = await row(versionId);
    expect(version.sealedGateFacts).toBeInstanceOf(Buffer);
    const versions = new DossierVersionRepository(dataSource.manager);
    const facts = await dossierGateFacts(before, versions, version);
    expect(facts).toEqual(gateFactsOfDossier(xml));
    expect(facts.pupilBirthDate).toBe(pupil.geboortedatum);
    expect(facts.inzageBlock).not.toBeNull();
    // The whole row, every column as PostgreSQL renders it (bytea as hex) and as raw bytes.
    const [{ text }] = await dataSource.query(
      `SELECT t::text AS text FROM dossier_versions t WHERE id = $1`,
      [versionId],
    );
    const [raw] = await dataSource.query(`SELECT * FROM dossier_versions WHERE id = $1`, [versionId]);
    const birthDate = Buffer.from(pupil.geboortedatum, 'utf8');
    expect(text).not.toContain(pupil.geboortedatum);
    expect(text).not.toContain(birthDate.toString('hex'));
    for (const value of Object.values(raw)) {
      if (Buffer.isBuffer(value)) expect(value.includes(birthDate)).toBe(false);
      else expect(String(value)).not.toContain(pupil.geboortedatum);
    }
  });

  it('a version staged before they were kept (column null) is read from its payload and still gates', async () => {
    const { transferId, versionId, xml } = await staged();
    await dataSource.query(`UPDATE dossier_versions SET sealed_gate_facts = NULL WHERE id = $1`, [versionId]);
    const version = await row(versionId);
    expect(version.sealedGateFacts).toBeNull();
    const versions = new DossierVersionRepository(dataSource.manager);
    expect(await dossierGateFacts(before, versions, version)).toEqual(gateFactsOfDossier(xml));
    const view = await service.view('vo-las', transferId);
    const recorded = await service.recordEvidence(poLas, transferId, {
      kind: 'inzage',
      versionHash: view.currentVersion!.canonicalSha256,
      receivingSchool: '01XZ00',
      date: '2026-10-01',
      givenTo: { role: 'parent_with_gezag', ref: 'ouder-1' },
      how: 'letter',
    });
    expect(recorded.result.transferState).toBe('release_queued');
  });

  it('go with the payload: every step that destroys it clears them, and the database refuses one that forgets', async () => {
    const purged = await staged();
    const retracted = await staged();
    const recalled = await staged();
    const now = new Date();
    expect(
      await new PayloadRetentionRepository(dataSource.manager).destroyPayload(purged.versionId, now),
    ).toBe(true);
    const versions = new DossierVersionRepository(dataSource.manager);
    const full = async (id: string) => (await versions.byIds([id]))[0];
    await versions.retract(await full(retracted.versionId), now, 'wrong_pupil');
    await versions.purgePayload(await full(recalled.versionId), now);
    for (const { versionId } of [purged, retracted, recalled]) {
      const version = await row(versionId);
      expect([version.sealedGateFacts, version.wrappedKey, version.purgedAt !== null]).toEqual([
        null,
        null,
        true,
      ]);
    }
    const forgetful = await staged();
    await expect(
      dataSource.query(
        `UPDATE dossier_versions SET ciphertext = NULL, iv = NULL, auth_tag = NULL, wrapped_key = NULL,
                wrap_iv = NULL, wrap_tag = NULL, kek_id = NULL, purged_at = now() WHERE id = $1`,
        [forgetful.versionId],
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'ck_dossier_versions_gate_facts_purged' });
  });

  it('stay readable after the key-encryption key is rotated: they move with the payload`s data key', async () => {
    const { versionId, xml } = await staged({ akkoord: 'Ja' });
    const sealedBefore = (await row(versionId)).sealedGateFacts;
    const rotated = await rotateDossierKeys(dataSource, during, 'new');
    expect(rotated.rewrapped).toBeGreaterThan(0);
    const version = await row(versionId);
    expect(version.kekId).toBe('new');
    // The facts' ciphertext is untouched: only the data key's wrap changed.
    expect(version.sealedGateFacts).toEqual(sealedBefore);
    const versions = new DossierVersionRepository(dataSource.manager);
    expect(await dossierGateFacts(after, versions, version)).toEqual(gateFactsOfDossier(xml));
  });
});
