/**
 * Staging (`POST /v1/dossiers`, klaarzetten before any request): the ≈170 KB POVO dossier, a different
 * pupil every time, from a primary school of the VU's vendor. The target: ≥ 300/s at 16 VUs.
 */
import { check } from 'k6';
import { brokerOptions, call, schoolOf, vendorsOfVu } from './lib/broker.ts';
import { dossierFor, nextPupilBsn, template } from './lib/dossiers.ts';

export const options = brokerOptions({ vus: 16 });
const povo = template('povo-170k');

export default async function (): Promise<void> {
  const { own } = vendorsOfVu();
  const bytes = dossierFor(povo, nextPupilBsn(), schoolOf(own, 'PO', __ITER));
  const answer = await call(own, 'POST', '/v1/dossiers', { body: bytes, contentType: 'application/xml' });
  check(answer, { 'stage: 201': (r) => r.status === 201 });
}
