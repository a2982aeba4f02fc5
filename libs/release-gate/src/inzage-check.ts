import type { CalendarDate } from './calendar';
import { calendarDate } from './calendar';
import type { Actor, DossierInzageBlock, InzageEvidence } from './release-input';
import { PendingReasons, type ReasonList } from './reason-list';

/** xs:boolean's true. */
const XS_TRUE = ['true', '1'];

export interface InzageContext {
  /** Inzage records for this version (or one it keeps the inzage of) and this receiving school, in order. */
  records: readonly InzageEvidence[];
  today: CalendarDate;
  /** Null when the pupil's birth date is unknown: then no inzage can be said to reach the right person. */
  sixteenthBirthday: CalendarDate | null;
  block: DossierInzageBlock | null;
}

export function describeActor(actor: Actor): string {
  if (actor.role === 'pupil') return 'the pupil';
  const label = actor.ref ? ` (${actor.ref})` : '';
  if (actor.role === 'verzorger_without_gezag') return `a verzorger without gezag${label}`;
  return `${actor.role === 'voogd' ? 'a voogd' : 'a parent with gezag'}${label}`;
}

/**
 * Checks the inzage: recorded, dated no later than today, received by whoever the law names on that date,
 * and agreeing with the dossier's own `inzage` block. Returns the date of the inzage the dossier names
 * (consent must come on or after it), or null when there is none.
 */
export function checkInzage(context: InzageContext, reasons: ReasonList): CalendarDate | null {
  const { records, today, sixteenthBirthday, block } = context;
  checkDossierBlock(block, reasons);
  const withRemarks = records.filter((record) => record.remarks).map((record) => record.id);
  if (withRemarks.length > 0) {
    reasons.add(
      'zienswijze_travels',
      'The parents’ remarks recorded with the inzage travel with the dossier.',
      withRemarks,
    );
  }
  if (!sixteenthBirthday) return null;

  const counted: InzageEvidence[] = [];
  const problems = new PendingReasons();
  for (const record of records) {
    const pupilDecides = record.date >= sixteenthBirthday;
    if (record.date > today) {
      problems.add('inzage_dated_after_today', `inzage dated ${record.date} lies after today (${today}).`, [
        record.id,
      ]);
    } else if (record.givenTo.role === 'verzorger_without_gezag') {
      problems.add(
        'inzage_not_to_legal_representative',
        `inzage went to ${describeActor(record.givenTo)}; it must go to a legal representative (a parent with gezag or a voogd), or to the pupil from 16.`,
        [record.id],
      );
    } else if (record.givenTo.role === 'pupil' && !pupilDecides) {
      problems.add(
        'inzage_not_to_legal_representative',
        `inzage on ${record.date} went to the pupil, who was not yet 16 (16 on ${sixteenthBirthday}): it must go to a legal representative.`,
        [record.id],
      );
    } else if (record.givenTo.role !== 'pupil' && pupilDecides) {
      problems.add(
        'inzage_must_go_to_pupil',
        `inzage on ${record.date} went to ${describeActor(record.givenTo)}, but the pupil was 16 by then (on ${sixteenthBirthday}): the pupil receives the inzage.`,
        [record.id],
      );
    } else {
      counted.push(record);
    }
  }
  if (counted.length === 0) {
    if (records.length === 0)
      reasons.add('inzage_missing', 'No inzage is recorded for this version and this receiving school.');
    problems.flushInto(reasons);
    return null;
  }

  const dossierDate = calendarDate(block?.inzagedatum);
  if (!dossierDate) return null;
  const named = counted.filter((record) => record.date === dossierDate);
  if (named.length === 0) {
    const dates = [...new Set(counted.map((record) => record.date))].join(', ');
    reasons.add(
      'dossier_inzagedatum_mismatch',
      `The dossier says inzagedatum ${dossierDate}, but the inzage recorded for it is dated ${dates}: record the inzage of ${dossierDate}, or stage a version with the recorded date.`,
      counted.map((record) => record.id),
    );
    return null;
  }
  const how = [...new Set(named.map((record) => record.how))].join(', ');
  reasons.add(
    'inzage_given',
    `inzage given on ${dossierDate} (${how}), as the dossier says.`,
    named.map((r) => r.id),
  );
  return dossierDate;
}

function checkDossierBlock(block: DossierInzageBlock | null, reasons: ReasonList): void {
  if (!block) {
    reasons.add(
      'dossier_inzage_block_missing',
      'The dossier has no inzage block: stage a version that records the inzage.',
    );
    return;
  }
  if (!XS_TRUE.includes((block.inzage ?? '').trim())) {
    reasons.add(
      'dossier_inzage_not_true',
      `The dossier’s inzage is ${block.inzage ?? 'absent'}, not true: stage a version that records the inzage given.`,
    );
  }
  if (!calendarDate(block.inzagedatum)) {
    reasons.add(
      'dossier_inzagedatum_missing',
      'The dossier has no valid inzagedatum: stage a version with the inzage’s date.',
    );
  }
}
