import { combineSchemas } from '@app/persistence/database-schema';
import { REGISTRY_ENTITIES, REGISTRY_MIGRATIONS } from '@app/registry/registry-schema';
import { TRANSFER_ENTITIES, TRANSFER_MIGRATIONS } from '@app/transfers/transfer-schema';
import { EXCHANGE_LOG_ENTITIES, EXCHANGE_LOG_MIGRATIONS } from '@app/exchange-log/storage';
import { BrokerRuntimePrivileges1764700000000 } from './migrations/1764700000000-broker-runtime-privileges';
import { IdempotencyKeys1766400000014 } from './migrations/1766400000014-idempotency-keys';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

/**
 * The broker's database: every domain's entities and migrations, composed here and nowhere else. The
 * broker API, the `oso` commands, TypeORM's CLI and the tests all open the database with this, so they
 * never disagree on the tables. A new domain hands its lists in here.
 *
 * Imported from the domains' schema files, not their index: `oso db migrate` should not load the
 * exchange's services to learn its tables.
 */
export const BROKER_SCHEMA = combineSchemas(
  { entities: REGISTRY_ENTITIES, migrations: REGISTRY_MIGRATIONS },
  { entities: TRANSFER_ENTITIES, migrations: TRANSFER_MIGRATIONS },
  { entities: EXCHANGE_LOG_ENTITIES, migrations: EXCHANGE_LOG_MIGRATIONS },
  // What the broker's runtime role may do to all of the above: composed here, where all tables are known.
  { entities: [], migrations: [BrokerRuntimePrivileges1764700000000] },
  // The vendor API's Idempotency-Keys (#14): the API's own table, not a domain's.
  { entities: [IdempotencyKeyEntity], migrations: [IdempotencyKeys1766400000014] },
);
