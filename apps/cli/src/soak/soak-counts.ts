import type { Sector } from '../bench/load/bench-broker';
import { LoggedTransfer, readLoggedTransfers, releasedGated } from '../bench/season/season-checks';
import type { SeasonOutcome } from '../bench/season/season-driver';

/**
 * The soak's counts, from the exchange log of the soak's own database (the season's query and gate rule,
 * season-checks.ts), not from what the driver believes:
 *   released   — transfers the log shows released;
 *   duplicates — transfers released more than once;
 *   ungated    — releases without the gate's decision, the inzage and (VO→VO) the consent logged before
 *                them, plus withheld dossiers (no inzage ever) that were queued or released;
 *   lost       — transfers the driver made eligible that were never released, releases not fetched and
 *                receipted exactly once, and fetched bytes that differ from what was staged.
 * Accepted is the driver's count of dossiers the broker answered 201 to.
 */
export interface SoakCounts {
  accepted: number;
  eligible: number;
  released: number;
  duplicates: number;
  ungated: number;
  lost: number;
  withheld: number;
  /** Of the lost: eligible never released; released not fetched and receipted once; bytes differing. */
  neverReleased: number;
  notReceipted: number;
  mismatched: number;
}

export async function countSoak(
  databaseUrl: string,
  schema: string,
  outcome: SeasonOutcome,
  sectors: ReadonlyMap<string, Sector>,
): Promise<SoakCounts> {
  return soakCountsOf(await readLoggedTransfers(databaseUrl, schema), outcome, sectors);
}

export function soakCountsOf(
  rows: readonly LoggedTransfer[],
  outcome: SeasonOutcome,
  sectors: ReadonlyMap<string, Sector>,
): SoakCounts {
  const logged = new Map(rows.map((row) => [row.id, row]));
  let released = 0;
  let duplicates = 0;
  let ungated = 0;
  let notReceipted = 0;
  for (const row of rows) {
    if (row.releases === 0) continue;
    released += 1;
    if (row.releases > 1) duplicates += 1;
    if (!releasedGated(row, sectors)) ungated += 1;
    if (row.fetches === 0 || row.receipts !== 1) notReceipted += 1;
  }
  for (const id of outcome.withheld) {
    const row = logged.get(id);
    // Released ones are counted above already (no inzage before the release).
    if (row && row.releases === 0 && row.queued > 0) ungated += 1;
  }
  let neverReleased = 0;
  for (const id of outcome.eligible) if ((logged.get(id)?.releases ?? 0) === 0) neverReleased += 1;
  return {
    accepted: outcome.steps.stage.count,
    eligible: outcome.eligible.size,
    released,
    duplicates,
    ungated,
    lost: neverReleased + notReceipted + outcome.mismatched,
    withheld: outcome.withheld.size,
    neverReleased,
    notReceipted,
    mismatched: outcome.mismatched,
  };
}
