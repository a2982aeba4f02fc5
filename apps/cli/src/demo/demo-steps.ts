import { createHash } from 'node:crypto';
import { say } from '../output';
import type { DemoDossier, DemoPupil } from './demo-dossiers';
import { DemoAnswer, DemoParty, DemoSession, ScenarioFailure } from './demo-session';

/** What a scenario gets: the demo's connections, how long to wait for a release, scenario 1's dossier. */
export interface DemoRun {
  session: DemoSession;
  waitSeconds: number;
  /** Scenario 1's dossier: generated, or the file given with `--dossier`. */
  poToVo: DemoDossier;
}

export interface DemoScenario {
  title: string;
  run(demo: DemoRun, checks: Checks): Promise<void>;
}

/** The legal representative who receives the inzage and decides in the demo (a label, never a name). */
export const parent = { role: 'parent_with_gezag', ref: 'ouder-1' } as const;
/** A signed declaration as the evidence names it: the SHA-256 of the school's copy and its media type. */
export const declaration = (of: string) => ({ sha256: sha256(`demo: ${of}`), mediaType: 'application/pdf' });

/** The gate's decision as the evidence API answers it to the sender. */
export interface GateDecision {
  outcome: 'release' | 'wait' | 'block';
  policy: { id: string; version: number };
  reasons: Array<{ code: string; message: string }>;
}

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * What one scenario expects, checked as it goes: each check is printed, and the scenario fails when one
 * does not hold (it goes on, so the output shows everything that did and did not hold).
 */
export class Checks {
  private readonly failed: string[] = [];

  that(what: string, holds: boolean): boolean {
    say(`     ${holds ? '✓' : '✗'} ${what}`);
    if (!holds) this.failed.push(what);
    return holds;
  }

  /** Throws when any check failed, naming them. */
  settle(): void {
    if (this.failed.length) throw new ScenarioFailure(`did not hold: ${this.failed.join('; ')}`);
  }
}

/**
 * The receiving school asks the sending school for the pupil's dossier. A transfer an earlier demo run
 * left open for the same pupil and schools (`409 TRANSFER_ALREADY_OPEN`) is withdrawn first.
 */
export async function requestDossier(
  session: DemoSession,
  receiver: DemoParty,
  sender: DemoParty,
  pupil: DemoPupil,
): Promise<string> {
  say(`   ${receiver.school} (receiving) asks ${sender.school} (sending) for the pupil's dossier`);
  const request = { targetSchool: receiver.school, sourceSchool: sender.school, pupil, reason: 'overstap' };
  let answer = await session.call(receiver, 'POST', '/v1/transfers', request);
  if (answer.status === 409 && typeof answer.json.transferId === 'string') {
    say(`     an earlier demo left this pupil's transfer open: withdrawing it first`);
    await session.call(receiver, 'POST', `/v1/transfers/${answer.json.transferId}/withdrawal`);
    answer = await session.call(receiver, 'POST', '/v1/transfers', request);
  }
  if (answer.status !== 201) {
    throw new ScenarioFailure(
      `the request was refused: ${String(answer.json.error)}: ${String(answer.json.message)}`,
    );
  }
  say(`     transfer ${String(answer.json.id)}: ${String(answer.json.state)}`);
  return answer.json.id as string;
}

/** The sending school stages (klaarzetten) the dossier for the transfer; answers the version's hash. */
export async function stageDossier(
  session: DemoSession,
  sender: DemoParty,
  transferId: string,
  dossier: DemoDossier,
): Promise<string> {
  say(`   ${sender.school} stages the dossier for this transfer (${dossier.source})`);
  const staged = await session.must(
    201,
    'staging',
    sender,
    'PUT',
    `/v1/transfers/${transferId}/dossier`,
    dossier.bytes,
  );
  const version = staged.json.version as {
    version: number;
    profile: string;
    contentSha256: string;
    canonicalSha256: string;
  };
  say(
    `     version ${version.version} (${version.profile}), ${dossier.bytes.length} bytes, sha-256 ${version.contentSha256.slice(0, 16)}…, validated and stored encrypted`,
  );
  return version.canonicalSha256;
}

/** The sending school records one act (inzage, consent, withdrawal); prints the gate's decision and reasons. */
export async function recordEvidence(
  session: DemoSession,
  sender: DemoParty,
  transferId: string,
  act: Record<string, unknown>,
  says: string,
): Promise<{ decision: GateDecision; transferState: string; record: Record<string, unknown> }> {
  say(`   ${sender.school} records: ${says}`);
  const answer = await session.must(
    201,
    `recording ${String(act.kind)}`,
    sender,
    'POST',
    `/v1/transfers/${transferId}/evidence`,
    act,
  );
  const decision = answer.json.decision as GateDecision;
  printDecision(decision, String(answer.json.transferState));
  return {
    decision,
    transferState: String(answer.json.transferState),
    record: answer.json.record as Record<string, unknown>,
  };
}

function printDecision(decision: GateDecision, state: string): void {
  say(
    `     the gate: ${decision.outcome} (policy ${decision.policy.id} v${decision.policy.version}) → ${state}`,
  );
  for (const reason of decision.reasons) say(`       - ${reason.code}: ${reason.message}`);
}

/** What the receiving school may see of the gate: the outcome and general reasons, no people. */
export async function receiverSees(
  session: DemoSession,
  receiver: DemoParty,
  transferId: string,
): Promise<GateDecision | null> {
  const answer = await session.must(
    200,
    'the receiver’s evidence view',
    receiver,
    'GET',
    `/v1/transfers/${transferId}/evidence`,
  );
  const decision = answer.json.decision as GateDecision | null;
  say(
    `     the receiving school sees: ${decision ? `${decision.outcome}, ${decision.reasons.map((reason) => reason.code).join(', ')}` : 'no decision yet'} (never who acted)`,
  );
  return decision;
}

/** Waits (up to `waitSeconds`) for the release worker to release the transfer; answers the state. */
export async function awaitRelease(
  session: DemoSession,
  receiver: DemoParty,
  transferId: string,
  waitSeconds: number,
): Promise<string> {
  say(`   the release worker releases it (waiting up to ${waitSeconds} s)`);
  const state = await session.stateOf(receiver, transferId, ['released', 'received'], waitSeconds);
  say(`     state: ${state}`);
  return state;
}

/** The receiver fetches the dossier and confirms receipt; answers the bytes it got. */
export async function fetchAndConfirm(
  session: DemoSession,
  receiver: DemoParty,
  transferId: string,
  staged: Buffer,
): Promise<Buffer> {
  say(`   ${receiver.school} fetches the dossier and confirms receipt`);
  const fetched = await session.must(
    200,
    'the fetch',
    receiver,
    'GET',
    `/v1/transfers/${transferId}/dossier`,
  );
  say(
    `     ${fetched.body.length} bytes, sha-256 ${sha256(fetched.body).slice(0, 16)}… (staged: ${sha256(staged).slice(0, 16)}…)`,
  );
  await session.must(200, 'the receipt', receiver, 'POST', `/v1/transfers/${transferId}/receipt`);
  return fetched.body;
}

/** A fetch that must be refused: answers the refusal's code (or null when it was not refused). */
export async function fetchRefused(
  session: DemoSession,
  receiver: DemoParty,
  transferId: string,
): Promise<string | null> {
  const answer: DemoAnswer = await session.call(receiver, 'GET', `/v1/transfers/${transferId}/dossier`);
  return answer.status >= 400 ? String(answer.json.error) : null;
}
