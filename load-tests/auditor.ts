/** Auditor reads: the supervisory auditor reads transfers' timelines (with proofs) and pages of the log. */
import { check } from 'k6';
import { brokerOptions, call, jsonOf, manifest } from './lib/broker.ts';
import { type ReadFixture, openRequests } from './lib/fixtures.ts';

export const options = brokerOptions({ vus: 4 });

export function setup(): Promise<ReadFixture> {
  return openRequests(100);
}

export default async function (fixture: ReadFixture): Promise<void> {
  if (__ITER % 10 === 9) {
    const page = await call(manifest.auditor, 'GET', '/v1/audit/entries?limit=50', {
      name: 'GET /v1/audit/entries',
    });
    check(page, { 'audit entries: 200': (r) => r.status === 200 });
    return;
  }
  const transfer = fixture.transfers[(__VU * 7919 + __ITER) % fixture.transfers.length];
  const answer = await call(manifest.auditor, 'GET', `/v1/audit/transfers/${transfer.id}/timeline`, {
    name: 'GET /v1/audit/transfers/{id}/timeline',
  });
  check(answer, {
    'timeline: 200': (r) => r.status === 200,
    'timeline: entries': (r) => Array.isArray(jsonOf(r).entries),
  });
}
