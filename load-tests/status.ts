/** Status reads: the receiving vendor reads its transfers (`GET /v1/transfers/{id}`). */
import { check } from 'k6';
import { brokerOptions, call, jsonOf, manifest } from './lib/broker.ts';
import { type ReadFixture, openRequests } from './lib/fixtures.ts';

export const options = brokerOptions({ vus: 8 });

export function setup(): Promise<ReadFixture> {
  return openRequests(100);
}

export default async function (fixture: ReadFixture): Promise<void> {
  const transfer = fixture.transfers[(__VU * 7919 + __ITER) % fixture.transfers.length];
  const answer = await call(manifest.vendors[transfer.receiver], 'GET', `/v1/transfers/${transfer.id}`, {
    name: 'GET /v1/transfers/{id}',
  });
  check(answer, {
    'status: 200': (r) => r.status === 200,
    'status: requested': (r) => jsonOf(r).state === 'requested',
  });
}
