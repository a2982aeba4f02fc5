import { say } from '../output';
import { DEMO_DAYS } from './demo-dossiers';
import { DemoScenario, parent, receiverSees, recordEvidence } from './demo-steps';
import { expectHeldBack, signedParentConsent, voToVoStagedAfterInzage } from './demo-story-steps';

/** The demo's exchanges the law (or the sender) holds back: never queued, never released, never fetched. */

export const consentRefused: DemoScenario = {
  title: 'VO→VO: consent refused → stays blocked, the fetch is refused',
  async run({ session }, checks) {
    const { vo2, vo } = session.parties;
    const { id, base } = await voToVoStagedAfterInzage(session, 'consentRefused', 'letter');
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
    await expectHeldBack(session, checks, vo, id);
  },
};

export const consentWithdrawnBeforeRelease: DemoScenario = {
  title: 'VO→VO: consent withdrawn before release → never released',
  async run({ session }, checks) {
    const { vo2, vo } = session.parties;
    const { id, base } = await voToVoStagedAfterInzage(session, 'consentWithdrawn', 'portal');
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
      { ...base, ...signedParentConsent('signed consent, scenario 4') },
      `the consent the same parent signed on ${DEMO_DAYS.consent}, before withdrawing it`,
    );
    checks.that(
      'the earlier consent does not lift the later withdrawal: still blocked',
      consent.decision.outcome === 'block' &&
        consent.decision.reasons.some((reason) => reason.code === 'consent_withdrawn') &&
        consent.transferState === 'blocked',
    );
    await expectHeldBack(session, checks, vo, id);
  },
};

export const retractedVersion: DemoScenario = {
  title: 'VO→VO: the sender retracts the version before release → never released',
  async run({ session }, checks) {
    const { vo2, vo } = session.parties;
    const { id, base } = await voToVoStagedAfterInzage(session, 'retracted', 'letter');
    say(`   ${vo2.school} finds it staged the wrong content and retracts the version (its key is destroyed)`);
    const retracted = await session.must(
      200,
      'the retraction',
      vo2,
      'POST',
      `/v1/transfers/${id}/retraction`,
      {
        versionHash: base.versionHash,
        reason: 'wrong_content',
      },
    );
    say(`     state: ${String(retracted.json.state)} (the request waits for a dossier again)`);
    say(`   the parent's consent for the retracted version arrives afterwards`);
    const late = await session.call(vo2, 'POST', `/v1/transfers/${id}/evidence`, {
      ...base,
      ...signedParentConsent('signed consent, scenario 6'),
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
    await expectHeldBack(session, checks, vo, id, {
      what: 'the retraction is in the log',
      holds: (entries) => entries.some((entry) => entry.type === 'version_retracted'),
    });
  },
};
