/**
 * VO→VO with consent: request, stage a VOVO dossier (sizes mixed), inzage (the gate waits for consent),
 * a parent's signed consent (the gate says release), release, fetch, receipt.
 */
import { check } from 'k6';
import { brokerOptions, schoolOf, vendorsOfVu } from './lib/broker.ts';
import { templatesOf } from './lib/dossiers.ts';
import {
  CONSENT_DAY,
  PARENT,
  awaitRelease,
  fetchAndConfirm,
  freshDossier,
  recordEvidence,
  requestTransfer,
  stageFor,
} from './lib/exchange.ts';

export const options = brokerOptions({ vus: 8 });
const vovo = templatesOf('VOVO');
/** The SHA-256 of the school's copy of the signed declaration (the broker keeps only the hash). */
const DECLARATION_SHA256 = 'a'.repeat(64);

export default async function (): Promise<void> {
  const { own: sender, other: receiver } = vendorsOfVu();
  const entry = vovo[__ITER % vovo.length];
  const sourceSchool = schoolOf(sender, 'VO', __ITER);
  // Another school than the sending one, also when both vendors are the same.
  const targetSchool = schoolOf(receiver, 'VO', sender.id === receiver.id ? __ITER + 1 : __ITER);
  const { bsn, bytes } = freshDossier(entry, sourceSchool);
  const transferId = await requestTransfer(receiver, targetSchool, sourceSchool, {
    bsn,
    geboortedatum: entry.geboortedatum,
  });
  if (transferId === null) return;
  const versionHash = await stageFor(sender, transferId, bytes);
  if (versionHash === null) return;
  const base = { versionHash, receivingSchool: targetSchool };
  const afterInzage = await recordEvidence(sender, transferId, {
    ...base,
    kind: 'inzage',
    date: entry.inzageDate,
    givenTo: PARENT,
    how: 'conversation',
  });
  check(afterInzage, { 'VO inzage: waits for consent': (s) => s === 'awaiting_evidence' });
  const afterConsent = await recordEvidence(sender, transferId, {
    ...base,
    kind: 'consent',
    decision: 'granted',
    by: PARENT,
    form: 'signed_declaration',
    date: CONSENT_DAY,
    declaration: { sha256: DECLARATION_SHA256, mediaType: 'application/pdf' },
  });
  const allowedAt = Date.now();
  if (!check(afterConsent, { 'VO consent: release queued': (s) => s === 'release_queued' })) return;
  if (!(await awaitRelease(receiver, transferId, allowedAt))) return;
  await fetchAndConfirm(receiver, transferId, bytes.length);
}
