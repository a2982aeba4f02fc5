import { RegistryBoardInstructions } from '@app/registry';
import { regateBoardTransfers } from '@app/transfers';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { DossierVault } from '@app/vault';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BoardPolicySweepSettings } from '../release-worker.config';
import { SweepTimer } from '../sweep-timer';

export const BOARD_POLICY_SWEEP_SETTINGS = Symbol('BOARD_POLICY_SWEEP_SETTINGS');

/** What one round did: the boards whose waiting transfers were asked again, and how many moved. */
export interface BoardPolicyRound {
  boards: number;
  moved: number;
}

/**
 * A board's release policy dated ahead takes effect on its day, with nothing recorded then (#11). Every
 * `BOARD_POLICY_SWEEP_SECONDS` this sweep finds the boards whose `release_policy` decision has its day in
 * the last `BOARD_POLICY_LOOKBACK_DAYS` Dutch days (today included) and asks the gate again for their
 * waiting transfers (`regateBoardTransfers`). Re-gating is idempotent — only a changed answer moves a
 * transfer, each locked in its own transaction — so rounds that overlap, or workers sweeping at once,
 * move nothing twice.
 */
@Injectable()
export class BoardPolicySweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('BoardPolicySweep');
  private readonly timer = new SweepTimer(this.logger, 'board policy sweep');
  private readonly boards: RegistryBoardInstructions;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DossierVault) private readonly vault: DossierVault,
    @Inject(BOARD_POLICY_SWEEP_SETTINGS) private readonly settings: BoardPolicySweepSettings,
  ) {
    this.boards = new RegistryBoardInstructions(dataSource);
  }

  onApplicationBootstrap(): void {
    this.timer.start(this.settings.everySeconds * 1000, async () => {
      await this.sweep();
    });
  }

  /** One round at `now` (tests pass a clock). */
  async sweep(now: Date = new Date()): Promise<BoardPolicyRound> {
    const boards = await this.boards.boardsWithReleasePolicyTakingEffect(now, this.settings.lookbackDays);
    let moved = 0;
    for (const board of boards) {
      moved += await regateBoardTransfers(
        this.dataSource,
        this.vault,
        TRANSFER_LOG_RECORDER,
        board,
        () => now,
      );
    }
    if (moved > 0) this.logger.log(`board policy: ${moved} transfer(s) moved for ${boards.length} board(s)`);
    return { boards: boards.length, moved };
  }

  onModuleDestroy(): Promise<void> {
    return this.timer.stop();
  }
}
