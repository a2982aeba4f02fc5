import type { RssSample } from './rss-series';
import { GROWTH_FACTOR, GROWTH_FLOOR_BYTES, MIN_JUDGED_SAMPLES, WARM_UP_MS } from './rss-series';
import type { SoakResult } from './soak-run';

/** The soak's report: the counts that must be 0, the chaos, the retries, the RSS of every process. */
export function soakReport(result: SoakResult): string[] {
  const { counts } = result;
  const lines: string[] = [];
  const mark = (holds: boolean) => (holds ? '✓' : '✗');
  lines.push('', 'COUNTS (from the exchange log):');
  lines.push(`  accepted    ${counts.accepted}   (dossiers the broker answered 201 to)`);
  lines.push(
    `  released    ${counts.released}   (of ${counts.eligible} the vendors made eligible; ${counts.withheld} withheld)`,
  );
  lines.push(
    `  ${mark(counts.duplicates === 0)} duplicates  ${counts.duplicates}   (transfers released more than once)`,
  );
  lines.push(
    `  ${mark(counts.lost === 0)} lost        ${counts.lost}   (${counts.neverReleased} eligible never released, ` +
      `${counts.notReceipted} released not fetched and receipted once, ${counts.mismatched} fetched bytes differing)`,
  );
  lines.push(
    `  ${mark(counts.ungated === 0)} ungated     ${counts.ungated}   (released without gate/inzage/consent before, or withheld and queued)`,
  );
  const failed = [...result.failures.values()].reduce((sum, n) => sum + n, 0);
  lines.push(
    `  pupils: ${result.started} started, ${result.completed} fetched and receipted, ${failed} failed` +
      (failed ? ` (${[...result.failures].map(([key, n]) => `${key} ×${n}`).join('; ')})` : ''),
  );

  const kills = result.kills;
  const back = kills.filter((kill) => kill.backAtMs !== null);
  lines.push('', 'CHAOS:');
  lines.push(
    `  ${mark(result.allBack)} kills ${kills.length} (broker-api ${kills.filter((k) => k.target === 'broker-api').length}, ` +
      `release-worker ${kills.filter((k) => k.target === 'release-worker').length}), restarts seen ${back.length}, ` +
      `ticks skipped while one was restarting ${result.skippedKills}`,
  );
  if (back.length > 0) {
    const downtimes = back.map((kill) => (kill.backAtMs! - kill.atMs) / 1000).sort((a, b) => a - b);
    lines.push(
      `  back after: median ${downtimes[Math.floor(downtimes.length / 2)].toFixed(1)} s, longest ${downtimes[downtimes.length - 1].toFixed(1)} s`,
    );
  }
  for (const kill of kills.filter((k) => k.backAtMs === null))
    lines.push(`  ✗ ${kill.name} (pid ${kill.pid}) not back`);
  lines.push(
    `  vendors' retries: ${result.retries.connection} after a broken connection, ${result.retries.busy} after 503/429 ` +
      `with Retry-After, ${result.retries.reconciled} reconciled (the first attempt had taken effect)`,
  );
  const timedOut = Object.entries(result.retries.timedOut);
  lines.push(
    `  ${mark(timedOut.length === 0)} requests without an answer within a minute (sent again): ` +
      (timedOut.length ? timedOut.map(([step, n]) => `${step} ×${n}`).join(', ') : 'none'),
  );

  lines.push(
    '',
    `RSS over time (MB; a restarted process is a new series; "grows": after its first ${WARM_UP_MS / 1000} s, ` +
      `the last third's median > ${GROWTH_FACTOR} × the first third's and by > ${GROWTH_FLOOR_BYTES / 1024 / 1024} MB; ` +
      `judged from ${MIN_JUDGED_SAMPLES} samples after the warm-up; ` +
      `${result.rss.filter((series) => series.verdict !== 'too short to judge').length} of ${result.rss.length} series judged):`,
  );
  lines.push(
    `  ${'process'.padEnd(18)}${'pid'.padStart(8)}${'samples'.padStart(9)}${'start'.padStart(7)}${'middle'.padStart(8)}${'end'.padStart(6)}${'peak'.padStart(6)}  verdict`,
  );
  for (const series of result.rss) {
    const at = (share: number) =>
      mbOf(series.samples[Math.min(series.samples.length - 1, Math.floor(series.samples.length * share))]);
    const peak = Math.max(...series.samples.map((sample) => sample.bytes));
    const verdict =
      series.verdict === 'too short to judge'
        ? series.verdict
        : `${mark(series.verdict === 'no growth')} ${series.verdict} (${mb(series.firstBytes!)} → ${mb(series.lastBytes!)})`;
    lines.push(
      `  ${series.name.padEnd(18)}${String(series.pid).padStart(8)}${String(series.samples.length).padStart(9)}` +
        `${at(0).padStart(7)}${at(0.5).padStart(8)}${mbOf(series.samples[series.samples.length - 1]).padStart(6)}${mb(peak).padStart(6)}  ${verdict}`,
    );
  }
  lines.push(
    '',
    result.problems.length === 0 ? 'soak: held ✓' : `soak: FAILED ✗ — ${result.problems.join('; ')}`,
  );
  return lines;
}

const mb = (bytes: number) => String(Math.round(bytes / 1024 / 1024));
const mbOf = (sample: RssSample | undefined) => (sample ? mb(sample.bytes) : '-');
