import { appendExchangeEvent } from '@app/exchange-log';
import { formatSchoolCode } from '@app/registry/school-code';
import { findSchoolsByIds } from '@app/registry/school-lookup';
import type { TransferEventRecorder, TransferLogEvent } from '@app/transfers';
import type { EntityManager } from 'typeorm';
import { transferLogEntry } from './transfer-log-entries';

/**
 * The exchange's events into the exchange log, inside the transaction of the change: the state, its
 * history and its log entry commit together or not at all; answers the entry's id for the vendor's
 * answer (`X-Log-Entry`). Lives in the app, so that neither the exchange nor the log knows the other.
 */
export const TRANSFER_LOG_RECORDER: TransferEventRecorder = {
  async record(manager: EntityManager, event: TransferLogEvent): Promise<string> {
    const ids = [event.sourceSchoolId, ...(event.targetSchoolId !== null ? [event.targetSchoolId] : [])];
    const codes = new Map(
      (await findSchoolsByIds(manager, ids)).map((school) => [school.id, formatSchoolCode(school)]),
    );
    const schoolCode = (id: string) => {
      const code = codes.get(id);
      // A bug, not a refusal: a transfer always names registered schools.
      if (code === undefined) throw new Error('a transfer event names a school the registry does not hold');
      return code;
    };
    const { entryId } = await appendExchangeEvent(manager, transferLogEntry(event, schoolCode));
    return entryId;
  },
};
