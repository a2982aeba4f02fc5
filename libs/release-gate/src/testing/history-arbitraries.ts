import fc from 'fast-check';
import type { Actor, Evidence, ReleaseGateInput } from '../release-input';
import type { ReleasePolicyRef } from '../release-policy';
import { sixteenthBirthday } from '../calendar';
import { OTHER_RECEIVER, OTHER_VERSION, RECEIVER, VERSION } from './gate-fixtures';

/** Generated gate inputs: histories of a few weeks around one transfer, pupils around their 16th birthday. */
const FIRST_DAY = Date.UTC(2026, 9, 1); // 1 October 2026
const DAYS = 75; // to mid-December: some acts lie after `now`
const DAY_MS = 86_400_000;
export const EARLIER_VERSION = 'c3'.repeat(32);

export const dayOf = (offset: number) => new Date(FIRST_DAY + offset * DAY_MS).toISOString().slice(0, 10);

export const arbDate = fc.integer({ min: 0, max: DAYS }).map(dayOf);
export const arbNow = fc
  .record({ day: fc.integer({ min: 30, max: DAYS }), minute: fc.integer({ min: 0, max: 24 * 60 - 1 }) })
  .map(({ day, minute }) => new Date(FIRST_DAY + day * DAY_MS + minute * 60_000));
/** Born so that the 16th birthday falls before, inside or after the history's weeks. */
export const arbBirthDate = fc.integer({ min: -120, max: DAYS + 120 }).map((offset) => {
  const birthday = new Date(FIRST_DAY + offset * DAY_MS);
  birthday.setUTCFullYear(birthday.getUTCFullYear() - 16);
  return birthday.toISOString().slice(0, 10);
});

export const arbActor: fc.Arbitrary<Actor> = fc.oneof(
  fc.constant<Actor>({ role: 'pupil' }),
  fc.constantFrom('verzorger-1', 'verzorger-2').map((ref): Actor => ({ role: 'parent_with_gezag', ref })),
  fc.constant<Actor>({ role: 'voogd', ref: 'voogd-1' }),
  fc.constant<Actor>({ role: 'verzorger_without_gezag', ref: 'verzorger-3' }),
);

type Target = { version: string; school: string };
export const OWN: Target = { version: VERSION, school: RECEIVER };
const arbTarget: fc.Arbitrary<Target> = fc.constantFrom(
  OWN,
  OWN,
  OWN,
  { version: EARLIER_VERSION, school: RECEIVER },
  { version: OTHER_VERSION, school: RECEIVER },
  { version: VERSION, school: OTHER_RECEIVER },
);

/** One record without its id (given by position, so ids are unique). */
export function arbRecord(target: fc.Arbitrary<Target> = arbTarget): fc.Arbitrary<(id: string) => Evidence> {
  const common = fc.record({ target, date: arbDate, second: fc.integer({ min: 0, max: 86_399 }) });
  const stamp = (c: { target: Target; date: string; second: number }, id: string) => ({
    id,
    versionHash: c.target.version,
    receivingSchool: c.target.school,
    date: c.date,
    recordedAt: new Date(Date.parse(`${c.date}T00:00:00Z`) + c.second * 1000),
  });
  return fc.oneof(
    fc
      .record({
        c: common,
        givenTo: arbActor,
        how: fc.constantFrom('conversation', 'letter', 'portal'),
        remarks: fc.boolean(),
      })
      .map(({ c, givenTo, how, remarks }) => (id: string): Evidence => ({
        ...stamp(c, id),
        kind: 'inzage',
        givenTo,
        how,
        remarks,
      })),
    fc
      .record({
        c: common,
        by: arbActor,
        decision: fc.constantFrom('granted', 'refused'),
        form: fc.constantFrom('signed_declaration', 'digital_confirmation'),
      })
      .map(({ c, by, decision, form }) => (id: string): Evidence => ({
        ...stamp(c, id),
        kind: 'consent',
        decision,
        by,
        form,
      })),
    fc
      .record({ c: common, by: arbActor })
      .map(({ c, by }) => (id: string): Evidence => ({ ...stamp(c, id), kind: 'consent_withdrawn', by })),
  );
}

export const arbHistory = (target?: fc.Arbitrary<Target>) =>
  fc.array(arbRecord(target), { maxLength: 12 }).map((makers) => makers.map((make, i) => make(`ev-${i}`)));

const VO_ROUTES = [
  { profile: 'VOVO', sendingSector: 'VO' },
  { profile: 'VOMBO', sendingSector: 'VO' },
  { profile: 'VOHBO', sendingSector: 'VO' },
  { profile: 'WECVO', sendingSector: 'VSO' },
] as const;
const PO_ROUTES = [
  { profile: 'POVO', sendingSector: 'PO' },
  { profile: 'POPO', sendingSector: 'SO' },
] as const;
const POLICIES: ReleasePolicyRef[] = [
  { id: 'consent-for-vo', version: 1 },
  { id: 'wvo-art-103b', version: 1 },
];

export interface GateArbOptions {
  sender?: 'PO' | 'VO';
  policy?: ReleasePolicyRef;
}

/**
 * A whole input. The dossier's inzagedatum is usually one of the history's inzage dates (else releases
 * would be rare), and its toestemming usually Ja.
 */
export function arbGateInput(options: GateArbOptions = {}): fc.Arbitrary<ReleaseGateInput> {
  const routes =
    options.sender === 'PO' ? PO_ROUTES : options.sender === 'VO' ? VO_ROUTES : [...PO_ROUTES, ...VO_ROUTES];
  return fc
    .record({
      exchange: fc.constantFrom(...routes),
      policy: options.policy ? fc.constant(options.policy) : fc.constantFrom(...POLICIES),
      evidence: arbHistory(),
      keepsInzage: fc.boolean(),
      pupilBirthDate: arbBirthDate,
      now: arbNow,
      datePick: fc.nat(),
      ownDate: arbDate,
      useOwnDate: fc.integer({ min: 0, max: 9 }),
      toestemming: fc.constantFrom('Ja', 'Ja', 'Ja', 'Nee', 'Onbekend', null),
      inzage: fc.constantFrom('true', 'true', 'true', '1', 'false'),
      lawful: fc.option(fc.record({ inzageDay: fc.nat(), consentDay: fc.nat(), parent: fc.boolean() }), {
        freq: 2,
      }),
    })
    .map((g) => {
      const evidence = g.lawful
        ? [...lawfulCore(g.lawful, g.now, g.pupilBirthDate), ...g.evidence.slice(0, 4)]
        : g.evidence;
      const inzageDates = evidence.filter((record) => record.kind === 'inzage').map((record) => record.date);
      // With the lawful core, its inzage (the first record) is the one the dossier names.
      const pick = g.lawful ? 0 : g.datePick % Math.max(1, inzageDates.length);
      const inzagedatum = inzageDates.length > 0 && g.useOwnDate > 0 ? inzageDates[pick] : g.ownDate;
      return {
        exchange: { ...g.exchange },
        version: {
          contentHash: VERSION,
          keepsInzageOf: g.keepsInzage ? [EARLIER_VERSION] : [],
          inzageBlock: { inzage: g.inzage, inzagedatum, toestemming: g.toestemming },
        },
        pupilBirthDate: g.pupilBirthDate,
        receivingSchool: RECEIVER,
        evidence,
        now: g.now,
        policy: g.policy,
      };
    });
}

/**
 * An inzage and a consent as the law wants them (to and by whoever decides on their dates, consent on or
 * after the inzage, both no later than today), so that releases are common enough for the properties
 * about them to bite; the generated noise after it may still hold the release back.
 */
function lawfulCore(
  choice: { inzageDay: number; consentDay: number; parent: boolean },
  now: Date,
  birthDate: string,
): Evidence[] {
  const today = Math.floor((now.getTime() - FIRST_DAY) / DAY_MS) - 1; // a day's margin for the Dutch date
  const inzageOffset = choice.inzageDay % (today + 1);
  const consentOffset = inzageOffset + (choice.consentDay % (today - inzageOffset + 1));
  const sixteen = sixteenthBirthday(birthDate);
  const actorOn = (date: string): Actor =>
    date >= sixteen
      ? { role: 'pupil' }
      : { role: choice.parent ? 'parent_with_gezag' : 'voogd', ref: 'core-1' };
  const [inzageDate, consentDate] = [dayOf(inzageOffset), dayOf(consentOffset)];
  const at = (date: string) => new Date(`${date}T20:00:00Z`);
  const target = { versionHash: VERSION, receivingSchool: RECEIVER };
  return [
    {
      id: 'core-inzage',
      ...target,
      date: inzageDate,
      recordedAt: at(inzageDate),
      kind: 'inzage',
      givenTo: actorOn(inzageDate),
      how: 'letter',
      remarks: false,
    },
    {
      id: 'core-consent',
      ...target,
      date: consentDate,
      recordedAt: at(consentDate),
      kind: 'consent',
      decision: 'granted',
      by: actorOn(consentDate),
      form: 'digital_confirmation',
    },
  ];
}
