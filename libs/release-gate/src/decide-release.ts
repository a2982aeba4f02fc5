import { calendarDate, dutchDateOf, sixteenthBirthday } from './calendar';
import { checkConsent, type DecisionRecord } from './consent-check';
import { exchangeRouteOf } from './exchange-route';
import { checkInzage } from './inzage-check';
import { ReasonList } from './reason-list';
import type { Evidence, InzageEvidence, ReleaseGateInput } from './release-input';
import { consentRequired, releasePolicy, type ReleasePolicyRef } from './release-policy';
import { REASON_EFFECTS, type Reason } from './release-reasons';

export type ReleaseOutcome = 'release' | 'wait' | 'block';

export interface ReleaseDecision {
  outcome: ReleaseOutcome;
  /** The policy the decision was made under, as asked (also when it is unknown, and so blocks). */
  policy: ReleasePolicyRef;
  /** For the sending school; the receiver gets `receiverView(decision)`. */
  reasons: Reason[];
}

/**
 * The law before release, as a pure function of stored facts: no clock (`now` is input), no I/O. The
 * answer is `release` only when every rule is met; anything missing waits, anything recorded against the
 * release (a refusal, a withdrawal, a conflict, a dossier that disagrees with the evidence) blocks.
 */
export function decideRelease(input: ReleaseGateInput): ReleaseDecision {
  const reasons = new ReasonList();
  const today = dutchDateOf(input.now);
  const policy = releasePolicy(input.policy);
  if (!policy) {
    reasons.add(
      'policy_unknown',
      `Release policy ${input.policy.id} version ${input.policy.version} is not known.`,
    );
  }
  const route = exchangeRouteOf(input.exchange.profile, input.exchange.sendingSector);
  if ('misfit' in route) reasons.add('route_not_decided', `No release rules apply: ${route.misfit}.`);
  const birthDate = calendarDate(input.pupilBirthDate);
  if (!birthDate) {
    reasons.add(
      'pupil_birth_date_unknown',
      'The pupil’s birth date is unknown, so it is unknown who decides (the pupil from 16).',
    );
  }

  const { inzage, decisions } = relevantEvidence(input, reasons);
  const sixteen = birthDate ? sixteenthBirthday(birthDate) : null;
  const block = input.version.inzageBlock;
  const inzageDate = checkInzage({ records: inzage, today, sixteenthBirthday: sixteen, block }, reasons);

  if (policy && !('misfit' in route) && sixteen) {
    if (consentRequired(policy, route)) {
      const toestemming = block?.toestemming ?? null;
      checkConsent(
        { records: decisions, today, sixteenthBirthday: sixteen, inzageDate, toestemming },
        reasons,
      );
    } else {
      const why =
        route.rules === 'PO' ? 'a PO school sends after inzage' : `policy ${policy.id} v${policy.version}`;
      reasons.add('consent_not_required', `No consent is asked: ${why}.`);
      const objections = decisions.filter(
        (record) => record.kind === 'consent_withdrawn' || record.decision === 'refused',
      );
      if (objections.length > 0) {
        reasons.add(
          'objection_does_not_block',
          'The parents objected; an objection does not block this exchange: it is recorded, and their remarks travel with the dossier.',
          objections.map((record) => record.id),
        );
      }
    }
  }

  const list = reasons.list();
  return {
    outcome: outcomeOf(list),
    policy: { id: input.policy.id, version: input.policy.version },
    reasons: list,
  };
}

/** The strongest effect among the reasons; a release needs at least its grounds. */
export function outcomeOf(reasons: readonly Reason[]): ReleaseOutcome {
  const effects = new Set(reasons.map((reason) => REASON_EFFECTS[reason.code]));
  if (effects.has('blocks')) return 'block';
  if (effects.has('waits') || !effects.has('grounds')) return 'wait';
  return 'release';
}

/**
 * The records that concern this version and this receiving school, in the order the acts happened: by
 * date, then by when the broker recorded them, a refusal or withdrawal after a consent of the same moment
 * (the cautious reading), then by id. The order the records arrive in never matters.
 */
function relevantEvidence(input: ReleaseGateInput, reasons: ReasonList) {
  const inzageVersions = new Set([input.version.contentHash, ...input.version.keepsInzageOf]);
  const relevant = input.evidence.filter(
    (record) =>
      record.receivingSchool === input.receivingSchool &&
      (record.versionHash === input.version.contentHash ||
        (record.kind === 'inzage' && inzageVersions.has(record.versionHash))),
  );
  const badDates = relevant.filter((record) => calendarDate(record.date) !== record.date);
  if (badDates.length > 0) {
    reasons.add(
      'evidence_date_invalid',
      'Evidence records carry a date that is not a calendar date (YYYY-MM-DD).',
      badDates.map((record) => record.id),
    );
  }
  const ordered = relevant.filter((record) => !badDates.includes(record)).sort(byActOrder);
  return {
    inzage: ordered.filter((record): record is InzageEvidence => record.kind === 'inzage'),
    decisions: ordered.filter((record): record is DecisionRecord => record.kind !== 'inzage'),
  };
}

const rankOf = (record: Evidence) =>
  record.kind === 'inzage' ? 0 : record.kind === 'consent' && record.decision === 'granted' ? 1 : 2;

function byActOrder(a: Evidence, b: Evidence): number {
  return (
    a.date.localeCompare(b.date) ||
    a.recordedAt.getTime() - b.recordedAt.getTime() ||
    rankOf(a) - rankOf(b) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
