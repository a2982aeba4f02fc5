/**
 * Names the exchange log's storage shares between the migration, the entities and the queries: the tables
 * that are append-only, and the database role the broker runs as at runtime.
 */
export const EXCHANGE_LOG_TABLES = {
  entries: 'exchange_log_entries',
  leaves: 'exchange_log_leaves',
  treeNodes: 'exchange_log_tree_nodes',
  checkpoints: 'exchange_log_checkpoints',
} as const;

/** The tree's size as a scalar subquery: one past the highest leaf index, 0 for an empty tree. */
export const TREE_SIZE_SQL = `(SELECT coalesce(max(leaf_index) + 1, 0) FROM ${EXCHANGE_LOG_TABLES.leaves})::bigint`;

/** The broker's runtime role (NOLOGIN; a login user is granted it): only INSERT and SELECT on the log. */
export const BROKER_RUNTIME_ROLE = 'oso_broker_runtime';
