import { say } from '../output';
import { DEMO_DAYS } from './demo-dossiers';
import { receiverReadsRendering, renderingForInzage } from './demo-rendering';
import {
  DemoScenario,
  parent,
  receiverSees,
  recordEvidence,
  requestDossier,
  sha256,
  stageDossier,
} from './demo-steps';
import {
  expectReleasedAndFetched,
  expectReleasedOnce,
  pupil,
  signedParentConsent,
  voToVoStagedAfterInzage,
} from './demo-story-steps';

/** The demo's exchanges that the law allows: each must be released once, fetched byte-identical, received. */

export const poToVoWithRemarks: DemoScenario = {
  title: 'PO→VO: inzage by letter, the parents’ remarks travel → released → fetched byte-identical → receipt',
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
    await renderingForInzage(session, po, id, versionHash);
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
    const fetched = await expectReleasedAndFetched(
      { session, waitSeconds },
      checks,
      vo,
      id,
      dossier.bytes,
      'fetched byte-identical (sha-256 of what was staged)',
    );
    if (fetched === null) return;
    if (dossier.remarks !== null) {
      checks.that('the remarks travel in the dossier', fetched.includes(Buffer.from(dossier.remarks)));
    }
    await receiverReadsRendering(session, checks, vo, id, versionHash);
    const final = await session.call(vo, 'GET', `/v1/transfers/${id}`);
    checks.that('receipt confirmed: received', final.json.state === 'received');
    await expectReleasedOnce(session, checks, id);
  },
};

export const voToVoWithConsent: DemoScenario = {
  title: 'VO→VO: inzage, then consent granted → released',
  async run({ session, waitSeconds }, checks) {
    const { vo2, vo } = session.parties;
    const { id, dossier, base, inzage } = await voToVoStagedAfterInzage(session, 'voToVo', 'conversation');
    checks.that('a secondary school waits for consent after the inzage', inzage.decision.outcome === 'wait');
    await receiverSees(session, vo, id);
    const consent = await recordEvidence(
      session,
      vo2,
      id,
      { ...base, ...signedParentConsent('signed consent, scenario 2') },
      `consent granted by a parent (signed declaration, its SHA-256) on ${DEMO_DAYS.consent}`,
    );
    checks.that('consent after the inzage: the gate says release', consent.decision.outcome === 'release');
    const fetched = await expectReleasedAndFetched({ session, waitSeconds }, checks, vo, id, dossier.bytes);
    if (fetched === null) return;
    await receiverReadsRendering(session, checks, vo, id, base.versionHash);
    await expectReleasedOnce(session, checks, id);
  },
};

export const pupilOf16ConsentsHerself: DemoScenario = {
  title: 'VO→VO: a pupil of 16 receives the inzage and consents herself → released',
  async run({ session, waitSeconds }, checks) {
    const { vo2, vo } = session.parties;
    say(`   the pupil turned 16 before the inzage: from then on she receives the inzage and decides`);
    const { id, dossier, base } = await voToVoStagedAfterInzage(session, 'pupilOf16', 'conversation', pupil);
    const byParent = await recordEvidence(
      session,
      vo2,
      id,
      { ...base, ...signedParentConsent('signed consent of a parent, scenario 5') },
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
    const fetched = await expectReleasedAndFetched({ session, waitSeconds }, checks, vo, id, dossier.bytes);
    if (fetched !== null) await expectReleasedOnce(session, checks, id);
  },
};
