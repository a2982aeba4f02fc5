import type { DataSource, EntityManager, EntityTarget } from 'typeorm';

/**
 * Column types whose value node-postgres already parses as the entity holds it (the same as TypeORM's
 * hydration gives): a column of any other type, or with a transformer, is refused when the mapper is
 * made, so a plain read can never hand back a value TypeORM would have converted.
 */
const PLAIN_TYPES = new Set([
  'uuid',
  'char',
  'varchar',
  'text',
  'integer',
  'timestamptz',
  'bytea',
  'boolean',
]);

/** A parameterized SELECT's column list for an entity, and the mapping of its rows back to entities. */
export interface PlainRows<T extends object> {
  /** `"a"."x" AS "x", …` for the table alias given when the mapper was made. */
  readonly select: string;
  map(row: Record<string, unknown>): T;
}

/**
 * Hot reads (#13) skip TypeORM's query building and result transformation (≈ 10 % of broker-api's CPU
 * in the season profile) but keep its metadata as the one definition of names and columns.
 */
export function plainRows<T extends object>(
  manager: EntityManager,
  entity: EntityTarget<T> & (new () => T),
  alias: string,
  omit: readonly string[] = [],
): PlainRows<T> {
  // Made once per data source and shape: repositories are created per use case call.
  const key = `${entity.name}|${alias}|${omit.join(',')}`;
  let made = MADE.get(manager.connection);
  if (!made) MADE.set(manager.connection, (made = new Map()));
  const existing = made.get(key) as PlainRows<T> | undefined;
  if (existing) return existing;
  const rows = makePlainRows(manager, entity, alias, omit);
  made.set(key, rows);
  return rows;
}

const MADE = new WeakMap<DataSource, Map<string, PlainRows<object>>>();

function makePlainRows<T extends object>(
  manager: EntityManager,
  entity: new () => T,
  alias: string,
  omit: readonly string[],
): PlainRows<T> {
  const columns = manager.connection
    .getMetadata(entity)
    .columns.filter((column) => !omit.includes(column.propertyName));
  for (const column of columns) {
    const type = String(column.type);
    if (column.transformer || column.embeddedMetadata || column.relationMetadata || !PLAIN_TYPES.has(type)) {
      if (!(column.isArray && type === 'text')) {
        throw new Error(`plainRows: ${column.propertyName} (${type}) needs TypeORM's hydration`);
      }
    }
  }
  const select = columns
    .map((column) => `"${alias}"."${column.databaseName}" AS "${column.propertyName}"`)
    .join(', ');
  return {
    select,
    // The aliases are the property names: a row is the entity's fields as they are.
    map: (row) => Object.assign(new entity(), row) as T,
  };
}
