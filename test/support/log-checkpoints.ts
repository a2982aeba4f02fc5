import { EXCHANGE_LOG_TABLES } from '@app/exchange-log';
import { Client } from 'pg';

/** Generous: the sequencer checkpoints within about a second; a loaded machine may take longer. */
const CHECKPOINT_WAIT_MS = 30_000;
const POLL_MS = 200;

/**
 * Waits until a signed checkpoint covers every exchange-log entry written so far, for at most
 * CHECKPOINT_WAIT_MS (a spec's own assertions then say what is missing); returns the checkpointed size.
 */
export async function untilCheckpointed(database: Client): Promise<number> {
  const deadline = Date.now() + CHECKPOINT_WAIT_MS;
  for (;;) {
    const { rows } = await database.query<{ entries: number; checkpointed: number }>(
      `SELECT (SELECT count(*) FROM ${EXCHANGE_LOG_TABLES.entries})::int AS entries,
              (SELECT coalesce(max(tree_size), 0) FROM ${EXCHANGE_LOG_TABLES.checkpoints})::int AS checkpointed`,
    );
    if (rows[0].checkpointed >= rows[0].entries || Date.now() > deadline) return rows[0].checkpointed;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
