import { readFileSync, readdirSync } from 'node:fs';

/** How often the process tree is walked: often enough to see a cluster worker that lives a few seconds. */
const SAMPLE_EVERY_MS = 500;

export interface SampledProcess {
  name: string;
  pid: number;
  peakRssBytes: number;
}

/** `VmHWM` (the kernel's own peak RSS of the process) in bytes, or null when the process is gone. */
export function peakRssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The process's start time (clock ticks since boot): tells a live process from a later one with its pid. */
export function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * The children of `pid` from `/proc/<pid>/task/<tid>/children` (cheap: no walk over every process), or
 * null where the kernel does not offer that file.
 */
function childrenOf(pid: number): number[] | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && task === tasks[0]) return null;
      continue;
    }
    for (const child of text.trim().split(/\s+/)) if (child) children.push(Number(child));
  }
  return children;
}

/** Every live process's parent, from `/proc/<pid>/stat` (the name may hold spaces: parse after its `)`). */
function parentsOfAll(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  return children;
}

/**
 * Samples the peak RSS of named root processes and of every process below them (a clustered broker-api's
 * workers are its children: `broker-api#1`, `broker-api#2`, …). VmHWM is the kernel's high-water mark,
 * so a peak between two samples is not missed; only a child that dies between two samples is.
 */
export class ProcessTreeMemory {
  private readonly roots = new Map<number, string>();
  private readonly seen = new Map<number, SampledProcess>();
  private readonly childCount = new Map<string, number>();
  private readonly startTimes = new Map<number, string>();
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  track(name: string, pid: number): void {
    this.roots.set(pid, name);
    this.sample();
  }

  sample(): void {
    if (process.platform !== 'linux' || this.roots.size === 0) return;
    let all: Map<number, number[]> | null = null;
    const children = (pid: number) => {
      const direct = all === null ? childrenOf(pid) : null;
      if (direct !== null) return direct;
      all ??= parentsOfAll();
      return all.get(pid) ?? [];
    };
    for (const [rootPid, rootName] of this.roots) {
      const pending: Array<[number, string]> = [[rootPid, rootName]];
      while (pending.length > 0) {
        const [pid, name] = pending.pop()!;
        this.record(pid, name);
        for (const child of children(pid)) pending.push([child, this.nameOf(child, rootName)]);
      }
    }
  }

  /** Every process seen so far, roots first, in the order they were found. */
  snapshot(): SampledProcess[] {
    return [...this.seen.values()].map((entry) => ({ ...entry }));
  }

  /** Pids seen below (and including) the roots that still run as the same process (not a reused pid). */
  livePids(): number[] {
    return [...this.startTimes].filter(([pid, start]) => startTimeOf(pid) === start).map(([pid]) => pid);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private nameOf(pid: number, rootName: string): string {
    const known = this.seen.get(pid);
    if (known) return known.name;
    const count = (this.childCount.get(rootName) ?? 0) + 1;
    this.childCount.set(rootName, count);
    return `${rootName}#${count}`;
  }

  private record(pid: number, name: string): void {
    const peak = peakRssOf(pid);
    if (peak === null) return;
    if (!this.startTimes.has(pid)) {
      const start = startTimeOf(pid);
      if (start !== null) this.startTimes.set(pid, start);
    }
    const entry = this.seen.get(pid) ?? { name, pid, peakRssBytes: 0 };
    entry.peakRssBytes = Math.max(entry.peakRssBytes, peak);
    this.seen.set(pid, entry);
  }
}
