import fc from 'fast-check';
import { dutchDateOf, sixteenthBirthday } from './calendar';
import { decideRelease, outcomeOf } from './decide-release';
import { receiverView } from './receiver-view';
import type { Evidence } from './release-input';
import { DEFAULT_RELEASE_POLICY } from './release-policy';
import { OTHER_RECEIVER, OTHER_VERSION, RECEIVER, VERSION } from './testing/gate-fixtures';
import { arbGateInput, arbHistory, dayOf, EARLIER_VERSION } from './testing/history-arbitraries';

/** Runs per property: the function is pure and fast, so many histories fit in a unit test. */
const RUNS = 2000;
const check = <T extends unknown[]>(property: fc.IRawProperty<T>) => fc.assert(property, { numRuns: RUNS });

const own = (record: Evidence) => record.versionHash === VERSION && record.receivingSchool === RECEIVER;
const isGrant = (record: Evidence) => record.kind === 'consent' && record.decision === 'granted';
const isObjection = (record: Evidence) =>
  record.kind === 'consent_withdrawn' || (record.kind === 'consent' && record.decision === 'refused');
const elsewhere = arbHistory(
  fc.constantFrom(
    { version: OTHER_VERSION, school: RECEIVER },
    { version: VERSION, school: OTHER_RECEIVER },
    { version: EARLIER_VERSION, school: OTHER_RECEIVER },
  ),
).map((records) => records.map((record) => ({ ...record, id: `other-${record.id}` })));

describe('decideRelease: properties over generated histories', () => {
  it('no history without a granted consent for this version and school releases a VO dossier (default policy)', () => {
    check(
      fc.property(arbGateInput({ sender: 'VO', policy: DEFAULT_RELEASE_POLICY }), (input) => {
        const evidence = input.evidence.filter((record) => !(own(record) && isGrant(record)));
        expect(decideRelease({ ...input, evidence }).outcome).not.toBe('release');
      }),
    );
  });

  it('a VO release under the default policy rests on a consent after the inzage, by whoever decided that day', () => {
    check(
      fc.property(arbGateInput({ sender: 'VO', policy: DEFAULT_RELEASE_POLICY }), (input) => {
        if (decideRelease(input).outcome !== 'release') return;
        const today = dutchDateOf(input.now);
        const sixteen = sixteenthBirthday(input.pupilBirthDate!);
        const inzagedatum = input.version.inzageBlock!.inzagedatum!;
        const valid = input.evidence.filter(
          (record) =>
            own(record) &&
            isGrant(record) &&
            record.date >= inzagedatum &&
            record.date <= today &&
            record.kind === 'consent' &&
            record.by.role !== 'verzorger_without_gezag' &&
            (record.by.role === 'pupil') === record.date >= sixteen,
        );
        expect(valid.length).toBeGreaterThan(0);
        expect(input.version.inzageBlock!.toestemming).toBe('Ja');
      }),
    );
  });

  it('a release needs an inzage dated no later than today (Dutch date), for this version or one it answers, as the dossier says', () => {
    check(
      fc.property(arbGateInput(), (input) => {
        if (decideRelease(input).outcome !== 'release') return;
        const today = dutchDateOf(input.now);
        const versions = [input.version.contentHash, ...input.version.keepsInzageOf];
        const inzage = input.evidence.filter(
          (record) =>
            record.kind === 'inzage' &&
            record.receivingSchool === RECEIVER &&
            versions.includes(record.versionHash) &&
            record.date <= today &&
            record.date === input.version.inzageBlock?.inzagedatum,
        );
        expect(inzage.length).toBeGreaterThan(0);
      }),
    );
  });

  it('a PO sender never blocks on an objection: refusals and withdrawals never change the outcome', () => {
    check(
      fc.property(arbGateInput({ sender: 'PO' }), (input) => {
        const without = input.evidence.filter((record) => !isObjection(record));
        expect(decideRelease(input).outcome).toBe(decideRelease({ ...input, evidence: without }).outcome);
      }),
    );
  });

  it('under art. 103b, VO→VO and VO→MBO never block on an objection either', () => {
    check(
      fc.property(arbGateInput({ sender: 'VO', policy: { id: 'wvo-art-103b', version: 1 } }), (input) => {
        fc.pre(input.exchange.sendingSector === 'VO' && ['VOVO', 'VOMBO'].includes(input.exchange.profile));
        const without = input.evidence.filter((record) => !isObjection(record));
        expect(decideRelease(input).outcome).toBe(decideRelease({ ...input, evidence: without }).outcome);
      }),
    );
  });

  it('adding evidence for another school or another version never changes the decision', () => {
    check(
      fc.property(arbGateInput(), elsewhere, (input, extra) => {
        expect(decideRelease({ ...input, evidence: [...input.evidence, ...extra] })).toEqual(
          decideRelease(input),
        );
      }),
    );
  });

  it('consents, refusals and withdrawals for the version a remarks-only version answers never change its decision', () => {
    check(
      fc.property(arbGateInput(), (input) => {
        fc.pre(input.version.keepsInzageOf.length > 0);
        const without = input.evidence.filter(
          (record) => record.kind === 'inzage' || record.versionHash !== EARLIER_VERSION,
        );
        expect(decideRelease({ ...input, evidence: without })).toEqual(decideRelease(input));
      }),
    );
  });

  it('the decision never depends on the order in which the records are handed in', () => {
    check(
      fc.property(
        arbGateInput().chain((input) =>
          fc
            .shuffledSubarray([...input.evidence], {
              minLength: input.evidence.length,
              maxLength: input.evidence.length,
            })
            .map((shuffled) => [input, shuffled] as const),
        ),
        ([input, shuffled]) => {
          expect(decideRelease({ ...input, evidence: shuffled })).toEqual(decideRelease(input));
        },
      ),
    );
  });

  it('for acts of distinct dates, the order they were recorded in (recordedAt) never matters', () => {
    check(
      fc.property(
        arbGateInput().chain((input) => {
          const seen = new Set<string>();
          const distinct = input.evidence.filter((record) => !seen.has(record.date) && seen.add(record.date));
          const stamps = distinct.map((record) => record.recordedAt);
          return fc
            .shuffledSubarray(stamps, { minLength: stamps.length, maxLength: stamps.length })
            .map((order) => [{ ...input, evidence: distinct }, order] as const);
        }),
        ([input, order]) => {
          const restamped = input.evidence.map((record, i) => ({ ...record, recordedAt: order[i] }));
          expect(decideRelease({ ...input, evidence: restamped })).toEqual(decideRelease(input));
        },
      ),
    );
  });

  it('from 16 only the pupil consents: parents’ consents given after the 16th birthday never release a VO dossier', () => {
    check(
      fc.property(arbGateInput({ sender: 'VO', policy: DEFAULT_RELEASE_POLICY }), (input) => {
        const sixteen = sixteenthBirthday(input.pupilBirthDate!);
        const evidence = input.evidence.filter(
          (record) =>
            !(
              isGrant(record) &&
              record.kind === 'consent' &&
              (record.by.role === 'pupil' || record.date < sixteen)
            ),
        );
        expect(decideRelease({ ...input, evidence }).outcome).not.toBe('release');
      }),
    );
  });

  it('once the pupil has decided from 16, the parents’ consents, refusals and withdrawals change nothing', () => {
    check(
      fc.property(arbGateInput({ sender: 'VO', policy: DEFAULT_RELEASE_POLICY }), (input) => {
        const sixteen = sixteenthBirthday(input.pupilBirthDate!);
        const decisions = (record: Evidence) => own(record) && record.kind !== 'inzage';
        fc.pre(
          input.evidence.some(
            (r) =>
              decisions(r) &&
              'by' in r &&
              r.by.role === 'pupil' &&
              r.date >= sixteen &&
              !(isGrant(r) && r.date > dutchDateOf(input.now)),
          ),
        );
        const withoutParents = input.evidence.filter(
          (r) => !(decisions(r) && 'by' in r && r.by.role !== 'pupil'),
        );
        expect(decideRelease({ ...input, evidence: withoutParents }).outcome).toBe(
          decideRelease(input).outcome,
        );
      }),
    );
  });

  it('names its policy, and its outcome is the strongest effect among its reasons', () => {
    check(
      fc.property(arbGateInput(), (input) => {
        const decision = decideRelease(input);
        expect(decision.policy).toEqual(input.policy);
        expect(decision.outcome).toBe(outcomeOf(decision.reasons));
        expect(decision.reasons.length).toBeGreaterThan(0);
      }),
    );
  });

  it('the receiver’s view names no evidence record and no person', () => {
    check(
      fc.property(arbGateInput(), (input) => {
        const view = JSON.stringify(receiverView(decideRelease(input)));
        expect(view).not.toMatch(/ev-\d|verzorger|voogd|parent|pupil|gezag/);
      }),
    );
  });

  it('the generated histories reach every outcome, for PO and VO senders alike', () => {
    for (const sender of ['PO', 'VO'] as const) {
      const outcomes = new Set(
        fc.sample(arbGateInput({ sender }), { numRuns: RUNS, seed: 11 }).map((i) => decideRelease(i).outcome),
      );
      expect([...outcomes].sort()).toEqual(['block', 'release', 'wait']);
    }
  });

  it('generates dates on the calendar', () => {
    expect([dayOf(0), dayOf(61)]).toEqual(['2026-10-01', '2026-12-01']);
  });
});
