import type { Recorded } from '@app/transfers';
import type { Response } from 'express';

/** The answer's header that names the exchange log entries its step wrote. */
export const LOG_ENTRY_HEADER = 'X-Log-Entry';

/** The header as OpenAPI describes it, on every answer of a route that records events. */
export const LOG_ENTRY_HEADER_DOC = {
  [LOG_ENTRY_HEADER]: {
    description:
      'The ids of the exchange log entries this step wrote, in the order it wrote them, comma-separated ' +
      '(e.g. `41, 42, 43, 44`). Fetch each one’s inclusion proof with `GET /v1/log/entries/{entryId}/proof` ' +
      '(about a second later, once a checkpoint covers it). Absent when the step changed nothing (a repeated ' +
      'receipt or withdrawal); never on a refusal, which records nothing.',
    schema: { type: 'string', pattern: '^[1-9][0-9]*(, [1-9][0-9]*)*$' },
  },
};

/** Names the entries in the answer (none: no header) and hands back what the use case answered. */
export function answerWithLogEntries<T>(response: Response, recorded: Recorded<T>): T {
  if (recorded.logEntries.length > 0) response.setHeader(LOG_ENTRY_HEADER, recorded.logEntries.join(', '));
  return recorded.result;
}
