import { recordedPurgeOf } from './recorded-purges';

const HASH = 'a'.repeat(64);
const entry = (type: string, details: Record<string, unknown> = {}) => ({
  v: 1,
  id: '42',
  at: '2026-12-03T12:00:00.000Z',
  type,
  actor: { kind: 'broker', id: 'release-worker' },
  schools: { source: '00YY00', target: '01XZ00' },
  versionHash: HASH,
  details,
});

describe('recordedPurgeOf: the log entries that destroyed a payload', () => {
  it('takes retention purges, retractions and recalls that destroyed the key', () => {
    for (const [type, details] of [
      ['payload_purged', { reason: 'received', termDays: 14 }],
      ['version_retracted', { reason: 'wrong_pupil' }],
      ['recall_issued', { reason: 'wrong_pupil', noticeId: 'n1', keyDestroyed: true }],
    ] as const)
      expect(recordedPurgeOf(entry(type, details))).toEqual({
        entryId: '42',
        type,
        versionHash: HASH,
        sourceSchool: '00YY00',
      });
  });

  it('leaves out a recall that kept the key (another receiver still holds the release) and every other step', () => {
    expect(
      recordedPurgeOf(entry('recall_issued', { reason: 'x', noticeId: 'n1', keyDestroyed: false })),
    ).toBeNull();
    expect(recordedPurgeOf(entry('recall_issued', { reason: 'x', noticeId: 'n1' }))).toBeNull();
    expect(recordedPurgeOf(entry('dossier_fetched'))).toBeNull();
    expect(recordedPurgeOf(entry('metadata_deleted', { termMonths: 24 }))).toBeNull();
    expect(recordedPurgeOf({ ...entry('payload_purged'), versionHash: undefined })).toBeNull();
  });
});
