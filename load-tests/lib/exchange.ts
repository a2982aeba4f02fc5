import { check } from 'k6';
import { setTimeout } from 'k6/timers';
import { Trend } from 'k6/metrics';
import { call, jsonOf } from './broker.ts';
import { dossierFor, nextPupilBsn } from './dossiers.ts';
import type { ManifestIdentity } from './manifest.ts';

/** The legal representative who receives the inzage and consents (a role and a label, never a name). */
export const PARENT = { role: 'parent_with_gezag', ref: 'ouder-1' } as const;
/** The day of the consent the VO→VO exchange records: after the templates' inzage day. */
export const CONSENT_DAY = '2024-06-12';
/** How often the receiver asks whether the transfer was released, and for how long at most. */
const RELEASE_POLL_MS = 50;
const RELEASE_WAIT_SECONDS = 15;

/** From the answer that made the gate say release to the receiver seeing `released` (polling). */
export const releaseSeen = new Trend('release_seen_ms', true);

export interface Exchange {
  transferId: string;
  versionHash: string;
  bytes: number;
}

/** The receiving vendor asks `source` for the pupil's dossier; answers the transfer id (or null). */
export async function requestTransfer(
  receiver: ManifestIdentity,
  targetSchool: string,
  sourceSchool: string,
  pupil: { bsn: string; geboortedatum: string },
): Promise<string | null> {
  const answer = await call(receiver, 'POST', '/v1/transfers', {
    json: { targetSchool, sourceSchool, pupil, reason: 'overstap' },
    name: 'POST /v1/transfers',
  });
  const ok = check(answer, { 'request: 201': (r) => r.status === 201 });
  return ok ? String(jsonOf(answer).id) : null;
}

/** The sender stages the template for the transfer; answers the version hash (or null). */
export async function stageFor(
  sender: ManifestIdentity,
  transferId: string,
  bytes: Uint8Array,
): Promise<string | null> {
  const answer = await call(sender, 'PUT', `/v1/transfers/${transferId}/dossier`, {
    body: bytes,
    contentType: 'application/xml',
    name: 'PUT /v1/transfers/{id}/dossier',
  });
  const ok = check(answer, { 'stage: 201': (r) => r.status === 201 });
  if (!ok) return null;
  const version = jsonOf(answer).version as { canonicalSha256?: string } | undefined;
  return version?.canonicalSha256 ?? null;
}

/** Records one act; answers the transfer's state after it (or null when refused). */
export async function recordEvidence(
  sender: ManifestIdentity,
  transferId: string,
  act: Record<string, unknown>,
): Promise<string | null> {
  const answer = await call(sender, 'POST', `/v1/transfers/${transferId}/evidence`, {
    json: act,
    name: `POST /v1/transfers/{id}/evidence (${String(act.kind)})`,
  });
  const ok = check(answer, { [`evidence ${String(act.kind)}: 201`]: (r) => r.status === 201 });
  return ok ? String(jsonOf(answer).transferState) : null;
}

/** Polls the transfer until released (or received); adds the wait to `release_seen_ms`. */
export async function awaitRelease(
  receiver: ManifestIdentity,
  transferId: string,
  allowedAt: number,
): Promise<boolean> {
  const deadline = Date.now() + RELEASE_WAIT_SECONDS * 1000;
  while (Date.now() < deadline) {
    const answer = await call(receiver, 'GET', `/v1/transfers/${transferId}`, {
      name: 'GET /v1/transfers/{id}',
    });
    const state = jsonOf(answer).state;
    if (state === 'released' || state === 'received') {
      releaseSeen.add(Date.now() - allowedAt);
      return check(state, { 'released within the wait': () => true });
    }
    await new Promise<void>((resolve) => setTimeout(resolve, RELEASE_POLL_MS));
  }
  return check(null, { 'released within the wait': () => false });
}

/** The receiver fetches the released dossier (the same number of bytes) and confirms receipt. */
export async function fetchAndConfirm(
  receiver: ManifestIdentity,
  transferId: string,
  bytes: number,
): Promise<void> {
  const fetched = await call(receiver, 'GET', `/v1/transfers/${transferId}/dossier`, {
    name: 'GET /v1/transfers/{id}/dossier',
  });
  check(fetched, {
    'fetch: 200': (r) => r.status === 200,
    'fetch: the staged bytes': (r) =>
      typeof r.body === 'string' &&
      r.body.length > 0 &&
      Number(r.headers['Content-Length'] ?? bytes) === bytes,
  });
  const receipt = await call(receiver, 'POST', `/v1/transfers/${transferId}/receipt`, {
    name: 'POST /v1/transfers/{id}/receipt',
  });
  check(receipt, { 'receipt: 200': (r) => r.status === 200 });
}

/** A fresh pupil's dossier from `template`, for `sourceSchool`. */
export function freshDossier(
  entry: Parameters<typeof dossierFor>[0],
  sourceSchool: string,
): { bsn: string; bytes: Uint8Array } {
  const bsn = nextPupilBsn();
  return { bsn, bytes: dossierFor(entry, bsn, sourceSchool) };
}
