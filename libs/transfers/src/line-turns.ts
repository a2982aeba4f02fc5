/**
 * Turns on a pupil's line within this process: requests for the same line queue here, in memory, before
 * they take a database connection. Without this, every same-pupil upload held a pool connection while it
 * waited for the line's advisory lock, and a burst for one pupil emptied the pool for everybody. The
 * advisory lock stays (it serialises across processes); here at most one request per line and process
 * holds a connection while it waits for it.
 */
export class LineTurnTimeout extends Error {
  constructor() {
    super('waited too long for a turn on the line');
    this.name = 'LineTurnTimeout';
  }
}

export class LineTurns {
  /** Per line, the turn that ends last: a newcomer queues behind it. Empty lines are removed. */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `work` once every earlier turn on `line` in this process has ended, or throws LineTurnTimeout
   * when that takes longer than `waitMs` (then `work` never ran, and later turns still wait for the
   * earlier ones, never for this one).
   */
  async take<T>(line: string, waitMs: number, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(line) ?? Promise.resolve();
    let end!: () => void;
    const mine = new Promise<void>((resolve) => (end = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(line, tail);
    void tail.then(() => {
      if (this.tails.get(line) === tail) this.tails.delete(line);
    });
    try {
      await waitAtMost(previous, waitMs);
      return await work();
    } finally {
      end();
    }
  }

  /** Lines with a turn running or waiting (for tests: an ended burst leaves none behind). */
  get busyLines(): number {
    return this.tails.size;
  }
}

function waitAtMost(turn: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LineTurnTimeout()), ms);
  });
  return Promise.race([turn, timeout]).finally(() => clearTimeout(timer));
}
