import { appendExchangeEvent } from '@app/exchange-log';
import type { TransferEventRecorder, TransferLogEvent } from '@app/transfers';
import type { EntityManager } from 'typeorm';
import { transferLogEntry } from './transfer-log-entries';

/**
 * The exchange's events into the exchange log, inside the transaction of the change: the state, its
 * history and its log entry commit together or not at all; answers the entry's id for the vendor's
 * answer (`X-Log-Entry`). Lives in the app, so that neither the exchange nor the log knows the other.
 * One INSERT per event and no lookup: the events carry the school codes the use case already had.
 */
export const TRANSFER_LOG_RECORDER: TransferEventRecorder = {
  async record(manager: EntityManager, event: TransferLogEvent): Promise<string> {
    const { entryId } = await appendExchangeEvent(manager, transferLogEntry(event));
    return entryId;
  },
};
