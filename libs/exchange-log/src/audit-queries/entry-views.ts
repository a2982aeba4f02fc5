import { EntityManager } from 'typeorm';
import type { Checkpoint } from '../checkpoint';
import { canonicalEntryBytes } from '../entry/canonical-entry';
import { SubtreeHashes, inclusionProof, leafHash, verifyInclusion } from '../merkle';
import { PostgresSubtreeHashes } from '../sequencer/postgres-subtree-hashes';
import { entryFromRow } from '../storage/append-exchange-event';
import type { AuditEntryRow } from './audit-entry-queries';
import { GatheredSubtreeHashes } from './gathered-subtree-hashes';
import type { AuditEntryView } from './audit-views';

/**
 * The rows as auditors see them, each checked against the signed checkpoint: the leaf bytes are
 * recomputed from the row as it is NOW and walked up its inclusion proof (from the stored subtree
 * hashes) to the checkpoint's root. A row changed, swapped or moved after integration does not reach
 * the root, whatever the stored leaf hash says; `checkpoint` is the one the caller opened with the log key.
 */
export async function entryViews(
  manager: EntityManager,
  rows: AuditEntryRow[],
  checkpoint: Checkpoint | null,
  withProofs: boolean,
): Promise<AuditEntryView[]> {
  // A page's proofs in one query instead of one each: the asks of all rows are gathered, then answered.
  const hashes = new GatheredSubtreeHashes(new PostgresSubtreeHashes(manager));
  return Promise.all(rows.map((row) => entryView(row, checkpoint, withProofs, hashes)));
}

async function entryView(
  row: AuditEntryRow,
  checkpoint: Checkpoint | null,
  withProofs: boolean,
  hashes: SubtreeHashes,
): Promise<AuditEntryView> {
  const entry = entryFromRow(row);
  const leaf = canonicalEntryBytes(entry);
  const leafIndex = row.leaf_index === null ? null : Number(row.leaf_index);
  const view: AuditEntryView = {
    id: entry.id,
    leafIndex,
    at: entry.at.toISOString(),
    type: entry.type,
    actor: { ...entry.actor },
    schools: { ...entry.schools },
    details: entry.details,
    leaf: leaf.toString('utf8'),
    integrity: 'not_yet_checkpointed',
  };
  if (entry.transferId !== undefined) view.transferId = entry.transferId;
  if (entry.versionHash !== undefined) view.versionHash = entry.versionHash;
  if (checkpoint !== null && leafIndex !== null && leafIndex < checkpoint.size) {
    const hash = leafHash(leaf);
    const [proof, [storedLeaf]] = await Promise.all([
      inclusionProof(leafIndex, checkpoint.size, hashes),
      hashes.subtreeHashes([{ level: 0, index: leafIndex }]),
    ]);
    if (verifyInclusion(hash, leafIndex, checkpoint.size, proof, checkpoint.rootHash)) {
      view.integrity = 'verified';
    } else {
      view.integrity = 'does_not_match_log';
      // The stored leaf hash only tells the two cases apart; the signed root decided.
      view.integrityProblem = hash.equals(storedLeaf)
        ? `entry ${entry.id} hashes to the leaf stored at ${leafIndex}, but that leaf does not lead to the ` +
          `signed root of ${checkpoint.size} entries: the tree's stored hashes were rewritten here (this ` +
          'entry, or one next to it in the tree, was changed together with them)'
        : `entry ${entry.id} as stored now does not hash to leaf ${leafIndex} of the signed tree of ` +
          `${checkpoint.size} entries: it was changed, swapped or moved after it was logged`;
    }
    if (withProofs) view.inclusionProof = proof.map((hash) => hash.toString('base64'));
  }
  return view;
}
