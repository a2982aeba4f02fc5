import type { DemoScenario } from './demo-steps';
import { poToVoWithRemarks, pupilOf16ConsentsHerself, voToVoWithConsent } from './demo-released-scenarios';
import { consentRefused, consentWithdrawnBeforeRelease, retractedVersion } from './demo-held-back-scenarios';

/** A failed scenario N ends the demo with exit code SCENARIO_EXIT_BASE + N (11–16). */
export const SCENARIO_EXIT_BASE = 10;

/** The six exchanges of `npm run demo` (issue #11, item 8), in order; each checks its own outcome. */
export const DEMO_SCENARIOS: DemoScenario[] = [
  poToVoWithRemarks,
  voToVoWithConsent,
  consentRefused,
  consentWithdrawnBeforeRelease,
  pupilOf16ConsentsHerself,
  retractedVersion,
];
