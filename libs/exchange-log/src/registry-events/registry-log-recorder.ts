import type { RegistryEventRecorder, RegistryLogEvent } from '@app/registry/registry-events';
import type { EntityManager } from 'typeorm';
import type { ExchangeActor, ExchangeEventInput } from '../entry/exchange-log-entry';
import { appendExchangeEvent } from '../storage/append-exchange-event';

/** The `oso` CLI as an actor: the operator's tool, not the person at the keyboard (see decisions.md). */
export const OSO_CLI_ACTOR: ExchangeActor = { kind: 'operator', id: 'oso-cli' };
/** The broker process itself, for registry changes made by the running broker. */
export const BROKER_REGISTRY_ACTOR: ExchangeActor = { kind: 'broker', id: 'broker' };

/**
 * A registry change as an exchange log entry: ids and codes only. Pure, so the mapping is tested on its
 * own; the log's screen (`validateExchangeEvent`) still judges every entry at append time.
 */
export function registryLogEntry(event: RegistryLogEvent, actor: ExchangeActor): ExchangeEventInput {
  const base = { type: event.type, at: event.at, actor };
  switch (event.type) {
    case 'vendor_added':
      return { ...base, details: { vendorId: event.vendorId } };
    case 'vendor_changed':
      return { ...base, details: { vendorId: event.vendorId, changed: event.changed } };
    case 'school_added':
      return {
        ...base,
        schools: { subject: event.schoolCode },
        details: { sector: event.sector, bevoegdGezag: event.bevoegdGezag },
      };
    case 'school_changed':
      return {
        ...base,
        schools: { subject: event.schoolCode },
        details: {
          changed: event.changed,
          ...(event.bevoegdGezag !== undefined ? { bevoegdGezag: event.bevoegdGezag } : {}),
        },
      };
    case 'auditor_added':
      return {
        ...base,
        details: { auditorId: event.auditorName, boards: event.boards, supervisory: event.supervisory },
      };
    case 'auditor_changed':
      return {
        ...base,
        details: {
          auditorId: event.auditorName,
          changed: event.changed,
          boards: event.boards,
          supervisory: event.supervisory,
        },
      };
    case 'mandate_granted':
    case 'mandate_revoked':
      return {
        ...base,
        schools: { subject: event.schoolCode },
        details: { vendorId: event.vendorId, side: event.side },
      };
    case 'certificate_issued':
      return {
        ...base,
        details: {
          holderKind: event.holder.kind,
          holderId: event.holder.id,
          serial: evenHex(event.serial),
          fingerprint: event.fingerprint,
        },
      };
    case 'certificate_revoked':
      return {
        ...base,
        details: {
          ...(event.holder !== null ? { holderKind: event.holder.kind, holderId: event.holder.id } : {}),
          serial: evenHex(event.serial),
          reason: event.reason,
        },
      };
    case 'crl_published':
      return { ...base, details: { crlNumber: event.crlNumber, revokedCount: event.revokedCount } };
    case 'board_instruction_recorded':
      // The vendor that acts for the board made this change, not the broker: it is the actor.
      return {
        ...base,
        actor: { kind: 'vendor', id: event.vendorId, certificateFingerprint: event.certificateFingerprint },
        details: {
          instructionId: event.instructionId,
          bevoegdGezag: event.bevoegdGezag,
          kind: event.kind,
          ...(event.policy ? { policy: event.policy.id, policyVersion: event.policy.version } : {}),
          ...(event.retention
            ? {
                afterReleaseMonths: event.retention.afterReleaseMonths,
                specialEducationMonths: event.retention.specialEducationMonths,
              }
            : {}),
        },
      };
  }
}

/** The registry keeps serials without leading zeros ("5"); the log's hex is whole bytes ("05"). */
function evenHex(hex: string): string {
  return hex.length % 2 === 0 ? hex : `0${hex}`;
}

/**
 * The registry's changes into the exchange log, inside the transaction of the change, attributed to
 * `actor`: the change and its entry commit together or not at all.
 */
export function registryLogRecorder(actor: ExchangeActor): RegistryEventRecorder {
  return {
    async record(manager: EntityManager, event: RegistryLogEvent): Promise<void> {
      await appendExchangeEvent(manager, registryLogEntry(event, actor));
    },
  };
}
