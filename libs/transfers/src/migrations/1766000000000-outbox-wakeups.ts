import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #13: a release waited for the relay's next poll (1 s), then its webhook for the notification
 * relay's (1 s more). Now a step that adds an outbox row announces it (`NOTIFY`, sent at commit, once per
 * transaction and channel) and the worker's relays run at once; polling stays as the fallback. A trigger
 * rather than a call in each step, so no writer of an outbox can forget it. Channels: `outbox-channels.ts`. And the relay's re-check of
 * rows already relayed starts from the few transfers still `release_queued`, not from every relayed row.
 */
export class OutboxWakeups1766000000000 implements MigrationInterface {
  name = 'OutboxWakeups1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION announce_outbox_rows() RETURNS trigger
      LANGUAGE plpgsql SET search_path = public, pg_temp
      AS $fn$
      BEGIN
        PERFORM pg_notify(TG_ARGV[0], '');
        RETURN NULL;
      END
      $fn$`);
    await queryRunner.query(`
      CREATE TRIGGER tr_release_outbox_announce AFTER INSERT ON release_outbox
        FOR EACH STATEMENT EXECUTE FUNCTION announce_outbox_rows('oso_release_outbox')`);
    await queryRunner.query(`
      CREATE TRIGGER tr_notification_outbox_announce AFTER INSERT ON notification_outbox
        FOR EACH STATEMENT EXECUTE FUNCTION announce_outbox_rows('oso_notification_outbox')`);
    await queryRunner.query(
      `CREATE INDEX ix_transfers_release_queued ON transfers (id) WHERE state = 'release_queued'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ix_transfers_release_queued');
    await queryRunner.query('DROP TRIGGER tr_notification_outbox_announce ON notification_outbox');
    await queryRunner.query('DROP TRIGGER tr_release_outbox_announce ON release_outbox');
    await queryRunner.query('DROP FUNCTION announce_outbox_rows()');
  }
}
