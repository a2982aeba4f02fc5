import { EXCHANGE_LOG_TABLES, SEQUENCER_LOCK_KEY } from '@app/exchange-log';
import { Client } from 'pg';

const TAMPERED_TABLES = [EXCHANGE_LOG_TABLES.entries, EXCHANGE_LOG_TABLES.leaves];

/**
 * What a superuser attacker does to a running broker's log: switch the append-only triggers off, change
 * rows, switch them on again, and commit — so the broker sees the change (unlike the exporter's tests,
 * which roll theirs back).
 */
export async function asSuperuser(database: Client, change: (db: Client) => Promise<unknown>): Promise<void> {
  await database.query('BEGIN');
  try {
    for (const table of TAMPERED_TABLES) {
      await database.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_append_only`);
    }
    await change(database);
    for (const table of TAMPERED_TABLES) {
      await database.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_append_only`);
    }
    await database.query('COMMIT');
  } catch (error) {
    await database.query('ROLLBACK');
    throw error;
  }
}

/**
 * Runs `during` while this test holds the sequencer's advisory lock on a connection of its own, so the
 * broker integrates nothing in between: tampers that move leaves (renumbering, inserting) would otherwise
 * have the sequencer append after a tree it no longer recognises. Entries written meanwhile (the
 * auditors' own queries) are integrated once the lock is released.
 */
export async function withSequencerPaused<T>(databaseUrl: string, during: () => Promise<T>): Promise<T> {
  const holder = new Client({ connectionString: databaseUrl });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK_KEY]);
    return await during();
  } finally {
    await holder.query('COMMIT');
    await holder.end();
  }
}

/** Moves the leaves at and after `from` by `by` (in two steps: the primary key is checked row by row). */
export async function shiftLeaves(db: Client, from: number, by: number): Promise<void> {
  const { leaves } = EXCHANGE_LOG_TABLES;
  await db.query(`UPDATE ${leaves} SET leaf_index = leaf_index + 1000000 WHERE leaf_index >= $1`, [from]);
  await db.query(`UPDATE ${leaves} SET leaf_index = leaf_index - 1000000 + $1 WHERE leaf_index >= 1000000`, [
    by,
  ]);
}
