import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A consent declaration document goes with its version (issue #11, item 7): whichever step destroys a
 * version's key — retention, a retraction, a recall — the declarations uploaded for that version lose
 * theirs in the same statement. A trigger rather than a call in each of those steps, so a step added
 * later cannot forget it. It runs with the caller's rights: the runtime role may UPDATE
 * `consent_declarations` (a purge, or a key rotation), never DELETE.
 */
export class DeclarationsGoWithTheirVersion1765400000001 implements MigrationInterface {
  name = 'DeclarationsGoWithTheirVersion1765400000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION purge_declarations_of_version() RETURNS trigger
      LANGUAGE plpgsql SET search_path = public, pg_temp
      AS $fn$
      BEGIN
        UPDATE consent_declarations
           SET ciphertext = NULL, iv = NULL, auth_tag = NULL, wrapped_key = NULL, wrap_iv = NULL,
               wrap_tag = NULL, kek_id = NULL, purged_at = NEW.purged_at
         WHERE version_id = NEW.id AND purged_at IS NULL;
        RETURN NULL;
      END
      $fn$`);
    await queryRunner.query(`
      CREATE TRIGGER tr_dossier_versions_purge_declarations
        AFTER UPDATE OF purged_at ON dossier_versions
        FOR EACH ROW WHEN (OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL)
        EXECUTE FUNCTION purge_declarations_of_version()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER tr_dossier_versions_purge_declarations ON dossier_versions');
    await queryRunner.query('DROP FUNCTION purge_declarations_of_version()');
  }
}
