import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A vendor's webhook (issue #11, notification): the HTTPS URL the broker calls on release, correction,
 * recall and receipt. The check repeats the registry's rule (https, no credentials, bounded length), so a
 * bug in the code cannot store a plain-HTTP URL. The runtime role already may update `vendors`.
 */
export class VendorWebhook1765300000000 implements MigrationInterface {
  name = 'VendorWebhook1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE vendors ADD COLUMN webhook_url varchar(2048) NULL
        CONSTRAINT ck_vendor_webhook_https CHECK (webhook_url ~ '^https://[^/?#@]+(/[^@]*)?$')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE vendors DROP COLUMN webhook_url');
  }
}
