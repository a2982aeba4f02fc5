/**
 * 64 uploads for the same pupil at the same school at once (each VU one, dossiers of different sizes):
 * every answer must be 201, or a documented 409/503 with a code; never a 500. Target: all within 2 s.
 */
import { check } from 'k6';
import { brokerOptions, call, jsonOf, manifest, schoolOf } from './lib/broker.ts';
import { dossierFor, sharedPupilBsn, templatesOf } from './lib/dossiers.ts';

export const options = brokerOptions({ vus: 64, iterations: 64 });
const povo = templatesOf('POVO');

export default async function (): Promise<void> {
  const vendor = manifest.vendors[0];
  const bytes = dossierFor(povo[__VU % povo.length], sharedPupilBsn(), schoolOf(vendor, 'PO'));
  const answer = await call(vendor, 'POST', '/v1/dossiers', { body: bytes, contentType: 'application/xml' });
  check(answer, {
    'same pupil: 201, 409 or 503': (r) => r.status === 201 || r.status === 409 || r.status === 503,
    'same pupil: a refusal names its code': (r) => r.status === 201 || typeof jsonOf(r).error === 'string',
    'same pupil: 503 says when to retry': (r) => r.status !== 503 || r.headers['Retry-After'] !== undefined,
  });
}
