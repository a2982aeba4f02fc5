import { Logger } from '@nestjs/common';

/**
 * Runs `sweep` every `everyMs`, one round at a time (a round still running when the next tick comes is
 * not started twice); a failed round is logged by its class name only (messages may quote values) and
 * tried again at the next tick. `stop` waits for a running round.
 */
export class SweepTimer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly name: string,
  ) {}

  start(everyMs: number, sweep: () => Promise<void>): void {
    this.timer = setInterval(() => void this.tick(sweep), everyMs);
    this.timer.unref();
  }

  private async tick(sweep: () => Promise<void>): Promise<void> {
    if (this.running) return;
    this.running = sweep().catch((error: unknown) => {
      this.logger.warn(`${this.name} failed: ${error instanceof Error ? error.name : typeof error}`);
    });
    await this.running;
    this.running = undefined;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
