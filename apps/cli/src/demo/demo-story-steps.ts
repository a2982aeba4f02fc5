import { DEMO_DAYS, DemoDossier, DemoDossierName, generatedDemoDossier } from './demo-dossiers';
import { renderingForInzage } from './demo-rendering';
import { DemoParty, DemoSession, TimelineEntry, everQueued, releasesIn } from './demo-session';
import {
  Checks,
  DemoRun,
  GateDecision,
  awaitRelease,
  declaration,
  fetchAndConfirm,
  fetchRefused,
  parent,
  recordEvidence,
  requestDossier,
  sha256,
  stageDossier,
} from './demo-steps';

/** Steps that several scenarios tell alike, each a few of the plain steps of demo-steps.ts with their checks. */

/** A pupil of 16 or older: she receives the inzage and decides herself (a role, never a name). */
export const pupil = { role: 'pupil' } as const;

/** How the sending school gives the inzage, as the demo says it. */
const INZAGE_GIVEN = {
  letter: 'by letter to',
  portal: "in the school's portal by",
  conversation: 'in a conversation with',
} as const;

/** A VO→VO transfer the sending school has staged and recorded the inzage for. */
export interface StagedVoTransfer {
  id: string;
  dossier: DemoDossier;
  /** What every act on the staged version names: its hash and the receiving school. */
  base: { versionHash: string; receivingSchool: string };
  /** The gate's answer to the inzage. */
  inzage: { decision: GateDecision; transferState: string };
}

/**
 * A VO→VO transfer staged with the inzage recorded: the receiving school (vo) asks the sending school (vo2)
 * for the generated dossier `name`, vo2 stages it, fetches its rendering for the inzage and records the
 * inzage given (`how`) to the parents, or to the pupil herself.
 */
export async function voToVoStagedAfterInzage(
  session: DemoSession,
  name: DemoDossierName,
  how: keyof typeof INZAGE_GIVEN,
  givenTo: typeof parent | typeof pupil = parent,
): Promise<StagedVoTransfer> {
  const { vo2, vo } = session.parties;
  const dossier = await generatedDemoDossier(name);
  const id = await requestDossier(session, vo, vo2, dossier.pupil);
  const versionHash = await stageDossier(session, vo2, id, dossier);
  const base = { versionHash, receivingSchool: vo.school };
  await renderingForInzage(session, vo2, id, versionHash);
  const whom = givenTo.role === 'pupil' ? 'the pupil' : 'the parents';
  const inzage = await recordEvidence(
    session,
    vo2,
    id,
    { ...base, kind: 'inzage', date: DEMO_DAYS.inzage, givenTo, how },
    `inzage ${INZAGE_GIVEN[how]} ${whom} on ${DEMO_DAYS.inzage}`,
  );
  return { id, dossier, base, inzage };
}

/** A parent's consent on a signed declaration (the SHA-256 of the school's copy of `of`), on the consent day. */
export const signedParentConsent = (of: string) => ({
  kind: 'consent',
  decision: 'granted',
  by: parent,
  form: 'signed_declaration',
  date: DEMO_DAYS.consent,
  declaration: declaration(of),
});

/**
 * The receiver cannot fetch, and the exchange log shows the transfer was never queued nor released.
 * `alsoInLog` is what else the log must show, checked before that.
 */
export async function expectHeldBack(
  session: DemoSession,
  checks: Checks,
  receiver: DemoParty,
  transferId: string,
  alsoInLog?: { what: string; holds: (entries: TimelineEntry[]) => boolean },
): Promise<void> {
  const refused = await fetchRefused(session, receiver, transferId);
  checks.that(`the fetch is refused (${refused})`, refused !== null);
  const entries = await session.timeline(transferId);
  if (alsoInLog) checks.that(alsoInLog.what, alsoInLog.holds(entries));
  checks.that('never queued, never released, by the log', !everQueued(entries) && releasesIn(entries) === 0);
}

/**
 * The release worker releases the transfer, the receiver fetches it (checked byte-identical to `staged`,
 * as `identical` says) and confirms receipt. Answers the bytes fetched, or null when it was not released.
 */
export async function expectReleasedAndFetched(
  { session, waitSeconds }: Pick<DemoRun, 'session' | 'waitSeconds'>,
  checks: Checks,
  receiver: DemoParty,
  transferId: string,
  staged: Buffer,
  identical = 'fetched byte-identical',
): Promise<Buffer | null> {
  const state = await awaitRelease(session, receiver, transferId, waitSeconds);
  checks.that('released by the worker', state === 'released');
  if (state !== 'released') return null;
  const fetched = await fetchAndConfirm(session, receiver, transferId, staged);
  checks.that(identical, sha256(fetched) === sha256(staged));
  return fetched;
}

/** The exchange log shows the transfer released exactly once. */
export async function expectReleasedOnce(
  session: DemoSession,
  checks: Checks,
  transferId: string,
): Promise<void> {
  checks.that('released exactly once, by the log', releasesIn(await session.timeline(transferId)) === 1);
}
