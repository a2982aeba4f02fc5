import { EXCHANGE_LOG_TABLES } from '@app/exchange-log';
import { Client } from 'pg';
import type { Sector } from '../load/bench-broker';
import type { SeasonOutcome } from './season-driver';

/**
 * The season's checks, counted from the exchange log in the broker's database after the run (not from
 * what the driver believes): every transfer the driver made eligible released exactly once, none released
 * without its gate evidence before it, none lost (every release fetched and receipted), and every
 * withheld one never queued nor released.
 */

/** One transfer as its log entries tell it. */
export interface LoggedTransfer {
  id: string;
  source_school: string;
  releases: number;
  queued: number;
  first_release: string | null;
  first_gate_release: string | null;
  first_inzage: string | null;
  first_consent: string | null;
  fetches: number;
  receipts: number;
}

export interface SeasonCheck {
  what: string;
  holds: boolean;
  /** The counts behind it, for the report. */
  detail: string;
}

/** Every transfer in the exchange log with the counts and first entries the checks need (also the soak's). */
export async function readLoggedTransfers(databaseUrl: string, schema: string): Promise<LoggedTransfer[]> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'oso-bench-season-checks' });
  await client.connect();
  let rows: LoggedTransfer[];
  try {
    await client.query(`SET search_path TO "${schema.replace(/"/g, '')}"`);
    const event = (type: string, field?: string, value?: string) =>
      `event_type = '${type}'${field ? ` AND details->>'${field}' = '${value}'` : ''}`;
    // Entry ids grow with commit order: "before" is a smaller id.
    ({ rows } = await client.query<LoggedTransfer>(`
      SELECT transfer_id::text AS id,
             min(source_school) AS source_school,
             count(*) FILTER (WHERE ${event('state_changed', 'to', 'released')})::int AS releases,
             count(*) FILTER (WHERE ${event('state_changed', 'to', 'release_queued')})::int AS queued,
             min(id) FILTER (WHERE ${event('state_changed', 'to', 'released')})::text AS first_release,
             min(id) FILTER (WHERE ${event('gate_decided', 'outcome', 'release')})::text AS first_gate_release,
             min(id) FILTER (WHERE ${event('evidence_recorded', 'kind', 'inzage')})::text AS first_inzage,
             min(id) FILTER (WHERE ${event('evidence_recorded', 'kind', 'consent')})::text AS first_consent,
             count(*) FILTER (WHERE ${event('dossier_fetched')})::int AS fetches,
             count(*) FILTER (WHERE ${event('receipt_confirmed')})::int AS receipts
        FROM ${EXCHANGE_LOG_TABLES.entries}
       WHERE transfer_id IS NOT NULL
       GROUP BY transfer_id`));
  } finally {
    await client.end();
  }
  return rows;
}

/** The gate's release, the inzage and (VO→VO) the consent are logged before the first release. */
export function releasedGated(row: LoggedTransfer, sectors: ReadonlyMap<string, Sector>): boolean {
  const before = (a: string | null, b: string | null) => a !== null && b !== null && BigInt(a) < BigInt(b);
  const voToVo = sectors.get(row.source_school.trim()) === 'VO';
  return (
    before(row.first_gate_release, row.first_release) &&
    before(row.first_inzage, row.first_release) &&
    (!voToVo || before(row.first_consent, row.first_release))
  );
}

export async function countFromExchangeLog(
  databaseUrl: string,
  schema: string,
  outcome: SeasonOutcome,
  sectors: ReadonlyMap<string, Sector>,
): Promise<SeasonCheck[]> {
  const rows = await readLoggedTransfers(databaseUrl, schema);
  const logged = new Map(rows.map((row) => [row.id, row]));

  let once = 0;
  let never = 0;
  let twice = 0;
  for (const id of outcome.eligible) {
    const releases = logged.get(id)?.releases ?? 0;
    if (releases === 1) once += 1;
    else if (releases === 0) never += 1;
    else twice += 1;
  }
  let released = 0;
  let ungated = 0;
  let lost = 0;
  let unexpected = 0;
  for (const row of rows) {
    if (row.releases === 0) continue;
    released += 1;
    if (!outcome.eligible.has(row.id)) unexpected += 1;
    if (!releasedGated(row, sectors)) ungated += 1;
    if (row.fetches === 0 || row.receipts !== 1) lost += 1;
  }
  let heldBack = 0;
  for (const id of outcome.withheld) {
    const row = logged.get(id);
    if (row !== undefined && row.releases === 0 && row.queued === 0) heldBack += 1;
  }
  const failed = [...outcome.failures.values()].reduce((sum, n) => sum + n, 0);
  const eligible = outcome.eligible.size;
  return [
    {
      what: 'every eligible dossier released exactly once',
      holds: once === eligible && eligible > 0,
      detail: `${once}/${eligible} once, ${never} never, ${twice} more than once`,
    },
    {
      what: 'none released without its gate evidence',
      holds: ungated === 0 && unexpected === 0,
      detail: `${ungated} of ${released} releases without inzage/consent/gate before them, ${unexpected} of transfers the driver did not make eligible`,
    },
    {
      what: 'none lost: every release fetched and receipted',
      holds: lost === 0 && released === eligible && outcome.unfinished === 0 && outcome.mismatched === 0,
      detail: `${released - lost}/${released} fetched and receipted, ${outcome.unfinished} not finished by the end, ${outcome.mismatched} fetched bytes differing`,
    },
    {
      what: 'every withheld dossier (no inzage) held back',
      holds: heldBack === outcome.withheld.size,
      detail: `${heldBack}/${outcome.withheld.size} never queued nor released`,
    },
    {
      what: 'no pupil failed, the gate answered as the route expects',
      holds: failed === 0 && outcome.unexpectedDecisions === 0,
      detail: `${failed} failed${failed ? ` (${[...outcome.failures].map(([k, n]) => `${k} ×${n}`).join('; ')})` : ''}, ${outcome.unexpectedDecisions} unexpected gate answers`,
    },
  ];
}
