import { decideRelease, type ReleaseOutcome } from './decide-release';
import { receiverView } from './receiver-view';
import type { Evidence, ReleaseGateInput } from './release-input';
import { DEFAULT_RELEASE_POLICY, type ReleasePolicyRef } from './release-policy';
import { REASON_EFFECTS, type ReasonCode } from './release-reasons';
import {
  consent,
  gateInput,
  inzage,
  OTHER_PARENT,
  OTHER_RECEIVER,
  OTHER_VERSION,
  PUPIL,
  refusal,
  STEPPARENT,
  VERSION,
  VOOGD,
  withdrawal,
} from './testing/gate-fixtures';

const WVO_103B: ReleasePolicyRef = { id: 'wvo-art-103b', version: 1 };
const PO_BLOCK = { inzage: 'true', inzagedatum: '2026-11-20', toestemming: null };

/** A PO school (POVO) sending a 12-year-old's dossier. */
function po(overrides: Partial<ReleaseGateInput> = {}): ReleaseGateInput {
  return gateInput({
    exchange: { profile: 'POVO', sendingSector: 'PO' },
    pupilBirthDate: '2014-03-08',
    version: { contentHash: VERSION, keepsInzageOf: [], inzageBlock: PO_BLOCK },
    ...overrides,
  });
}

function withBlock(
  input: ReleaseGateInput,
  block: ReleaseGateInput['version']['inzageBlock'],
): ReleaseGateInput {
  return { ...input, version: { ...input.version, inzageBlock: block } };
}

function vo(evidence: Evidence[], overrides: Partial<ReleaseGateInput> = {}): ReleaseGateInput {
  return gateInput({ evidence, ...overrides });
}

/** A VO dossier whose dossier block says inzage on `date`, for pupils around 16. */
function voOn(
  date: string,
  birth: string,
  evidence: Evidence[],
  now = '2026-12-02T11:00:00Z',
): ReleaseGateInput {
  return gateInput({
    pupilBirthDate: birth,
    now: new Date(now),
    evidence,
    version: {
      contentHash: VERSION,
      keepsInzageOf: [],
      inzageBlock: { inzage: 'true', inzagedatum: date, toestemming: 'Ja' },
    },
  });
}

interface GateCase {
  name: string;
  input: ReleaseGateInput;
  outcome: ReleaseOutcome;
  /** Reason codes the decision must give (it may give more grounds, never another wait or block code). */
  codes: ReasonCode[];
}

const cases: GateCase[] = [
  // PO sends: inzage, no consent, objections never block
  {
    name: 'PO: inzage by letter to a parent releases without consent',
    input: po({ evidence: [inzage({ how: 'letter' })] }),
    outcome: 'release',
    codes: ['inzage_given', 'consent_not_required'],
  },
  {
    name: 'PO: inzage to a voogd releases',
    input: po({ evidence: [inzage({ to: VOOGD })] }),
    outcome: 'release',
    codes: ['inzage_given'],
  },
  {
    name: 'PO: inzage dated today releases',
    input: withBlock(po({ evidence: [inzage({ date: '2026-12-02' })] }), {
      ...PO_BLOCK,
      inzagedatum: '2026-12-02',
    }),
    outcome: 'release',
    codes: ['inzage_given'],
  },
  {
    name: 'PO: inzage dated tomorrow waits',
    input: withBlock(po({ evidence: [inzage({ date: '2026-12-03' })] }), {
      ...PO_BLOCK,
      inzagedatum: '2026-12-03',
    }),
    outcome: 'wait',
    codes: ['inzage_dated_after_today'],
  },
  {
    name: 'PO: today is the Dutch date (00:30 in Amsterdam is 23:30 UTC the day before)',
    input: withBlock(
      po({ now: new Date('2026-12-01T23:30:00Z'), evidence: [inzage({ date: '2026-12-02' })] }),
      { ...PO_BLOCK, inzagedatum: '2026-12-02' },
    ),
    outcome: 'release',
    codes: ['inzage_given'],
  },
  { name: 'PO: no inzage waits', input: po(), outcome: 'wait', codes: ['inzage_missing'] },
  {
    name: 'PO: a refusal does not block',
    input: po({ evidence: [inzage(), refusal()] }),
    outcome: 'release',
    codes: ['objection_does_not_block'],
  },
  {
    name: 'PO: a withdrawal does not block',
    input: po({ evidence: [inzage(), consent(), withdrawal()] }),
    outcome: 'release',
    codes: ['objection_does_not_block'],
  },
  {
    name: 'PO: the parents’ remarks travel',
    input: po({ evidence: [inzage({ remarks: true })] }),
    outcome: 'release',
    codes: ['zienswijze_travels'],
  },
  {
    name: 'PO: inzage for another receiving school does not count',
    input: po({ evidence: [inzage({ school: OTHER_RECEIVER })] }),
    outcome: 'wait',
    codes: ['inzage_missing'],
  },
  {
    name: 'PO: inzage for another version does not count',
    input: po({ evidence: [inzage({ version: OTHER_VERSION })] }),
    outcome: 'wait',
    codes: ['inzage_missing'],
  },
  {
    name: 'PO: inzage to a verzorger without gezag does not count',
    input: po({ evidence: [inzage({ to: STEPPARENT })] }),
    outcome: 'wait',
    codes: ['inzage_not_to_legal_representative'],
  },
  {
    name: 'PO: a remarks-only version keeps the inzage of the version it answers',
    input: po({
      version: { contentHash: VERSION, keepsInzageOf: [OTHER_VERSION], inzageBlock: PO_BLOCK },
      evidence: [inzage({ version: OTHER_VERSION, remarks: true })],
    }),
    outcome: 'release',
    codes: ['inzage_given', 'zienswijze_travels'],
  },
  {
    name: 'PO: the dossier’s toestemming is not asked',
    input: withBlock(po({ evidence: [inzage()] }), { ...PO_BLOCK, toestemming: 'Nee' }),
    outcome: 'release',
    codes: ['inzage_given'],
  },
  {
    name: 'PO: dossier says inzage false → block',
    input: withBlock(po({ evidence: [inzage()] }), { ...PO_BLOCK, inzage: 'false' }),
    outcome: 'block',
    codes: ['dossier_inzage_not_true'],
  },
  {
    name: 'PO: dossier inzagedatum differs from the evidence → block',
    input: withBlock(po({ evidence: [inzage()] }), { ...PO_BLOCK, inzagedatum: '2026-11-19' }),
    outcome: 'block',
    codes: ['dossier_inzagedatum_mismatch'],
  },
  {
    name: 'PO: dossier without inzagedatum → block',
    input: withBlock(po({ evidence: [inzage()] }), { ...PO_BLOCK, inzagedatum: null }),
    outcome: 'block',
    codes: ['dossier_inzagedatum_missing'],
  },
  {
    name: 'PO: dossier without inzage block → block',
    input: withBlock(po({ evidence: [inzage()] }), null),
    outcome: 'block',
    codes: ['dossier_inzage_block_missing'],
  },
  {
    name: 'SO school, WECVO: PO rules, no consent',
    input: po({ exchange: { profile: 'WECVO', sendingSector: 'SO' }, evidence: [inzage()] }),
    outcome: 'release',
    codes: ['consent_not_required'],
  },

  // VO sends, default policy: inzage, then consent for this version and school
  {
    name: 'VO: inzage, then a parent’s consent releases',
    input: vo([inzage(), consent()]),
    outcome: 'release',
    codes: ['inzage_given', 'consent_granted'],
  },
  {
    name: 'VO: consent the same day as the inzage releases',
    input: vo([inzage(), consent({ date: '2026-11-20' })]),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'VO: consent before the inzage waits',
    input: vo([inzage(), consent({ date: '2026-11-19' })]),
    outcome: 'wait',
    codes: ['consent_before_inzage'],
  },
  {
    name: 'VO: consent without inzage waits for the inzage',
    input: vo([consent()]),
    outcome: 'wait',
    codes: ['inzage_missing'],
  },
  {
    name: 'VO: inzage without consent waits',
    input: vo([inzage()]),
    outcome: 'wait',
    codes: ['consent_missing'],
  },
  {
    name: 'VO: a refusal blocks',
    input: vo([inzage(), refusal()]),
    outcome: 'block',
    codes: ['consent_refused'],
  },
  {
    name: 'VO: a withdrawal after consent blocks',
    input: vo([inzage(), consent(), withdrawal()]),
    outcome: 'block',
    codes: ['consent_withdrawn'],
  },
  {
    name: 'VO: a new consent after a withdrawal releases',
    input: vo([inzage(), consent(), withdrawal(), consent({ date: '2026-11-28' })]),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'VO: one parent consents, the other refuses → conflict',
    input: vo([inzage(), consent(), refusal({ by: OTHER_PARENT, date: '2026-11-26' })]),
    outcome: 'block',
    codes: ['consent_conflict'],
  },
  {
    name: 'VO: the refusing parent consents later → released',
    input: vo([
      inzage(),
      consent(),
      refusal({ by: OTHER_PARENT }),
      consent({ by: OTHER_PARENT, date: '2026-11-30' }),
    ]),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'VO: a consenting parent’s later consent does not end a conflict',
    input: vo([inzage(), refusal({ by: OTHER_PARENT }), consent({ date: '2026-11-30' })]),
    outcome: 'block',
    codes: ['consent_conflict'],
  },
  {
    name: 'VO: one parent withdraws another’s consent → conflict',
    input: vo([inzage(), consent(), withdrawal({ by: OTHER_PARENT })]),
    outcome: 'block',
    codes: ['consent_conflict'],
  },
  {
    name: 'VO: a verzorger without gezag cannot consent',
    input: vo([inzage(), consent({ by: STEPPARENT })]),
    outcome: 'wait',
    codes: ['consent_by_verzorger_without_gezag'],
  },
  {
    name: 'VO: a verzorger without gezag’s refusal is ignored',
    input: vo([inzage(), consent(), refusal({ by: STEPPARENT })]),
    outcome: 'release',
    codes: ['act_by_non_decider_ignored'],
  },
  {
    name: 'VO: a voogd consents',
    input: vo([inzage({ to: VOOGD }), consent({ by: VOOGD })]),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'VO: consent for another school does not count',
    input: vo([inzage(), consent({ school: OTHER_RECEIVER })]),
    outcome: 'wait',
    codes: ['consent_missing'],
  },
  {
    name: 'VO: consent for another version does not count',
    input: vo([inzage(), consent({ version: OTHER_VERSION })]),
    outcome: 'wait',
    codes: ['consent_missing'],
  },
  {
    name: 'VO: a remarks-only version keeps the inzage but needs its own consent',
    input: vo([inzage({ version: OTHER_VERSION, remarks: true }), consent({ version: OTHER_VERSION })], {
      version: {
        contentHash: VERSION,
        keepsInzageOf: [OTHER_VERSION],
        inzageBlock: { inzage: 'true', inzagedatum: '2026-11-20', toestemming: 'Ja' },
      },
    }),
    outcome: 'wait',
    codes: ['consent_missing'],
  },
  {
    name: 'VO: a remarks-only version with its own consent releases',
    input: vo([inzage({ version: OTHER_VERSION, remarks: true }), consent()], {
      version: {
        contentHash: VERSION,
        keepsInzageOf: [OTHER_VERSION],
        inzageBlock: { inzage: 'true', inzagedatum: '2026-11-20', toestemming: 'Ja' },
      },
    }),
    outcome: 'release',
    codes: ['inzage_given', 'consent_granted', 'zienswijze_travels'],
  },
  {
    name: 'VO: an earlier version’s inzage does not count for a changed version',
    input: vo([inzage({ version: OTHER_VERSION }), consent()]),
    outcome: 'wait',
    codes: ['inzage_missing'],
  },
  {
    name: 'VO: dossier toestemming Nee → block',
    input: withBlock(vo([inzage(), consent()]), {
      inzage: 'true',
      inzagedatum: '2026-11-20',
      toestemming: 'Nee',
    }),
    outcome: 'block',
    codes: ['dossier_toestemming_not_ja'],
  },
  {
    name: 'VO: dossier toestemming Onbekend → block',
    input: withBlock(vo([inzage(), consent()]), {
      inzage: 'true',
      inzagedatum: '2026-11-20',
      toestemming: 'Onbekend',
    }),
    outcome: 'block',
    codes: ['dossier_toestemming_not_ja'],
  },
  {
    name: 'VO: consent dated after today waits',
    input: vo([inzage(), consent({ date: '2026-12-03' })]),
    outcome: 'wait',
    codes: ['consent_dated_after_today'],
  },
  {
    name: 'VO: a refusal dated after today still blocks',
    input: vo([inzage(), consent(), refusal({ date: '2026-12-05' })]),
    outcome: 'block',
    codes: ['consent_refused'],
  },
  {
    name: 'VO: same day, the refusal recorded later wins',
    input: vo([
      inzage(),
      consent({ recordedAt: new Date('2026-11-25T09:00:00Z') }),
      refusal({ recordedAt: new Date('2026-11-25T10:00:00Z') }),
    ]),
    outcome: 'block',
    codes: ['consent_refused'],
  },
  {
    name: 'VO: same day, the consent recorded later wins',
    input: vo([
      inzage(),
      refusal({ recordedAt: new Date('2026-11-25T09:00:00Z') }),
      consent({ recordedAt: new Date('2026-11-25T10:00:00Z') }),
    ]),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'VO→MBO under the default policy needs consent',
    input: vo([inzage()], { exchange: { profile: 'VOMBO', sendingSector: 'VO' } }),
    outcome: 'wait',
    codes: ['consent_missing'],
  },

  // from the 16th birthday, at the date of each act, the pupil decides
  {
    name: '16 on the consent date: a parent’s consent waits for the pupil',
    input: voOn('2026-11-20', '2010-11-25', [inzage(), consent({ date: '2026-11-25' })]),
    outcome: 'wait',
    codes: ['pupil_must_consent'],
  },
  {
    name: 'the day before the 16th birthday a parent’s consent counts',
    input: voOn('2026-11-20', '2010-11-26', [inzage(), consent({ date: '2026-11-25' })]),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'the pupil consents on the 16th birthday',
    input: voOn('2026-11-20', '2010-11-25', [inzage(), consent({ by: PUPIL, date: '2026-11-25' })]),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'the pupil consents the day before the 16th birthday: does not count',
    input: voOn('2026-11-20', '2010-11-26', [inzage(), consent({ by: PUPIL, date: '2026-11-25' })]),
    outcome: 'wait',
    codes: ['consent_by_pupil_under_16'],
  },
  {
    name: '16 at the inzage: inzage to a parent does not count',
    input: voOn('2026-11-20', '2010-11-20', [inzage(), consent({ by: PUPIL })]),
    outcome: 'wait',
    codes: ['inzage_must_go_to_pupil'],
  },
  {
    name: '16 at the inzage: inzage to the pupil and the pupil’s consent release',
    input: voOn('2026-11-20', '2010-11-20', [inzage({ to: PUPIL }), consent({ by: PUPIL })]),
    outcome: 'release',
    codes: ['inzage_given', 'consent_granted'],
  },
  {
    name: 'under 16 at the inzage: inzage to the pupil does not count',
    input: voOn('2026-11-20', '2010-11-21', [inzage({ to: PUPIL }), consent()]),
    outcome: 'wait',
    codes: ['inzage_not_to_legal_representative'],
  },
  {
    name: 'a parent’s consent at 15 stands when the pupil, now 16, has not acted',
    input: voOn('2026-11-20', '2010-11-30', [inzage(), consent({ date: '2026-11-25' })]),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'a parent’s refusal at 15 gives way to the pupil’s consent at 16',
    input: voOn('2026-11-20', '2010-11-24', [
      inzage(),
      refusal({ date: '2026-11-21' }),
      consent({ by: PUPIL, date: '2026-11-25' }),
    ]),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'a parent’s refusal after the pupil (16) consented is ignored',
    input: voOn('2026-11-20', '2010-11-20', [
      inzage({ to: PUPIL }),
      consent({ by: PUPIL }),
      refusal({ date: '2026-11-27' }),
    ]),
    outcome: 'release',
    codes: ['act_by_non_decider_ignored'],
  },
  {
    name: 'the pupil (16) withdraws their consent → block',
    input: voOn('2026-11-20', '2010-11-20', [
      inzage({ to: PUPIL }),
      consent({ by: PUPIL }),
      withdrawal({ by: PUPIL }),
    ]),
    outcome: 'block',
    codes: ['consent_withdrawn'],
  },
  {
    name: 'leap day birth: 16 on 29 February 2024, the pupil consents that day',
    input: voOn(
      '2024-02-20',
      '2008-02-29',
      [inzage({ date: '2024-02-20' }), consent({ by: PUPIL, date: '2024-02-29' })],
      '2024-03-04T10:00:00Z',
    ),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'leap day birth: on 28 February 2024 the parents still decide',
    input: voOn(
      '2024-02-20',
      '2008-02-29',
      [inzage({ date: '2024-02-20' }), consent({ by: PUPIL, date: '2024-02-28' })],
      '2024-03-04T10:00:00Z',
    ),
    outcome: 'wait',
    codes: ['consent_by_pupil_under_16'],
  },
  {
    name: 'leap day birth 2084: 2100 has no 29 February, 16 on 1 March',
    input: voOn(
      '2100-02-20',
      '2084-02-29',
      [inzage({ date: '2100-02-20' }), consent({ by: PUPIL, date: '2100-03-01' })],
      '2100-03-04T10:00:00Z',
    ),
    outcome: 'release',
    codes: ['consent_granted'],
  },
  {
    name: 'leap day birth 2084: on 28 February 2100 the pupil is still 15',
    input: voOn(
      '2100-02-20',
      '2084-02-29',
      [inzage({ date: '2100-02-20' }), consent({ date: '2100-02-28' })],
      '2100-03-04T10:00:00Z',
    ),
    outcome: 'release',
    codes: ['consent_granted'],
  },

  // the second policy: art. 103b WVO
  {
    name: '103b: VO→VO on inzage alone',
    input: vo([inzage()], { policy: WVO_103B }),
    outcome: 'release',
    codes: ['consent_not_required'],
  },
  {
    name: '103b: VO→MBO on inzage alone',
    input: vo([inzage()], { policy: WVO_103B, exchange: { profile: 'VOMBO', sendingSector: 'VO' } }),
    outcome: 'release',
    codes: ['consent_not_required'],
  },
  {
    name: '103b: VO→HBO still needs consent',
    input: vo([inzage()], { policy: WVO_103B, exchange: { profile: 'VOHBO', sendingSector: 'VO' } }),
    outcome: 'wait',
    codes: ['consent_missing'],
  },
  {
    name: '103b: a VSO school (WEC) still needs consent',
    input: vo([inzage()], { policy: WVO_103B, exchange: { profile: 'WECVO', sendingSector: 'VSO' } }),
    outcome: 'wait',
    codes: ['consent_missing'],
  },
  {
    name: '103b: a refusal does not block',
    input: vo([inzage(), refusal()], { policy: WVO_103B }),
    outcome: 'release',
    codes: ['objection_does_not_block'],
  },
  {
    name: '103b: inzage is still required',
    input: vo([], { policy: WVO_103B }),
    outcome: 'wait',
    codes: ['inzage_missing'],
  },
  {
    name: 'an unknown policy version blocks',
    input: vo([inzage(), consent()], { policy: { id: 'consent-for-vo', version: 99 } }),
    outcome: 'block',
    codes: ['policy_unknown'],
  },

  // what the gate cannot decide
  {
    name: 'a swv-dossier profile is not decided here',
    input: vo([inzage(), consent()], { exchange: { profile: 'VOSWV', sendingSector: 'VO' } }),
    outcome: 'block',
    codes: ['route_not_decided'],
  },
  {
    name: 'a pre-school profile is not decided here',
    input: po({ exchange: { profile: 'VSPO', sendingSector: 'PO' }, evidence: [inzage()] }),
    outcome: 'block',
    codes: ['route_not_decided'],
  },
  {
    name: 'a PO profile from a VO school is not decided',
    input: vo([inzage(), consent()], { exchange: { profile: 'POVO', sendingSector: 'VO' } }),
    outcome: 'block',
    codes: ['route_not_decided'],
  },
  {
    name: 'an unknown birth date blocks',
    input: vo([inzage(), consent()], { pupilBirthDate: null }),
    outcome: 'block',
    codes: ['pupil_birth_date_unknown'],
  },
  {
    name: 'an evidence date that is not a date blocks',
    input: vo([inzage(), consent({ date: '2026-02-30' })]),
    outcome: 'block',
    codes: ['evidence_date_invalid', 'consent_missing'],
  },
];

describe('decideRelease: named cases', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const decision = decideRelease(c.input);
    expect({ outcome: decision.outcome, codes: decision.reasons.map((r) => r.code) }).toEqual({
      outcome: c.outcome,
      codes: expect.arrayContaining(c.codes),
    });
    expect(decision.policy).toEqual(c.input.policy);
    // No other reason holds the dossier back than the ones the case names.
    const holding = (codes: ReasonCode[]) =>
      codes.filter((code) => REASON_EFFECTS[code] !== 'grounds').sort();
    expect(holding(decision.reasons.map((r) => r.code))).toEqual(holding(c.codes));
  });

  it('cites the records it relied on, and names the policy', () => {
    const [given, granted] = [inzage({ how: 'letter' }), consent()];
    const decision = decideRelease(gateInput({ evidence: [granted, given] }));
    expect(decision).toEqual({
      outcome: 'release',
      policy: DEFAULT_RELEASE_POLICY,
      reasons: [
        {
          code: 'consent_granted',
          message: expect.stringContaining('a parent with gezag (verzorger-1)'),
          evidence: [granted.id],
        },
        {
          code: 'inzage_given',
          message: 'inzage given on 2026-11-20 (letter), as the dossier says.',
          evidence: [given.id],
        },
      ],
    });
  });

  it('tells the receiver the state and a general reason, never who refused or which records', () => {
    const decision = decideRelease(
      gateInput({ evidence: [inzage(), consent(), refusal({ by: OTHER_PARENT })] }),
    );
    expect(decision.outcome).toBe('block');
    const view = receiverView(decision);
    expect(view).toEqual({
      outcome: 'block',
      policy: DEFAULT_RELEASE_POLICY,
      reasons: [{ code: 'consent_not_given', message: expect.any(String) }],
    });
    expect(JSON.stringify(view)).not.toMatch(/verzorger|parent|pupil|ev-/);
  });

  it('tells the receiver of a release only that it is released', () => {
    const view = receiverView(decideRelease(po({ evidence: [inzage({ remarks: true }), refusal()] })));
    expect(view.reasons.map((r) => r.code)).toEqual(['released']);
  });
});
