import type { ExchangeEventInput } from '@app/exchange-log';
import type { TransferLogEvent } from '@app/transfers';

/** The broker itself, as an actor of the log (expiry, the release gate's first look). */
export const BROKER_ACTOR_ID = 'broker';

/**
 * An event of the exchange as an exchange log entry: the exchange already names the schools by their
 * public code (BRIN + vestiging), the rest as it states it. Pure, so the one mapping of the exchange onto
 * the log is tested on its own; the log's own screen (`validateExchangeEvent`) still judges every entry
 * at append time.
 */
export function transferLogEntry(event: TransferLogEvent): ExchangeEventInput {
  const entry: ExchangeEventInput = {
    type: event.type,
    at: event.at,
    actor:
      // A vendor's entry names the certificate it authenticated with: which key acted, not only whose.
      event.actor.kind === 'vendor'
        ? { kind: 'vendor', id: event.actor.id, certificateFingerprint: event.actor.certificateFingerprint }
        : { kind: 'broker', id: BROKER_ACTOR_ID },
    schools: {
      source: event.schools.source,
      ...(event.schools.target !== null ? { target: event.schools.target } : {}),
    },
    ...(event.transferId !== null ? { transferId: event.transferId } : {}),
    ...(event.versionHash !== null ? { versionHash: event.versionHash } : {}),
  };
  if (event.type === 'version_staged') {
    entry.details = {
      profile: event.profile,
      overdrachtsoort: event.overdrachtsoort,
      warnedRuleIds: event.warnedRuleIds,
    };
  }
  if (event.type === 'evidence_recorded') {
    entry.details = { kind: event.kind, evidenceId: event.evidenceId };
  }
  if (event.type === 'gate_decided') {
    entry.details = {
      outcome: event.outcome,
      policy: event.policy.id,
      policyVersion: event.policy.version,
      reasons: event.reasonCodes,
    };
  }
  if (event.type === 'notification_delivered' || event.type === 'notification_dead_lettered') {
    entry.details = {
      kind: event.kind,
      vendorId: event.vendorId,
      attempts: event.attempts,
      ...(event.failure !== null ? { failure: event.failure } : {}),
    };
  }
  if (event.type === 'version_retracted') {
    entry.details = { reason: event.reason, transfersAffected: event.transfersAffected };
  }
  if (event.type === 'recall_issued') {
    entry.details = { reason: event.reason, noticeId: event.noticeId, keyDestroyed: event.keyDestroyed };
  }
  if (event.type === 'declaration_stored') {
    entry.details = { evidenceId: event.evidenceId, byteLength: event.byteLength };
  }
  if (event.type === 'payload_purged') {
    entry.details = { reason: event.reason, termDays: event.termDays };
  }
  if (event.type === 'metadata_deleted') {
    entry.details = {
      termMonths: event.termMonths,
      historyRows: event.historyRows,
      evidenceRecords: event.evidenceRecords,
      versions: event.versions,
    };
  }
  if (event.type === 'dossier_rendered') {
    entry.details = {
      format: event.format,
      form: event.form,
      ...(event.verzorger !== null ? { verzorger: event.verzorger } : {}),
    };
  }
  if (event.type === 'attachment_fetched') {
    entry.details = { attachment: event.attachment };
  }
  if (event.type === 'state_changed') {
    entry.details = { from: event.fromState, to: event.toState, event: event.step };
  }
  return entry;
}
