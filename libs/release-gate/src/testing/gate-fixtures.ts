import type { Actor, Evidence, ReleaseGateInput } from '../release-input';
import { DEFAULT_RELEASE_POLICY } from '../release-policy';

/** Builders for gate inputs in tests: a VO→VO transfer of a 15-year-old, inzage on 20 November 2026. */
export const VERSION = 'a1'.repeat(32);
export const OTHER_VERSION = 'b2'.repeat(32);
export const RECEIVER = '34CD00';
export const OTHER_RECEIVER = '56EF00';
export const INZAGE_DATE = '2026-11-20';
export const NOW = new Date('2026-12-02T11:00:00Z');

export const PARENT: Actor = { role: 'parent_with_gezag', ref: 'verzorger-1' };
export const OTHER_PARENT: Actor = { role: 'parent_with_gezag', ref: 'verzorger-2' };
export const VOOGD: Actor = { role: 'voogd', ref: 'voogd-1' };
export const PUPIL: Actor = { role: 'pupil' };
export const STEPPARENT: Actor = { role: 'verzorger_without_gezag', ref: 'verzorger-3' };

export function gateInput(overrides: Partial<ReleaseGateInput> = {}): ReleaseGateInput {
  return {
    exchange: { profile: 'VOVO', sendingSector: 'VO' },
    version: {
      contentHash: VERSION,
      keepsInzageOf: [],
      inzageBlock: { inzage: 'true', inzagedatum: INZAGE_DATE, toestemming: 'Ja' },
    },
    pupilBirthDate: '2011-05-10',
    receivingSchool: RECEIVER,
    evidence: [],
    now: NOW,
    policy: DEFAULT_RELEASE_POLICY,
    ...overrides,
  };
}

interface Common {
  date?: string;
  version?: string;
  school?: string;
  recordedAt?: Date;
}

let sequence = 0;
function base(options: Common, date: string) {
  sequence += 1;
  const recordedAt = options.recordedAt ?? new Date(`${options.date ?? date}T18:00:00Z`);
  return {
    id: `ev-${String(sequence).padStart(4, '0')}`,
    recordedAt: new Date(recordedAt.getTime() + sequence),
    versionHash: options.version ?? VERSION,
    receivingSchool: options.school ?? RECEIVER,
    date: options.date ?? date,
  };
}

export function inzage(
  options: Common & { to?: Actor; how?: 'conversation' | 'letter' | 'portal'; remarks?: boolean } = {},
): Evidence {
  return {
    ...base(options, INZAGE_DATE),
    kind: 'inzage',
    givenTo: options.to ?? PARENT,
    how: options.how ?? 'conversation',
    remarks: options.remarks ?? false,
  };
}

export function consent(options: Common & { by?: Actor } = {}): Evidence {
  return {
    ...base(options, '2026-11-25'),
    kind: 'consent',
    decision: 'granted',
    by: options.by ?? PARENT,
    form: 'signed_declaration',
  };
}

export function refusal(options: Common & { by?: Actor } = {}): Evidence {
  return {
    ...base(options, '2026-11-25'),
    kind: 'consent',
    decision: 'refused',
    by: options.by ?? PARENT,
    form: 'signed_declaration',
  };
}

export function withdrawal(options: Common & { by?: Actor } = {}): Evidence {
  return { ...base(options, '2026-11-26'), kind: 'consent_withdrawn', by: options.by ?? PARENT };
}
