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
  /**
   * `"a"."x" AS "x", …` for the table alias given when the mapper was made; prefixed, `AS "a.x"`, so the
   * rows of several entities can share one result row (a join).
   */
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
  prefixed = false,
): PlainRows<T> {
  // Made once per data source and shape: repositories are created per use case call.
  const key = `${entity.name}|${alias}|${omit.join(',')}|${prefixed}`;
  let made = MADE.get(manager.connection);
  if (!made) MADE.set(manager.connection, (made = new Map()));
  const existing = made.get(key) as PlainRows<T> | undefined;
  if (existing) return existing;
  const rows = makePlainRows(manager, entity, alias, omit, prefixed);
  made.set(key, rows);
  return rows;
}

const MADE = new WeakMap<DataSource, Map<string, PlainRows<object>>>();

function makePlainRows<T extends object>(
  manager: EntityManager,
  entity: new () => T,
  alias: string,
  omit: readonly string[],
  prefixed: boolean,
): PlainRows<T> {
  const columns = manager.connection
    .getMetadata(entity)
    .columns.filter((column) => !omit.includes(column.propertyName));
  for (const column of columns) {
    const type = String(column.type);
    // A foreign key declared as a column of its own (`vendorId` beside `vendor`) holds the key as it is;
    // a relation's implicit join column would hold the related entity.
    const relationValue =
      column.relationMetadata && column.relationMetadata.propertyName === column.propertyName;
    if (column.transformer || column.embeddedMetadata || relationValue || !PLAIN_TYPES.has(type)) {
      if (!(column.isArray && type === 'text')) {
        throw new Error(`plainRows: ${column.propertyName} (${type}) needs TypeORM's hydration`);
      }
    }
  }
  const prefix = prefixed ? `${alias}.` : '';
  const select = columns
    .map((column) => `"${alias}"."${column.databaseName}" AS "${prefix}${column.propertyName}"`)
    .join(', ');
  if (!prefixed) {
    // The aliases are the property names: a row is the entity's fields as they are.
    return { select, map: (row) => Object.assign(new entity(), row) as T };
  }
  const properties = columns.map((column) => column.propertyName);
  return {
    select,
    map: (row) => {
      const mapped = new entity() as Record<string, unknown>;
      for (const property of properties) mapped[property] = row[prefix + property];
      return mapped as T;
    },
  };
}
