import { MigrationInterface, QueryRunner } from 'typeorm';

/** Vendors, schools, mandates, auditors and the client certificates bound to them. */
export class Registry1763790000000 implements MigrationInterface {
  name = 'Registry1763790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE vendors (
        id varchar(64) PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,63}$'),
        name varchar(200) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE schools (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        brin char(4) NOT NULL CHECK (brin ~ '^[0-9]{2}[A-Z]{2}$'),
        vestiging char(2) NOT NULL CHECK (vestiging ~ '^[0-9]{2}$'),
        name varchar(200) NOT NULL,
        sector varchar(3) NOT NULL CHECK (sector IN ('PO', 'VO', 'SO', 'VSO', 'MBO')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_schools_brin_vestiging UNIQUE (brin, vestiging)
      )`);
    await queryRunner.query(`
      CREATE TABLE mandates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        school_id uuid NOT NULL REFERENCES schools (id) ON DELETE RESTRICT,
        vendor_id varchar(64) NOT NULL REFERENCES vendors (id) ON DELETE RESTRICT,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NULL,
        revoked_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_mandates_period CHECK (valid_until IS NULL OR valid_until > valid_from)
      )`);
    await queryRunner.query(
      `CREATE INDEX ix_mandates_vendor ON mandates (vendor_id) WHERE revoked_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX ix_mandates_school ON mandates (school_id) WHERE revoked_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE auditors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(64) NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE client_certificates (
        fingerprint_sha256 char(64) PRIMARY KEY CHECK (fingerprint_sha256 ~ '^[0-9a-f]{64}$'),
        serial varchar(64) NOT NULL,
        subject text NOT NULL,
        issuer text NOT NULL,
        not_before timestamptz NOT NULL,
        not_after timestamptz NOT NULL,
        revoked_at timestamptz NULL,
        revocation_reason varchar(40) NULL,
        vendor_id varchar(64) NULL REFERENCES vendors (id) ON DELETE RESTRICT,
        auditor_id uuid NULL REFERENCES auditors (id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_client_certificates_one_owner CHECK ((vendor_id IS NULL) <> (auditor_id IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX ix_client_certificates_serial ON client_certificates (serial)`);
    await queryRunner.query(
      `CREATE INDEX ix_client_certificates_revoked ON client_certificates (revoked_at) WHERE revoked_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE client_certificates`);
    await queryRunner.query(`DROP TABLE auditors`);
    await queryRunner.query(`DROP TABLE mandates`);
    await queryRunner.query(`DROP TABLE schools`);
    await queryRunner.query(`DROP TABLE vendors`);
  }
}
