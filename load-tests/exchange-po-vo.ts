/**
 * The full PO→VO exchange: the VO school's vendor requests, the PO school's vendor looks the pupil up,
 * stages a POVO dossier (sizes mixed), records the inzage (the gate says release), the broker releases,
 * the receiver fetches and confirms receipt. `release_seen_ms`: inzage answer → receiver sees released.
 */
import { check } from 'k6';
import { brokerOptions, call, schoolOf, vendorsOfVu } from './lib/broker.ts';
import { templatesOf } from './lib/dossiers.ts';
import {
  PARENT,
  awaitRelease,
  fetchAndConfirm,
  freshDossier,
  recordEvidence,
  requestTransfer,
  stageFor,
} from './lib/exchange.ts';

export const options = brokerOptions({ vus: 8 });
const povo = templatesOf('POVO');

export default async function (): Promise<void> {
  const { own: sender, other: receiver } = vendorsOfVu();
  const entry = povo[__ITER % povo.length];
  const sourceSchool = schoolOf(sender, 'PO', __ITER);
  const targetSchool = schoolOf(receiver, 'VO', __ITER);
  const { bsn, bytes } = freshDossier(entry, sourceSchool);
  const pupil = { bsn, geboortedatum: entry.geboortedatum };
  const transferId = await requestTransfer(receiver, targetSchool, sourceSchool, pupil);
  if (transferId === null) return;
  const lookup = await call(sender, 'POST', '/v1/transfers/lookup', { json: { sourceSchool, pupil } });
  check(lookup, { 'lookup: 200': (r) => r.status === 200 });
  const versionHash = await stageFor(sender, transferId, bytes);
  if (versionHash === null) return;
  const state = await recordEvidence(sender, transferId, {
    kind: 'inzage',
    versionHash,
    receivingSchool: targetSchool,
    date: entry.inzageDate,
    givenTo: PARENT,
    how: 'letter',
  });
  const allowedAt = Date.now();
  if (!check(state, { 'PO inzage: release queued': (s) => s === 'release_queued' })) return;
  if (!(await awaitRelease(receiver, transferId, allowedAt))) return;
  await fetchAndConfirm(receiver, transferId, bytes.length);
}
