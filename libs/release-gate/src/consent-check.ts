import type { CalendarDate } from './calendar';
import { describeActor } from './inzage-check';
import { PendingReasons, type ReasonList } from './reason-list';
import type { Actor, ConsentEvidence, ConsentWithdrawnEvidence } from './release-input';

export type DecisionRecord = ConsentEvidence | ConsentWithdrawnEvidence;

export interface ConsentContext {
  /** Consent, refusal and withdrawal records for exactly this version and this receiving school, in order. */
  records: readonly DecisionRecord[];
  today: CalendarDate;
  sixteenthBirthday: CalendarDate;
  /** The date of the inzage the dossier names; null when there is none yet. */
  inzageDate: CalendarDate | null;
  toestemming: string | null;
}

const isGrant = (record: DecisionRecord) => record.kind === 'consent' && record.decision === 'granted';

/** Who a record speaks for: one key per person, so only their own later act replaces an earlier one. */
function personKey(record: DecisionRecord): string {
  if (record.by.role === 'pupil') return 'pupil';
  return record.by.ref ? `representative:${record.by.ref}` : `record:${record.id}`;
}

/** Whether `actor` decides on `date`: the legal representatives until the pupil's 16th birthday, then the pupil. */
function decides(actor: Actor, date: CalendarDate, sixteenthBirthday: CalendarDate): boolean {
  if (actor.role === 'verzorger_without_gezag') return false;
  return (actor.role === 'pupil') === date >= sixteenthBirthday;
}

/**
 * The VO consent: after the inzage, for this version and school, by whoever decides on the date of the act.
 * Each person's latest act counts; once the pupil (from 16) has acted, the pupil's latest act alone counts.
 */
export function checkConsent(context: ConsentContext, reasons: ReasonList): void {
  const { records, today, sixteenthBirthday, inzageDate } = context;
  if ((context.toestemming ?? '').trim() !== 'Ja') {
    reasons.add(
      'dossier_toestemming_not_ja',
      `The dossier’s toestemming is ${context.toestemming ?? 'absent'}, not Ja: stage a version that records the consent.`,
    );
  }
  const pending = new PendingReasons();
  const latest = new Map<string, DecisionRecord>();
  for (const record of records) {
    if (isGrant(record) && record.date > today) {
      pending.add('consent_dated_after_today', `consent dated ${record.date} lies after today (${today}).`, [
        record.id,
      ]);
    } else if (decides(record.by, record.date, sixteenthBirthday)) {
      latest.set(personKey(record), record);
    } else if (!isGrant(record)) {
      reasons.add(
        'act_by_non_decider_ignored',
        `A ${record.kind === 'consent' ? 'refusal' : 'withdrawal'} by ${describeActor(record.by)} on ${record.date} does not count: ${who(record.date, sixteenthBirthday)} decides.`,
        [record.id],
      );
    } else {
      pending.add(...whyGrantDoesNotCount(record, sixteenthBirthday));
    }
  }
  const pupilAct = latest.get('pupil');
  const counted = pupilAct ? [pupilAct] : [...latest.values()];
  const noes = counted.filter((record) => !isGrant(record));
  const grants = counted.filter(isGrant);
  const timelyGrants = grants.filter((record) => inzageDate !== null && record.date >= inzageDate);
  const ids = (list: readonly DecisionRecord[]) => list.map((record) => record.id);

  if (noes.length > 0 && grants.length > 0) {
    reasons.add(
      'consent_conflict',
      'One legal representative consented and another refused or withdrew: nothing is released until the school records a new decision.',
      ids(counted),
    );
    return;
  }
  if (noes.length > 0) {
    const refused = noes.filter((record) => record.kind === 'consent');
    const withdrawn = noes.filter((record) => record.kind === 'consent_withdrawn');
    if (refused.length > 0) {
      reasons.add('consent_refused', `Consent was refused by ${describeAll(refused)}.`, ids(refused));
    }
    if (withdrawn.length > 0) {
      reasons.add('consent_withdrawn', `Consent was withdrawn by ${describeAll(withdrawn)}.`, ids(withdrawn));
    }
    return;
  }
  if (inzageDate === null) return; // the inzage's own reason says what is missing; a consent is judged against it
  if (timelyGrants.length > 0) {
    reasons.add(
      'consent_granted',
      `Consent given by ${describeAll(timelyGrants)}, after the inzage.`,
      ids(timelyGrants),
    );
    return;
  }
  if (grants.length > 0) {
    reasons.add(
      'consent_before_inzage',
      `Consent is dated before the inzage of ${inzageDate}: consent must follow the inzage; record a consent given on or after it.`,
      ids(grants),
    );
    return;
  }
  if (pending.isEmpty()) {
    reasons.add('consent_missing', 'No consent is recorded for this version and this receiving school.');
  }
  pending.flushInto(reasons);
}

function who(date: CalendarDate, sixteenthBirthday: CalendarDate): string {
  return date >= sixteenthBirthday ? 'from 16 the pupil' : 'until 16 a legal representative';
}

function describeAll(records: readonly DecisionRecord[]): string {
  return [...new Set(records.map((record) => describeActor(record.by)))].join(' and ');
}

function whyGrantDoesNotCount(
  record: DecisionRecord,
  sixteenthBirthday: CalendarDate,
): Parameters<PendingReasons['add']> {
  if (record.by.role === 'verzorger_without_gezag') {
    return [
      'consent_by_verzorger_without_gezag',
      `${describeActor(record.by)} cannot consent: a parent with gezag or a voogd must (or the pupil from 16).`,
      [record.id],
    ];
  }
  if (record.by.role === 'pupil') {
    return [
      'consent_by_pupil_under_16',
      `The pupil consented on ${record.date}, before turning 16 (${sixteenthBirthday}): a legal representative must consent.`,
      [record.id],
    ];
  }
  return [
    'pupil_must_consent',
    `The pupil was 16 by ${record.date} (on ${sixteenthBirthday}): the pupil must consent, not ${describeActor(record.by)}.`,
    [record.id],
  ];
}
