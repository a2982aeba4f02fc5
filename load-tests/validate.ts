/** `POST /v1/validate`: the strict verdict for the ≈170 KB POVO dossier, without staging it. */
import { check } from 'k6';
import { brokerOptions, call, jsonOf, schoolOf, vendorsOfVu } from './lib/broker.ts';
import { dossierFor, nextPupilBsn, template } from './lib/dossiers.ts';

export const options = brokerOptions({ vus: 8 });
const povo = template('povo-170k');

export default async function (): Promise<void> {
  const { own } = vendorsOfVu();
  const bytes = dossierFor(povo, nextPupilBsn(), schoolOf(own, 'PO'));
  const answer = await call(own, 'POST', '/v1/validate', { body: bytes, contentType: 'application/xml' });
  check(answer, {
    'validate: 200': (r) => r.status === 200,
    'validate: valid': (r) => jsonOf(r).valid === true,
  });
}
