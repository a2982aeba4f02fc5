import { readFileSync } from 'node:fs';

/**
 * CPU time each process spent during the season (user + system, from /proc/<pid>/stat), so a run on a
 * busy shared machine still says what a pupil costs: cores × seconds ÷ CPU-seconds per pupil is the rate
 * the machine could reach alone. Linux only; elsewhere the figures are left out.
 */

/** Linux's USER_HZ: /proc reports CPU times in these ticks (100 on every mainstream architecture). */
const TICKS_PER_SECOND = 100;

export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, which may contain spaces): utime is the 14th field.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU seconds by process name now, for the processes given. */
export function cpuSnapshot(processes: ReadonlyArray<{ name: string; pid: number }>): Map<string, number> {
  const snapshot = new Map<string, number>();
  for (const { name, pid } of processes) {
    const seconds = cpuSecondsOf(pid);
    if (seconds !== null) snapshot.set(name, seconds);
  }
  return snapshot;
}
