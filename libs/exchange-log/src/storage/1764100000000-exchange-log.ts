import { MigrationInterface, QueryRunner } from 'typeorm';
import { BROKER_RUNTIME_ROLE, EXCHANGE_LOG_TABLES } from './exchange-log-tables';

const { entries, leaves, treeNodes, checkpoints } = EXCHANGE_LOG_TABLES;
const LOG_TABLES = [entries, leaves, treeNodes, checkpoints];
const ROLE = BROKER_RUNTIME_ROLE;

/**
 * The exchange log: entries (written in the caller's transaction), their places in the Merkle tree
 * (leaves, written by the sequencer; entries are never updated), the hashes of the tree's perfect subtrees,
 * and signed checkpoints. Append-only twice over: the runtime role gets only INSERT and SELECT, and a
 * trigger refuses UPDATE, DELETE and TRUNCATE for everyone, superusers included, until it is dropped.
 */
export class ExchangeLog1764100000000 implements MigrationInterface {
  name = 'ExchangeLog1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ${entries} (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz(3) NOT NULL,
        event_type varchar(32) NOT NULL,
        actor_kind varchar(16) NOT NULL CHECK (actor_kind IN ('vendor', 'auditor', 'broker', 'operator')),
        actor_id varchar(64) NOT NULL,
        actor_certificate_fingerprint char(64) NULL CHECK (actor_certificate_fingerprint ~ '^[0-9a-f]{64}$'),
        source_school char(6) NULL,
        target_school char(6) NULL,
        subject_school char(6) NULL,
        transfer_id uuid NULL,
        version_hash char(64) NULL CHECK (version_hash ~ '^[0-9a-f]{64}$'),
        details jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
        -- The writing transaction: lets the sequencer tell finished transactions from running ones
        -- (log-sequencer.ts). Not part of the entry's leaf bytes.
        written_by_tx xid8 NOT NULL DEFAULT pg_current_xact_id()
      )`);
    await queryRunner.query(`CREATE INDEX ix_${entries}_written_by_tx ON ${entries} (written_by_tx)`);
    await queryRunner.query(`CREATE INDEX ix_${entries}_at ON ${entries} (at)`);
    await queryRunner.query(
      `CREATE INDEX ix_${entries}_transfer ON ${entries} (transfer_id) WHERE transfer_id IS NOT NULL`,
    );
    for (const column of ['source_school', 'target_school', 'subject_school']) {
      await queryRunner.query(
        `CREATE INDEX ix_${entries}_${column} ON ${entries} (${column}, id) WHERE ${column} IS NOT NULL`,
      );
    }
    await queryRunner.query(`
      CREATE TABLE ${leaves} (
        leaf_index bigint PRIMARY KEY CHECK (leaf_index >= 0),
        entry_id bigint NOT NULL UNIQUE REFERENCES ${entries} (id),
        integrated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${treeNodes} (
        level smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
        node_index bigint NOT NULL CHECK (node_index >= 0),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (level, node_index)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${checkpoints} (
        tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
        root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
        signed_note text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Every committed entry written by a transaction below this id is integrated (the sequencer's
        -- resume point after a restart).
        integrated_below_tx xid8 NOT NULL
      )`);

    await queryRunner.query(`
      CREATE FUNCTION exchange_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the exchange log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'Log rows are evidence; they are never changed or removed (docs/exchange-log.md).';
      END
      $$`);
    for (const table of LOG_TABLES) {
      const trigger = `${table}_append_only`;
      await queryRunner.query(`
        CREATE TRIGGER ${trigger} BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION exchange_log_refuse_change()`);
      // ALWAYS: also under session_replication_role = replica, which skips ordinary triggers.
      await queryRunner.query(`ALTER TABLE ${table} ENABLE ALWAYS TRIGGER ${trigger}`);
    }

    // Roles belong to the cluster, not the database: another database (or a parallel migration) may have
    // created it already.
    await queryRunner.query(`
      DO $$ BEGIN
        CREATE ROLE ${ROLE} NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    // The runtime role may change the exchange's own tables, present and future, but only add to the log.
    await queryRunner.query(`GRANT USAGE ON SCHEMA public TO ${ROLE}`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${ROLE}`);
    await queryRunner.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ROLE}`);
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${ROLE}`,
    );
    await queryRunner.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${ROLE}`,
    );
    await queryRunner.query(`REVOKE ALL ON ${LOG_TABLES.join(', ')} FROM ${ROLE}`);
    await queryRunner.query(`GRANT SELECT, INSERT ON ${LOG_TABLES.join(', ')} TO ${ROLE}`);
    // Migrations are the migrator's business, not the running broker's.
    const migrationsTable = queryRunner.connection.options.migrationsTableName ?? 'migrations';
    await queryRunner.query(`REVOKE INSERT, UPDATE, DELETE ON ${migrationsTable} FROM ${ROLE}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The role stays: other databases of the cluster may use it. Its grants here go.
    await queryRunner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${ROLE}`);
    await queryRunner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${ROLE}`);
    await queryRunner.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${ROLE}`);
    await queryRunner.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${ROLE}`);
    await queryRunner.query(`REVOKE USAGE ON SCHEMA public FROM ${ROLE}`);
    for (const table of [...LOG_TABLES].reverse()) await queryRunner.query(`DROP TABLE ${table}`);
    await queryRunner.query('DROP FUNCTION exchange_log_refuse_change()');
  }
}
