import { Logger } from '@nestjs/common';

/**
 * Runs `sweep` every `everyMs`, one round at a time (a round still running when the next tick comes is
 * not started twice); a failed round is logged by its class name only (messages may quote values) and
 * tried again at the next tick. `wake` runs a round now — or right after the running one, since that
 * may have read before the new work was committed. `stop` waits for a running round.
 */
export class SweepTimer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private sweep: (() => Promise<void>) | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    private readonly name: string,
  ) {}

  start(everyMs: number, sweep: () => Promise<void>): void {
    this.sweep = sweep;
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  /** New work was announced: a round now, without waiting for the next tick. */
  wake(): void {
    if (!this.sweep || this.stopped) return;
    if (this.running) this.again = true;
    else void this.tick();
  }

  private async tick(): Promise<void> {
    if (this.running || !this.sweep) return;
    const sweep = this.sweep;
    do {
      this.again = false;
      this.running = sweep().catch((error: unknown) => {
        this.logger.warn(`${this.name} failed: ${error instanceof Error ? error.name : typeof error}`);
      });
      await this.running;
    } while (this.again && !this.stopped);
    this.running = undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
