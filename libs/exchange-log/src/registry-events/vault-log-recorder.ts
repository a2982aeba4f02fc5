import type { DossierKeysRewrapped, KeyRotationRecorder } from '@app/transfers/dossier-key-rotation';
import type { EntityManager } from 'typeorm';
import type { ExchangeActor, ExchangeEventInput } from '../entry/exchange-log-entry';
import { appendExchangeEvent } from '../storage/append-exchange-event';

/** A batch of a key rotation as an exchange log entry: key ids and a count, never key material. */
export function vaultRotationLogEntry(
  rewrapped: DossierKeysRewrapped,
  actor: ExchangeActor,
): ExchangeEventInput {
  return {
    type: 'vault_key_rotated',
    at: rewrapped.at,
    actor,
    details: {
      fromKekId: rewrapped.fromKekId,
      toKekId: rewrapped.toKekId,
      rewrappedCount: rewrapped.rewrappedCount,
    },
  };
}

/** `oso vault rotate`'s batches into the exchange log, each in the transaction that re-wraps it. */
export function vaultRotationLogRecorder(actor: ExchangeActor): KeyRotationRecorder {
  return {
    async record(manager: EntityManager, rewrapped: DossierKeysRewrapped): Promise<void> {
      await appendExchangeEvent(manager, vaultRotationLogEntry(rewrapped, actor));
    },
  };
}
