import { appendExchangeEvents } from '@app/exchange-log';
import type { TransferEventRecorder, TransferLogEvent } from '@app/transfers';
import type { EntityManager } from 'typeorm';
import { transferLogEntry } from './transfer-log-entries';

/**
 * The exchange's events into the exchange log, inside the transaction of the change: the state, its
 * history and its log entries commit together or not at all; answers the entries' ids, in order, for
 * the vendor's answer (`X-Log-Entry`). Lives in its own lib, so that neither the exchange nor the log
 * knows the other, and the broker API, the release worker and the benchmark share one recorder. A step's
 * events take one INSERT and no lookup (they carry their schools' codes): the log must not slow the
 * exchange (docs/exchange-log.md, "Scale").
 */
export const TRANSFER_LOG_RECORDER: TransferEventRecorder = {
  async record(manager: EntityManager, events: readonly TransferLogEvent[]): Promise<readonly string[]> {
    const { entryIds } = await appendExchangeEvents(manager, events.map(transferLogEntry));
    return entryIds;
  },
};
