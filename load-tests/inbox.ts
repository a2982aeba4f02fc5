/** Inbox polling: each vendor lists the open requests at its schools (sending side) and its own (receiving). */
import { check } from 'k6';
import { brokerOptions, call, jsonOf, vendorsOfVu } from './lib/broker.ts';
import { type ReadFixture, openRequests } from './lib/fixtures.ts';

export const options = brokerOptions({ vus: 8 });

export function setup(): Promise<ReadFixture> {
  return openRequests(100);
}

export default async function (): Promise<void> {
  const { own } = vendorsOfVu();
  const role = __ITER % 2 === 0 ? 'source' : 'target';
  const answer = await call(own, 'GET', `/v1/transfers?role=${role}&state=requested&limit=50`, {
    name: `GET /v1/transfers?role=${role}`,
  });
  check(answer, {
    'inbox: 200': (r) => r.status === 200,
    'inbox: a list': (r) => Array.isArray(jsonOf(r).items),
  });
}
