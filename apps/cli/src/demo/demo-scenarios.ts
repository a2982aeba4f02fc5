import { say } from '../output';
import { DEMO_DAYS, DemoDossier, generatedDemoDossier } from './demo-dossiers';
import { DemoSession, everQueued, releasesIn } from './demo-session';
import {
  Checks,
  awaitRelease,
  fetchAndConfirm,
  fetchRefused,
  receiverSees,
  recordEvidence,
  requestDossier,
  sha256,
  stageDossier,
} from './demo-steps';

export interface DemoRun {
  session: DemoSession;
  waitSeconds: number;
  /** Scenario 1's dossier: generated, or the file given with `--dossier`. */
  poToVo: DemoDossier;
}

export interface DemoScenario {
  title: string;
  run(demo: DemoRun, checks: Checks): Promise<void>;
}

/** A failed scenario N ends the demo with exit code SCENARIO_EXIT_BASE + N (11–16). */
export const SCENARIO_EXIT_BASE = 10;

const parent = { role: 'parent_with_gezag', ref: 'ouder-1' } as const;
const declaration = (of: string) => ({ sha256: sha256(`demo: ${of}`), mediaType: 'application/pdf' });

/** The six exchanges of `npm run demo` (issue #11, item 8), in order; each checks its own outcome. */
export const DEMO_SCENARIOS: DemoScenario[] = [
  {
    title:
      'PO→VO: inzage by letter, the parents’ remarks travel → released → fetched byte-identical → receipt',
    async run({ session, waitSeconds, poToVo: dossier }, checks) {
      const { po, vo } = session.parties;
      const id = await requestDossier(session, vo, po, dossier.pupil);
      // The sender's LAS knows the pupil: it looks up the requests for that pupil at its school.
      const lookup = await session.call(po, 'POST', '/v1/transfers/lookup', {
        sourceSchool: po.school,
        pupil: dossier.pupil,
      });
      const items = (lookup.json.items as Array<{ id: string }> | undefined) ?? [];
      say(
        `     ${po.school} finds the request for its pupil: ${items.some((item) => item.id === id) ? 'yes' : 'no'}`,
      );
      const versionHash = await stageDossier(session, po, id, dossier);
      const inzage = await recordEvidence(
        session,
        po,
        id,
        {
          kind: 'inzage',
          versionHash,
          receivingSchool: vo.school,
          date: dossier.inzageDate,
          givenTo: parent,
          how: 'letter',
          ...(dossier.remarks === null ? {} : { remarks: dossier.remarks }),
        },
        `inzage by letter to the parents on ${dossier.inzageDate}${dossier.remarks === null ? '' : ', with their remarks'}`,
      );
      checks.that(
        'a primary school sends on the inzage: the gate says release',
        inzage.decision.outcome === 'release',
      );
      const history = await session.must(
        200,
        'the sender’s evidence',
        po,
        'GET',
        `/v1/transfers/${id}/evidence`,
      );
      const records = (history.json.records as Array<{ remarksSha256: string | null }>) ?? [];
      if (dossier.remarks !== null) {
        checks.that(
          'the evidence keeps the remarks’ SHA-256, not the remarks',
          records[0]?.remarksSha256 === sha256(dossier.remarks),
        );
      }
      const state = await awaitRelease(session, vo, id, waitSeconds);
      checks.that('released by the worker', state === 'released');
      if (state !== 'released') return;
      const fetched = await fetchAndConfirm(session, vo, id, dossier.bytes);
      checks.that(
        'fetched byte-identical (sha-256 of what was staged)',
        sha256(fetched) === sha256(dossier.bytes),
      );
      if (dossier.remarks !== null) {
        checks.that('the remarks travel in the dossier', fetched.includes(Buffer.from(dossier.remarks)));
      }
      const final = await session.call(vo, 'GET', `/v1/transfers/${id}`);
      checks.that('receipt confirmed: received', final.json.state === 'received');
      checks.that('released exactly once, by the log', releasesIn(await session.timeline(id)) === 1);
    },
  },
  {
    title: 'VO→VO: inzage, then consent granted → released',
    async run({ session, waitSeconds }, checks) {
      const { vo2, vo } = session.parties;
      const dossier = await generatedDemoDossier('voToVo');
      const id = await requestDossier(session, vo, vo2, dossier.pupil);
      const versionHash = await stageDossier(session, vo2, id, dossier);
      const base = { versionHash, receivingSchool: vo.school };
      const inzage = await recordEvidence(
        session,
        vo2,
        id,
        { ...base, kind: 'inzage', date: DEMO_DAYS.inzage, givenTo: parent, how: 'conversation' },
        `inzage in a conversation with the parents on ${DEMO_DAYS.inzage}`,
      );
      checks.that(
        'a secondary school waits for consent after the inzage',
        inzage.decision.outcome === 'wait',
      );
      await receiverSees(session, vo, id);
      const consent = await recordEvidence(
        session,
        vo2,
        id,
        {
          ...base,
          kind: 'consent',
          decision: 'granted',
          by: parent,
          form: 'signed_declaration',
          date: DEMO_DAYS.consent,
          declaration: declaration('signed consent, scenario 2'),
        },
        `consent granted by a parent (signed declaration, its SHA-256) on ${DEMO_DAYS.consent}`,
      );
      checks.that('consent after the inzage: the gate says release', consent.decision.outcome === 'release');
      const state = await awaitRelease(session, vo, id, waitSeconds);
      checks.that('released by the worker', state === 'released');
      if (state !== 'released') return;
      const fetched = await fetchAndConfirm(session, vo, id, dossier.bytes);
      checks.that('fetched byte-identical', sha256(fetched) === sha256(dossier.bytes));
      checks.that('released exactly once, by the log', releasesIn(await session.timeline(id)) === 1);
    },
  },
  {
    title: 'VO→VO: consent refused → stays blocked, the fetch is refused',
    async run({ session }, checks) {
      const { vo2, vo } = session.parties;
      const dossier = await generatedDemoDossier('consentRefused');
      const id = await requestDossier(session, vo, vo2, dossier.pupil);
      const versionHash = await stageDossier(session, vo2, id, dossier);
      const base = { versionHash, receivingSchool: vo.school };
      await recordEvidence(
        session,
        vo2,
        id,
        { ...base, kind: 'inzage', date: DEMO_DAYS.inzage, givenTo: parent, how: 'letter' },
        `inzage by letter to the parents on ${DEMO_DAYS.inzage}`,
      );
      const refusal = await recordEvidence(
        session,
        vo2,
        id,
        {
          ...base,
          kind: 'consent',
          decision: 'refused',
          by: parent,
          form: 'digital_confirmation',
          date: DEMO_DAYS.consent,
        },
        `consent refused by a parent (in the school's portal) on ${DEMO_DAYS.consent}`,
      );
      checks.that(
        'the gate blocks',
        refusal.decision.outcome === 'block' && refusal.transferState === 'blocked',
      );
      const seen = await receiverSees(session, vo, id);
      checks.that(
        'the receiver learns only that consent was not given',
        seen?.reasons.map((reason) => reason.code).join() === 'consent_not_given',
      );
      const refused = await fetchRefused(session, vo, id);
      checks.that(`the fetch is refused (${refused})`, refused !== null);
      const entries = await session.timeline(id);
      checks.that(
        'never queued, never released, by the log',
        !everQueued(entries) && releasesIn(entries) === 0,
      );
    },
  },
  {
    title: 'VO→VO: consent withdrawn before release → never released',
    async run({ session }, checks) {
      const { vo2, vo } = session.parties;
      const dossier = await generatedDemoDossier('consentWithdrawn');
      const id = await requestDossier(session, vo, vo2, dossier.pupil);
      const versionHash = await stageDossier(session, vo2, id, dossier);
      const base = { versionHash, receivingSchool: vo.school };
      await recordEvidence(
        session,
        vo2,
        id,
        { ...base, kind: 'inzage', date: DEMO_DAYS.inzage, givenTo: parent, how: 'portal' },
        `inzage in the school's portal by the parents on ${DEMO_DAYS.inzage}`,
      );
      say(
        `   The parent signed a consent on ${DEMO_DAYS.consent} and withdrew it on ${DEMO_DAYS.later}. The school enters\n` +
          `   the withdrawal first and files the signed form after it: the gate orders acts by their date, so a\n` +
          `   consent that stands was never on file and nothing was ever queued for release.`,
      );
      const withdrawal = await recordEvidence(
        session,
        vo2,
        id,
        { ...base, kind: 'consent_withdrawn', by: parent, date: DEMO_DAYS.later },
        `consent withdrawn by the parent on ${DEMO_DAYS.later}`,
      );
      checks.that('the withdrawal blocks', withdrawal.decision.outcome === 'block');
      const consent = await recordEvidence(
        session,
        vo2,
        id,
        {
          ...base,
          kind: 'consent',
          decision: 'granted',
          by: parent,
          form: 'signed_declaration',
          date: DEMO_DAYS.consent,
          declaration: declaration('signed consent, scenario 4'),
        },
        `the consent the same parent signed on ${DEMO_DAYS.consent}, before withdrawing it`,
      );
      checks.that(
        'the earlier consent does not lift the later withdrawal: still blocked',
        consent.decision.outcome === 'block' &&
          consent.decision.reasons.some((reason) => reason.code === 'consent_withdrawn') &&
          consent.transferState === 'blocked',
      );
      const refused = await fetchRefused(session, vo, id);
      checks.that(`the fetch is refused (${refused})`, refused !== null);
      const entries = await session.timeline(id);
      checks.that(
        'never queued, never released, by the log',
        !everQueued(entries) && releasesIn(entries) === 0,
      );
    },
  },
  {
    title: 'VO→VO: a pupil of 16 receives the inzage and consents herself → released',
    async run({ session, waitSeconds }, checks) {
      const { vo2, vo } = session.parties;
      const dossier = await generatedDemoDossier('pupilOf16');
      say(`   the pupil turned 16 before the inzage: from then on she receives the inzage and decides`);
      const id = await requestDossier(session, vo, vo2, dossier.pupil);
      const versionHash = await stageDossier(session, vo2, id, dossier);
      const base = { versionHash, receivingSchool: vo.school };
      const pupil = { role: 'pupil' } as const;
      await recordEvidence(
        session,
        vo2,
        id,
        { ...base, kind: 'inzage', date: DEMO_DAYS.inzage, givenTo: pupil, how: 'conversation' },
        `inzage in a conversation with the pupil on ${DEMO_DAYS.inzage}`,
      );
      const byParent = await recordEvidence(
        session,
        vo2,
        id,
        {
          ...base,
          kind: 'consent',
          decision: 'granted',
          by: parent,
          form: 'signed_declaration',
          date: DEMO_DAYS.consent,
          declaration: declaration('signed consent of a parent, scenario 5'),
        },
        `consent granted by a parent on ${DEMO_DAYS.consent}`,
      );
      checks.that(
        'a parent’s consent for a pupil of 16: the gate waits, the pupil must consent',
        byParent.decision.outcome === 'wait' &&
          byParent.decision.reasons.some((reason) => reason.code === 'pupil_must_consent'),
      );
      const byPupil = await recordEvidence(
        session,
        vo2,
        id,
        {
          ...base,
          kind: 'consent',
          decision: 'granted',
          by: pupil,
          form: 'digital_confirmation',
          date: DEMO_DAYS.later,
        },
        `consent granted by the pupil herself (in the school's portal) on ${DEMO_DAYS.later}`,
      );
      checks.that('her own consent: the gate says release', byPupil.decision.outcome === 'release');
      const state = await awaitRelease(session, vo, id, waitSeconds);
      checks.that('released by the worker', state === 'released');
      if (state !== 'released') return;
      const fetched = await fetchAndConfirm(session, vo, id, dossier.bytes);
      checks.that('fetched byte-identical', sha256(fetched) === sha256(dossier.bytes));
      checks.that('released exactly once, by the log', releasesIn(await session.timeline(id)) === 1);
    },
  },
  {
    title: 'VO→VO: the sender retracts the version before release → never released',
    async run({ session }, checks) {
      const { vo2, vo } = session.parties;
      const dossier = await generatedDemoDossier('retracted');
      const id = await requestDossier(session, vo, vo2, dossier.pupil);
      const versionHash = await stageDossier(session, vo2, id, dossier);
      const base = { versionHash, receivingSchool: vo.school };
      await recordEvidence(
        session,
        vo2,
        id,
        { ...base, kind: 'inzage', date: DEMO_DAYS.inzage, givenTo: parent, how: 'letter' },
        `inzage by letter to the parents on ${DEMO_DAYS.inzage}`,
      );
      say(
        `   ${vo2.school} finds it staged the wrong content and retracts the version (its key is destroyed)`,
      );
      await session.must(200, 'the retraction', vo2, 'POST', `/v1/transfers/${id}/retraction`, {
        versionHash,
        reason: 'wrong_content',
      });
      say(`   the parent's consent for the retracted version arrives afterwards`);
      const late = await session.call(vo2, 'POST', `/v1/transfers/${id}/evidence`, {
        ...base,
        kind: 'consent',
        decision: 'granted',
        by: parent,
        form: 'signed_declaration',
        date: DEMO_DAYS.consent,
        declaration: declaration('signed consent, scenario 6'),
      });
      checks.that(
        `evidence for a retracted version is refused (${String(late.json.error)})`,
        late.status >= 400 && late.status < 500,
      );
      const view = await session.call(vo, 'GET', `/v1/transfers/${id}`);
      say(`     state: ${String(view.json.state)}`);
      checks.that(
        'not released',
        !['release_queued', 'released', 'received'].includes(String(view.json.state)),
      );
      const refused = await fetchRefused(session, vo, id);
      checks.that(`the fetch is refused (${refused})`, refused !== null);
      const entries = await session.timeline(id);
      checks.that(
        'never queued, never released, by the log',
        !everQueued(entries) && releasesIn(entries) === 0,
      );
    },
  },
];
