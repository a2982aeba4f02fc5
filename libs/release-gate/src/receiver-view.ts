import type { ReleaseDecision, ReleaseOutcome } from './decide-release';
import type { ReleasePolicyRef } from './release-policy';
import { RECEIVER_MESSAGES, receiverReasonOf, type ReceiverReasonCode } from './release-reasons';

export interface ReceiverView {
  outcome: ReleaseOutcome;
  policy: ReleasePolicyRef;
  reasons: { code: ReceiverReasonCode; message: string }[];
}

/** What the receiving school may see of a decision: its state and general reasons, no people, no evidence. */
export function receiverView(decision: ReleaseDecision): ReceiverView {
  const codes = new Set<ReceiverReasonCode>();
  if (decision.outcome === 'release') codes.add('released');
  else {
    for (const reason of decision.reasons) {
      const code = receiverReasonOf(reason.code);
      if (code) codes.add(code);
    }
  }
  return {
    outcome: decision.outcome,
    policy: decision.policy,
    reasons: [...codes].sort().map((code) => ({ code, message: RECEIVER_MESSAGES[code] })),
  };
}
