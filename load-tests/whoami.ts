/** Signed no-op: `GET /v1/whoami` — the floor every request pays (mutual TLS, signature check, signed answer). */
import { check } from 'k6';
import { brokerOptions, call, vendorsOfVu } from './lib/broker.ts';

export const options = brokerOptions({ vus: 8 });

export default async function (): Promise<void> {
  const answer = await call(vendorsOfVu().own, 'GET', '/v1/whoami');
  check(answer, { 'whoami: 200': (r) => r.status === 200 });
}
