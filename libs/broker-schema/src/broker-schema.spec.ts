import { migrationName } from '@app/persistence';
import { getMetadataArgsStorage } from 'typeorm';
import { BROKER_SCHEMA } from './broker-schema';

describe('the broker’s database schema', () => {
  it('keeps the names of migrations already applied, so existing databases do not run them again', () => {
    // Names as recorded in schema_migrations since #3 and #6 (they lived in libs/persistence then).
    expect(BROKER_SCHEMA.migrations.map(migrationName).slice(0, 2)).toEqual([
      'Registry1763790000000',
      'Transfers1763800000000',
    ]);
  });

  it('maps every table the domains’ migrations create', () => {
    const tables = getMetadataArgsStorage()
      .tables.filter((table) => BROKER_SCHEMA.entities.includes(table.target as never))
      .map((table) => table.name)
      .sort();
    expect(tables).toEqual(
      [
        'auditors',
        'board_instructions',
        'client_certificates',
        'consent_declarations',
        'dossier_versions',
        'evidence_records',
        'exchange_log_checkpoints',
        'exchange_log_entries',
        'exchange_log_leaves',
        'exchange_log_tree_nodes',
        'idempotency_keys',
        'mandates',
        'notification_outbox',
        'recall_notices',
        'release_outbox',
        'schools',
        'transfer_history',
        'transfers',
        'vendors',
      ].sort(),
    );
  });
});
