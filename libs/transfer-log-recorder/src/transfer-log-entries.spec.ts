import { validateExchangeEvent } from '@app/exchange-log';
import { BROKER_ACTOR_ID, transferLogEntry } from './transfer-log-entries';

/**
 * The one mapping of the exchange's events onto log entries, on its own: who acted, which schools, and
 * only the details the log declares. Every entry must pass the log's own screen, as at append time.
 */
const AT = new Date('2026-12-02T10:00:00.000Z');
const TRANSFER_ID = '6f1c2b8e-3d4a-4b5c-9e7f-0a1b2c3d4e5f';
const VERSION_HASH = 'a'.repeat(64);
const FINGERPRINT = 'b'.repeat(64);
const SCHOOLS = { source: '01XZ00', target: '02XZ00' };
const VENDOR = { kind: 'vendor', id: 'vendor-po', certificateFingerprint: FINGERPRINT, side: 'source' } as const;
const BROKER = { kind: 'broker', id: null, side: null } as const;
const BASE = { at: AT, schools: SCHOOLS, transferId: TRANSFER_ID, versionHash: VERSION_HASH };

describe('transferLogEntry', () => {
  it('names a vendor by id and the certificate it acted with, without its side', () => {
    const entry = transferLogEntry({ ...BASE, type: 'dossier_fetched', actor: VENDOR });
    expect(entry.actor).toEqual({ kind: 'vendor', id: 'vendor-po', certificateFingerprint: FINGERPRINT });
    expect(validateExchangeEvent(entry).schools).toEqual(SCHOOLS);
  });

  it('names the broker as its own actor; an expiry is its own type, without the step', () => {
    const entry = transferLogEntry({
      ...BASE,
      type: 'expired',
      actor: BROKER,
      step: 'expire',
      fromState: 'blocked',
      toState: 'expired',
    });
    expect(entry.actor).toEqual({ kind: 'broker', id: BROKER_ACTOR_ID });
    expect(entry).not.toHaveProperty('details');
    expect(() => validateExchangeEvent(entry)).not.toThrow();
  });

  it('records any other lifecycle step with its states and event', () => {
    const entry = transferLogEntry({
      ...BASE,
      type: 'state_changed',
      actor: BROKER,
      step: 'queue_release',
      fromState: 'dossier_staged',
      toState: 'release_queued',
    });
    expect(entry.details).toEqual({ from: 'dossier_staged', to: 'release_queued', event: 'queue_release' });
    expect(() => validateExchangeEvent(entry)).not.toThrow();
  });

  it('leaves out a target and a transfer that do not exist yet (a staged version)', () => {
    const entry = transferLogEntry({
      ...BASE,
      type: 'version_staged',
      actor: VENDOR,
      schools: { source: '01XZ00', target: null },
      transferId: null,
      profile: 'povo',
      overdrachtsoort: 'povo',
      warnedRuleIds: ['OG.03'],
    });
    expect(entry.schools).toEqual({ source: '01XZ00' });
    expect(entry).not.toHaveProperty('transferId');
    expect(entry.details).toEqual({ profile: 'povo', overdrachtsoort: 'povo', warnedRuleIds: ['OG.03'] });
    expect(() => validateExchangeEvent(entry)).not.toThrow();
  });

  it("records the gate's decision by outcome, policy and reason codes", () => {
    const entry = transferLogEntry({
      ...BASE,
      type: 'gate_decided',
      actor: BROKER,
      outcome: 'wait',
      policy: { id: 'default', version: 2 },
      reasonCodes: ['inzage_pending'],
    });
    expect(entry.details).toEqual({
      outcome: 'wait',
      policy: 'default',
      policyVersion: 2,
      reasons: ['inzage_pending'],
    });
    expect(() => validateExchangeEvent(entry)).not.toThrow();
  });

  it('records evidence by kind and id only', () => {
    const entry = transferLogEntry({
      ...BASE,
      type: 'evidence_recorded',
      actor: VENDOR,
      kind: 'consent',
      evidenceId: '7a1c2b8e-3d4a-4b5c-9e7f-0a1b2c3d4e5f',
    });
    expect(entry.details).toEqual({ kind: 'consent', evidenceId: '7a1c2b8e-3d4a-4b5c-9e7f-0a1b2c3d4e5f' });
    expect(() => validateExchangeEvent(entry)).not.toThrow();
  });

  it('records a rendering by format, form and parent position, and an attachment by number; by hash without a transfer', () => {
    const bySender = transferLogEntry({
      ...BASE,
      schools: { source: '01XZ00', target: null },
      transferId: null,
      type: 'dossier_rendered',
      actor: VENDOR,
      format: 'pdf',
      form: 'for-verzorger',
      verzorger: 2,
    });
    expect(bySender).not.toHaveProperty('transferId');
    expect(validateExchangeEvent(bySender).details).toEqual({
      format: 'pdf',
      form: 'for-verzorger',
      verzorger: 2,
    });
    const complete = transferLogEntry({
      ...BASE,
      type: 'dossier_rendered',
      actor: { ...VENDOR, side: 'target' },
      format: 'html',
      form: 'complete',
      verzorger: null,
    });
    expect(validateExchangeEvent(complete).details).toEqual({ format: 'html', form: 'complete' });
    const attachment = transferLogEntry({
      ...BASE,
      type: 'attachment_fetched',
      actor: VENDOR,
      attachment: 3,
    });
    expect(validateExchangeEvent(attachment).details).toEqual({ attachment: 3 });
  });
});
