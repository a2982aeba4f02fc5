import { canonicalEntryBytes } from './canonical-entry';
import { EXCHANGE_EVENT_TYPE_NAMES } from './exchange-event-types';
import { ExchangeEventInput, InvalidExchangeEventError, validateExchangeEvent } from './exchange-log-entry';

const TRANSFER_ID = '0b7e4c1a-52d1-4f0e-9a51-3c2b8f1d6e70';
const CONTENT_HASH = 'ab'.repeat(32);

function staged(details: Record<string, unknown> = {}): ExchangeEventInput {
  return {
    type: 'version_staged',
    at: new Date('2026-12-02T10:00:00.123Z'),
    actor: { kind: 'vendor', id: 'vendor-a', certificateFingerprint: 'cd'.repeat(32) },
    schools: { source: '12AB00', target: '34CD01' },
    transferId: TRANSFER_ID,
    versionHash: CONTENT_HASH,
    details: { profile: 'PO-VO', warnedRuleIds: ['OVa.LL15', 'BRK.META.03'], version: 2, ...details },
  } as ExchangeEventInput;
}

function refusal(input: unknown): InvalidExchangeEventError {
  try {
    validateExchangeEvent(input as ExchangeEventInput);
  } catch (error) {
    if (error instanceof InvalidExchangeEventError) return error;
    throw error;
  }
  throw new Error('the event was accepted');
}

describe('the exchange log entry model', () => {
  it('accepts a well-formed event of every category', () => {
    expect(validateExchangeEvent(staged()).details.profile).toBe('PO-VO');
    const registry = validateExchangeEvent({
      type: 'mandate_granted',
      at: new Date(),
      actor: { kind: 'operator', id: 'cli' },
      schools: { subject: '12AB00' },
      details: { vendorId: 'vendor-a', side: 'source' },
    });
    expect(registry.schools).toEqual({ subject: '12AB00' });
    const query = validateExchangeEvent({
      type: 'auditor_query',
      at: new Date(),
      actor: { kind: 'auditor', id: '5f0c2e1a-9b3d-4c7e-8a6f-123456789012' },
      details: { query: 'pupil', filters: ['bsn', 'geboortedatum'], resultCount: 3 },
    });
    expect(query.details.filters).toEqual(['bsn', 'geboortedatum']);
  });

  it('covers every event the issue names', () => {
    expect([...EXCHANGE_EVENT_TYPE_NAMES].sort()).toEqual(
      [
        'request_created',
        'version_staged',
        'request_matched',
        'state_changed',
        'state_reconciled',
        'dossier_fetched',
        'receipt_confirmed',
        'withdrawn',
        'expired',
        'evidence_recorded',
        'gate_decided',
        'notification_delivered',
        'notification_dead_lettered',
        'version_retracted',
        'recall_issued',
        'declaration_stored',
        'payload_purged',
        'metadata_deleted',
        'dossier_rendered',
        'attachment_fetched',
        'vendor_added',
        'vendor_changed',
        'school_added',
        'school_changed',
        'auditor_added',
        'auditor_changed',
        'mandate_granted',
        'mandate_revoked',
        'certificate_issued',
        'certificate_revoked',
        'crl_published',
        'board_instruction_recorded',
        'vault_key_rotated',
        'auditor_query',
      ].sort(),
    );
  });

  it('refuses unknown types, unknown fields and undeclared details', () => {
    expect(refusal({ ...staged(), type: 'pupil_moved' }).field).toBe('type');
    expect(refusal({ ...staged(), pupilName: 'x' }).field).toBe('entry.pupilName');
    expect(refusal({ ...staged(), actor: { kind: 'vendor', id: 'v', name: 'x' } }).field).toBe('actor.name');
    expect(refusal(staged({ naam: 'Jansen' })).message).toMatch(
      /details\.naam is not declared for version_staged/,
    );
    expect(refusal({ ...staged(), schools: { source: '12AB00', home: '12AB01' } }).field).toBe(
      'schools.home',
    );
  });

  it('refuses what personal data looks like, without repeating the value', () => {
    const bsn = refusal(staged({ profile: '123456782' }));
    expect(bsn.field).toBe('details.profile');
    expect(bsn.message).toMatch(/looks like personal data/);
    expect(bsn.message).not.toContain('123456782');
    expect(refusal(staged({ profile: '2012-03-04' })).message).toMatch(/a date/);
    expect(refusal(staged({ profile: '04-03-2012' })).message).toMatch(/a date/);
    expect(refusal(staged({ profile: 'born20120304' })).message).toMatch(/yyyymmdd/);
    expect(refusal(staged({ warnedRuleIds: ['OG.04', '04.03.2012'] })).message).toMatch(/item 1 looks like/);
    expect(refusal(staged({ version: 123456782 })).message).toMatch(/at most 99999999/);
    expect(refusal(staged({ profile: 'Jan de Vries' })).message).toMatch(/must be an identifier/);
    expect(refusal(staged({ profile: 'x'.repeat(65) })).message).toMatch(/free text/);
    expect(refusal({ ...staged(), actor: { kind: 'vendor', id: '123456782' } }).field).toBe('actor.id');
  });

  it('holds each type to its declared schools, transfer and version', () => {
    expect(refusal({ ...staged(), schools: { target: '34CD01' } }).field).toBe('schools.source');
    expect(refusal({ ...staged(), schools: { source: '12ab00' } }).message).toMatch(/school code/);
    expect(refusal({ ...staged(), versionHash: undefined }).field).toBe('versionHash');
    expect(refusal({ ...staged(), transferId: 'not-a-uuid' }).field).toBe('transferId');
    const vendorAdded = { type: 'vendor_added', at: new Date(), actor: { kind: 'operator', id: 'cli' } };
    expect(refusal({ ...vendorAdded, details: {} }).message).toMatch(/details\.vendorId is required/);
    expect(refusal({ ...vendorAdded, transferId: TRANSFER_ID, details: { vendorId: 'v' } }).field).toBe(
      'transferId',
    );
    expect(refusal({ ...staged(), actor: { kind: 'pupil', id: 'x' } }).field).toBe('actor.kind');
    expect(refusal({ ...staged(), at: new Date('nonsense') }).field).toBe('at');
  });
});

describe('the leaf bytes of an entry', () => {
  it('are sorted-key JSON without whitespace, absent fields left out', () => {
    const entry = { ...validateExchangeEvent(staged()), id: '42' };
    expect(canonicalEntryBytes(entry).toString('utf8')).toBe(
      '{"actor":{"fingerprint":"' +
        'cd'.repeat(32) +
        '","id":"vendor-a","kind":"vendor"},' +
        '"at":"2026-12-02T10:00:00.123Z",' +
        '"details":{"profile":"PO-VO","version":2,"warnedRuleIds":["OVa.LL15","BRK.META.03"]},' +
        '"id":"42","schools":{"source":"12AB00","target":"34CD01"},' +
        `"transferId":"${TRANSFER_ID}","type":"version_staged","v":1,"versionHash":"${CONTENT_HASH}"}`,
    );
    const bare = validateExchangeEvent({
      type: 'crl_published',
      at: new Date('2026-12-02T10:00:00Z'),
      actor: { kind: 'broker', id: 'crl-publisher' },
    });
    expect(canonicalEntryBytes({ ...bare, id: '7' }).toString()).toBe(
      '{"actor":{"id":"crl-publisher","kind":"broker"},"at":"2026-12-02T10:00:00.000Z","details":{},' +
        '"id":"7","schools":{},"type":"crl_published","v":1}',
    );
  });

  it('do not depend on the order in which fields were given', () => {
    const a = { ...validateExchangeEvent(staged()), id: '1' };
    const b = { ...a, details: { version: 2, warnedRuleIds: ['OVa.LL15', 'BRK.META.03'], profile: 'PO-VO' } };
    expect(canonicalEntryBytes(b).equals(canonicalEntryBytes(a))).toBe(true);
    expect(canonicalEntryBytes({ ...a, id: '2' }).equals(canonicalEntryBytes(a))).toBe(false);
  });
});
