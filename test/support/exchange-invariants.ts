import {
  Checkpoint,
  EXCHANGE_LOG_TABLES,
  PostgresSubtreeHashes,
  consistencyProof,
  openCheckpoint,
  verifyConsistency,
} from '@app/exchange-log';
import { versionContext } from '@app/transfers/dossier-sealing';
import { DossierVault, readVaultConfig } from '@app/vault';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import type { Sector } from '../../apps/cli/src/bench/load/bench-broker';
import { SeasonCheck, countFromExchangeLog } from '../../apps/cli/src/bench/season/season-checks';
import type { SeasonOutcome } from '../../apps/cli/src/bench/season/season-driver';
import { untilCheckpointed } from './log-checkpoints';

/**
 * What must hold after a fault (issue #14, item 3), read from the broker's database afterwards — not from
 * what the driver believes: every dossier the broker accepted (201) is stored intact (opened with the
 * broker's own vault and hashed as staging hashed it); every eligible transfer released exactly once and
 * none without its gate evidence (counted from the exchange log, as `bench:season` counts); and the log
 * consistent with the signed checkpoint taken before the fault (an RFC 9162 consistency proof from the
 * stored tree, checked by the library's own verifier, between two checkpoints whose signatures verify).
 */

/** A signed checkpoint whose signature verified with the log's key. */
export interface VerifiedCheckpoint {
  checkpoint: Checkpoint;
  signedNote: string;
}

export interface DossierIntegrity {
  /** Transfers whose dossier the broker accepted (the driver's 201 on the staging). */
  accepted: number;
  /** Of these, the payloads opened with the vault whose bytes hash to the recorded content hash. */
  intact: number;
  /** Purged after their receipt (retention; nothing left to open): fetched byte-identical before. */
  purgedAfterReceipt: number;
  /** Transfer ids whose stored dossier is missing, does not open, or differs from its hash. */
  damaged: string[];
}

export interface LogConsistency {
  before: Checkpoint;
  after: Checkpoint;
  /** The consistency proof from `before.size` to `after.size` verifies against both roots. */
  consistent: boolean;
}

export interface ExchangeInvariants {
  /** `countFromExchangeLog`'s checks (exactly once, gated, none lost, withheld held back, no failures). */
  season: SeasonCheck[];
  dossiers: DossierIntegrity;
  log: LogConsistency;
}

/** A pg client on the broker's database, in its schema. */
async function connect(databaseUrl: string, schema: string): Promise<Client> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'oso-fault-invariants' });
  await client.connect();
  await client.query(`SET search_path TO "${schema.replace(/"/g, '')}"`);
  return client;
}

/** The broker's own PostgreSQL tree reader, on a plain pg client (it only calls `query`). */
function storedTree(client: Client): PostgresSubtreeHashes {
  const manager = {
    query: async (sql: string, parameters?: unknown[]) => (await client.query(sql, parameters)).rows,
  };
  return new PostgresSubtreeHashes(manager as unknown as EntityManager);
}

/**
 * Waits until a checkpoint covers every entry written so far and returns the latest one, its signature
 * verified with `verifierKey` (the log key's `.pub`).
 */
export async function latestVerifiedCheckpoint(
  databaseUrl: string,
  schema: string,
  verifierKey: string,
): Promise<VerifiedCheckpoint> {
  const client = await connect(databaseUrl, schema);
  try {
    await untilCheckpointed(client);
    const { rows } = await client.query<{ signed_note: string }>(
      `SELECT signed_note FROM ${EXCHANGE_LOG_TABLES.checkpoints} ORDER BY tree_size DESC LIMIT 1`,
    );
    if (rows.length === 0) throw new Error('the exchange log has no checkpoint yet');
    const { checkpoint } = openCheckpoint(rows[0].signed_note, [verifierKey]);
    return { checkpoint, signedNote: rows[0].signed_note };
  } finally {
    await client.end();
  }
}

/** The log now (a fresh checkpoint covering every entry) against a checkpoint taken earlier. */
export async function logConsistentWith(
  databaseUrl: string,
  schema: string,
  verifierKey: string,
  before: VerifiedCheckpoint,
): Promise<LogConsistency> {
  const after = await latestVerifiedCheckpoint(databaseUrl, schema, verifierKey);
  const client = await connect(databaseUrl, schema);
  try {
    const from = before.checkpoint;
    const to = after.checkpoint;
    const proof =
      from.size === 0 || from.size > to.size
        ? []
        : await consistencyProof(from.size, to.size, storedTree(client));
    return {
      before: from,
      after: to,
      consistent:
        from.origin === to.origin && verifyConsistency(from.size, to.size, from.rootHash, to.rootHash, proof),
    };
  } finally {
    await client.end();
  }
}

/** Every accepted dossier opened with the broker's vault (the KEKs the broker runs with) and hashed. */
export async function dossiersIntact(
  databaseUrl: string,
  schema: string,
  accepted: ReadonlySet<string>,
  vaultEnv: { VAULT_KEKS: string; VAULT_ACTIVE_KEK: string },
): Promise<DossierIntegrity> {
  const vault = new DossierVault(readVaultConfig(vaultEnv));
  const client = await connect(databaseUrl, schema);
  const result: DossierIntegrity = { accepted: accepted.size, intact: 0, purgedAfterReceipt: 0, damaged: [] };
  try {
    const { rows } = await client.query<{
      transfer_id: string;
      version_id: string | null;
      content_sha256: string | null;
      ciphertext: Buffer | null;
      iv: Buffer | null;
      auth_tag: Buffer | null;
      wrapped_key: Buffer | null;
      wrap_iv: Buffer | null;
      wrap_tag: Buffer | null;
      kek_id: string | null;
      purged_at: Date | null;
      receipted: boolean;
    }>(
      `SELECT t.id AS transfer_id, v.id AS version_id, v.content_sha256, v.ciphertext, v.iv, v.auth_tag,
              v.wrapped_key, v.wrap_iv, v.wrap_tag, v.kek_id, v.purged_at,
              EXISTS (SELECT 1 FROM ${EXCHANGE_LOG_TABLES.entries} e
                       WHERE e.transfer_id = t.id AND e.event_type = 'receipt_confirmed') AS receipted
         FROM transfers t
         LEFT JOIN dossier_versions v ON v.id = coalesce(t.released_version_id, t.current_version_id)
        WHERE t.id = ANY($1::uuid[])`,
      [[...accepted]],
    );
    const found = new Set(rows.map((row) => row.transfer_id));
    for (const id of accepted) if (!found.has(id)) result.damaged.push(id);
    for (const row of rows) {
      if (row.version_id === null) {
        result.damaged.push(row.transfer_id);
      } else if (row.ciphertext === null) {
        if (row.purged_at !== null && row.receipted) result.purgedAfterReceipt += 1;
        else result.damaged.push(row.transfer_id);
      } else {
        try {
          const bytes = vault.open(
            {
              ciphertext: row.ciphertext,
              iv: row.iv as Buffer,
              tag: row.auth_tag as Buffer,
              wrappedKey: row.wrapped_key,
              wrapIv: row.wrap_iv as Buffer,
              wrapTag: row.wrap_tag as Buffer,
              kekId: row.kek_id as string,
            },
            versionContext(row.version_id),
          );
          if (createHash('sha256').update(bytes).digest('hex') === row.content_sha256) result.intact += 1;
          else result.damaged.push(row.transfer_id);
        } catch {
          result.damaged.push(row.transfer_id);
        }
      }
    }
    return result;
  } finally {
    await client.end();
  }
}

/** All three, after the load that met the fault has finished. */
export async function checkExchangeInvariants(options: {
  databaseUrl: string;
  schema: string;
  outcome: SeasonOutcome;
  sectors: ReadonlyMap<string, Sector>;
  vaultEnv: { VAULT_KEKS: string; VAULT_ACTIVE_KEK: string };
  verifierKey: string;
  before: VerifiedCheckpoint;
}): Promise<ExchangeInvariants> {
  const { databaseUrl, schema, outcome } = options;
  const accepted = new Set([...outcome.eligible, ...outcome.withheld]);
  return {
    season: await countFromExchangeLog(databaseUrl, schema, outcome, options.sectors),
    dossiers: await dossiersIntact(databaseUrl, schema, accepted, options.vaultEnv),
    log: await logConsistentWith(databaseUrl, schema, options.verifierKey, options.before),
  };
}

/** The invariants as one plain object a spec compares with `toEqual`, so a failure shows every count. */
export function invariantSummary(found: ExchangeInvariants): Record<string, unknown> {
  return {
    season: Object.fromEntries(found.season.map((check) => [check.what, check.holds || check.detail])),
    damagedDossiers: found.dossiers.damaged,
    everyAcceptedDossierChecked:
      found.dossiers.intact + found.dossiers.purgedAfterReceipt === found.dossiers.accepted,
    logConsistentWithCheckpointBeforeFault: found.log.consistent,
    logGrewSinceCheckpoint: found.log.after.size > found.log.before.size,
  };
}

/** What `invariantSummary` says when everything holds. */
export function invariantsHold(found: ExchangeInvariants): Record<string, unknown> {
  return {
    season: Object.fromEntries(found.season.map((check) => [check.what, true])),
    damagedDossiers: [],
    everyAcceptedDossierChecked: true,
    logConsistentWithCheckpointBeforeFault: true,
    logGrewSinceCheckpoint: true,
  };
}
