import type { ExchangeRoute, ReceivingLevel } from './exchange-route';

/**
 * A release policy: which VO routes need the individual consent of the parents (or the pupil from 16). The
 * PO rules never ask consent and are not a policy choice. A policy never changes once a decision named it:
 * a change is a new version.
 */
export type ReleasePolicyId = 'consent-for-vo' | 'wvo-art-103b';

export interface ReleasePolicyRef {
  id: ReleasePolicyId;
  version: number;
}

export interface ReleasePolicy extends ReleasePolicyRef {
  title: string;
  /** VO routes released on inzage alone: the sending sector (as registered) and the receiving levels. */
  consentExemptions: readonly { sendingSector: 'VO'; receivingLevels: readonly ReceivingLevel[] }[];
}

export const RELEASE_POLICIES: readonly ReleasePolicy[] = [
  {
    id: 'consent-for-vo',
    version: 1,
    title: 'Consent for every VO sender: inzage, then consent for this version and this receiving school',
    consentExemptions: [],
  },
  {
    id: 'wvo-art-103b',
    version: 1,
    // Art. 103b WVO (2020) governs schools under the WVO; a VSO school (under the WEC) keeps asking consent.
    title: 'Art. 103b WVO: a VO school sends to VO or MBO after inzage, without individual consent',
    consentExemptions: [{ sendingSector: 'VO', receivingLevels: ['VO', 'MBO'] }],
  },
];

/** The policy of a school whose board chose none. */
export const DEFAULT_RELEASE_POLICY: ReleasePolicyRef = { id: 'consent-for-vo', version: 1 };

export function releasePolicy(ref: ReleasePolicyRef): ReleasePolicy | null {
  return RELEASE_POLICIES.find((policy) => policy.id === ref.id && policy.version === ref.version) ?? null;
}

/** Whether this route needs individual consent under this policy. */
export function consentRequired(policy: ReleasePolicy, route: ExchangeRoute): boolean {
  if (route.rules === 'PO') return false;
  return !policy.consentExemptions.some(
    (exemption) =>
      exemption.sendingSector === route.sendingSector &&
      exemption.receivingLevels.includes(route.receivingLevel),
  );
}
