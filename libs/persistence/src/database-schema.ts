import type { MigrationInterface } from 'typeorm';

/** A TypeORM entity class, as a domain library declares it. */
export type EntityClass = abstract new (...args: never[]) => object;
export type MigrationClass = new () => MigrationInterface;

/**
 * What a domain library hands to persistence: its entity classes and the migrations that create their
 * tables. Persistence knows no domain; the application composes the domains it runs (`combineSchemas`).
 */
export interface DatabaseSchema {
  entities: readonly EntityClass[];
  migrations: readonly MigrationClass[];
}

/** TypeORM's own rule: a migration's name ends in its 13-digit creation timestamp, which orders it. */
const MIGRATION_TIMESTAMP = /(\d{13})$/;

/**
 * One schema from the domains' parts, migrations oldest first (the order TypeORM applies them in, and
 * the order a later domain's migration may rely on an earlier one's tables). Two migrations with one
 * name, or a name without its timestamp, are refused: TypeORM would record only one of them as applied.
 */
export function combineSchemas(...parts: DatabaseSchema[]): DatabaseSchema {
  const migrations = parts.flatMap((part) => part.migrations);
  const timestampOf = new Map<MigrationClass, number>();
  const seen = new Set<string>();
  for (const migration of migrations) {
    const name = migrationName(migration);
    const timestamp = MIGRATION_TIMESTAMP.exec(name);
    if (!timestamp) throw new Error(`migration ${name} does not end in its 13-digit timestamp`);
    if (seen.has(name)) throw new Error(`migration ${name} is handed in twice`);
    seen.add(name);
    timestampOf.set(migration, Number(timestamp[1]));
  }
  return {
    entities: parts.flatMap((part) => part.entities),
    migrations: [...migrations].sort((a, b) => timestampOf.get(a)! - timestampOf.get(b)!),
  };
}

/** The name TypeORM records in its migrations table: the `name` property, else the class name. */
export function migrationName(migration: MigrationClass): string {
  return new migration().name ?? migration.name;
}
