import { ExchangeLog1764100000000 } from './1764100000000-exchange-log';
import {
  ExchangeLogCheckpointEntity,
  ExchangeLogEntryEntity,
  ExchangeLogLeafEntity,
  ExchangeLogTreeNodeEntity,
} from './exchange-log.entities';

export * from './exchange-log.entities';
export * from './exchange-log-tables';
export * from './append-exchange-event';

/** What the broker's data source composes: the log's entities and its migration (oldest first). */
export const EXCHANGE_LOG_ENTITIES = [
  ExchangeLogEntryEntity,
  ExchangeLogLeafEntity,
  ExchangeLogTreeNodeEntity,
  ExchangeLogCheckpointEntity,
];
export const EXCHANGE_LOG_MIGRATIONS = [ExchangeLog1764100000000];
