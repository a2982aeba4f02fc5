import { EntityManager } from 'typeorm';
import type { SubtreeHashes } from '../merkle';
import { EXCHANGE_LOG_TABLES } from '../storage/exchange-log-tables';

/** A stored subtree that should exist does not: the tree table is incomplete or was tampered with. */
export class MissingTreeNodeError extends Error {
  constructor(level: number, index: number) {
    super(`the exchange log's tree has no node at level ${level}, index ${index}`);
    this.name = 'MissingTreeNodeError';
  }
}

/**
 * The perfect subtrees' hashes as the sequencer stored them: one query per proof or root, whatever its
 * length (the wanted addresses travel as two arrays and come back in their order).
 */
export class PostgresSubtreeHashes implements SubtreeHashes {
  constructor(private readonly manager: EntityManager) {}

  async subtreeHashes(wanted: ReadonlyArray<{ level: number; index: number }>): Promise<Buffer[]> {
    if (wanted.length === 0) return [];
    const rows: Array<{ position: string; hash: Buffer }> = await this.manager.query(
      `SELECT w.position, n.hash
         FROM unnest($1::smallint[], $2::bigint[]) WITH ORDINALITY AS w(level, node_index, position)
         JOIN ${EXCHANGE_LOG_TABLES.treeNodes} n ON n.level = w.level AND n.node_index = w.node_index`,
      [wanted.map((address) => address.level), wanted.map((address) => address.index)],
    );
    const hashes: Buffer[] = new Array<Buffer>(wanted.length);
    for (const row of rows) hashes[Number(row.position) - 1] = row.hash;
    wanted.forEach((address, position) => {
      if (hashes[position] === undefined) throw new MissingTreeNodeError(address.level, address.index);
    });
    return hashes;
  }
}
