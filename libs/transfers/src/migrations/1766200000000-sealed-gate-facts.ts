import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #13: the release gate's facts from the dossier (the pupil's birth date, the `inzage` block), sealed
 * at staging under the version's own data key (`DossierVault.sealWithCompanion`): the release step and
 * evidence recording read them without decrypting and parsing the 170 KB payload. Null for versions staged
 * before (the gate then opens the payload, as it did). The check makes every step that destroys a payload
 * destroy them too — they are personal data, and a forgotten column would fail loudly.
 */
export class SealedGateFacts1766200000000 implements MigrationInterface {
  name = 'SealedGateFacts1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE dossier_versions ADD COLUMN sealed_gate_facts bytea NULL`);
    await queryRunner.query(`
      ALTER TABLE dossier_versions ADD CONSTRAINT ck_dossier_versions_gate_facts_purged
        CHECK (purged_at IS NULL OR sealed_gate_facts IS NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE dossier_versions DROP CONSTRAINT ck_dossier_versions_gate_facts_purged`,
    );
    await queryRunner.query(`ALTER TABLE dossier_versions DROP COLUMN sealed_gate_facts`);
  }
}
