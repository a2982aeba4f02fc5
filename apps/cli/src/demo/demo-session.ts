import { SignedClient, SignedClientResponse } from '@app/http-signing';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, say } from '../output';
import { DEMO_REGISTRY } from '../dev-stack/demo-registry';

/** One of the demo vendors, acting for its school. */
export interface DemoParty {
  id: string;
  school: string;
  client: SignedClient;
}

/** A broker answer as the demo reads it. */
export interface DemoAnswer {
  status: number;
  json: Record<string, unknown>;
  body: Buffer;
  /** One answer header, lower-case name (e.g. `x-dossier-version-hash`); '' when absent. */
  header(name: string): string;
  /** The exchange-log entries the step wrote (`X-Log-Entry`), in order. */
  logEntries: string[];
}

/** An exchange-log entry as the auditor's timeline gives it (the fields the demo prints and checks). */
export interface TimelineEntry {
  id: string;
  type: string;
  actor: { kind: string; id: string };
  details: Record<string, unknown>;
  integrity: string;
}

/** A scenario's expectation did not hold, or a step it needs was refused: the scenario fails. */
export class ScenarioFailure extends Error {}

/**
 * The demo's connections to the broker: each demo vendor and the demo auditor with their certificate from
 * the development PKI (mutual TLS), every request signed (RFC 9421) and every answer's signature checked.
 */
export class DemoSession {
  readonly parties: Record<'po' | 'vo' | 'vo2', DemoParty>;
  private readonly auditor: SignedClient;

  constructor(
    private readonly broker: string,
    pkiDir: string,
  ) {
    const [po, vo, vo2] = DEMO_REGISTRY.vendors;
    const party = (vendor: { id: string; school: string }): DemoParty => ({
      id: vendor.id,
      school: vendor.school,
      client: signedClient(pkiDir, 'vendors', vendor.id),
    });
    this.parties = { po: party(po), vo: party(vo), vo2: party(vo2) };
    this.auditor = signedClient(pkiDir, 'auditors', DEMO_REGISTRY.auditor);
  }

  close(): void {
    for (const party of Object.values(this.parties)) party.client.close();
    this.auditor.close();
  }

  /** One signed call, printed as `vendor: METHOD path → status` with the log entries it wrote. */
  async call(
    who: DemoParty,
    method: string,
    path: string,
    body?: unknown,
    options: { quiet?: boolean } = {},
  ): Promise<DemoAnswer> {
    const bytes =
      body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const contentType = Buffer.isBuffer(body) ? 'application/xml' : 'application/json';
    const response = await who.client.request(new URL(path, this.broker), {
      method,
      body: bytes,
      headers: bytes ? { 'content-type': contentType } : {},
    });
    const answer = answerOf(response);
    if (!options.quiet) {
      const signed = response.responseSignature ? ' (answer signed by the broker, verified)' : '';
      const entries = answer.logEntries.length ? `; log entries ${answer.logEntries.join(', ')}` : '';
      say(`     ${who.id}: ${method} ${path} → ${answer.status}${signed}${entries}`);
    }
    return answer;
  }

  /** The call, which must answer `status`; anything else fails the scenario with the broker's reason. */
  async must(
    status: number,
    what: string,
    who: DemoParty,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<DemoAnswer> {
    const answer = await this.call(who, method, path, body);
    if (answer.status !== status) {
      throw new ScenarioFailure(
        `${what} answered ${answer.status} (${String(answer.json.error)}: ${String(answer.json.message)}), not ${status}`,
      );
    }
    return answer;
  }

  /** The transfer's state as the receiver sees it, polled until it is one of `states` or time is up. */
  async stateOf(who: DemoParty, transferId: string, states: string[], waitSeconds: number): Promise<string> {
    const deadline = Date.now() + waitSeconds * 1000;
    for (let attempt = 0; ; attempt += 1) {
      const answer = await this.call(who, 'GET', `/v1/transfers/${transferId}`, undefined, {
        quiet: attempt > 0,
      });
      const state = String(answer.json.state);
      if (states.includes(state) || Date.now() > deadline) return state;
      await new Promise((done) => setTimeout(done, 500));
    }
  }

  /**
   * The transfer's exchange-log entries as the demo school board's auditor reads them (`GET
   * /v1/audit/transfers/{id}/timeline`, itself a logged query), printed one a line.
   */
  async timeline(transferId: string): Promise<TimelineEntry[]> {
    const path = `/v1/audit/transfers/${transferId}/timeline`;
    const response = await this.auditor.request(new URL(path, this.broker), { method: 'GET' });
    const answer = answerOf(response);
    if (answer.status !== 200) {
      throw new ScenarioFailure(
        `the auditor's timeline answered ${answer.status} (${String(answer.json.error)})`,
      );
    }
    const entries = answer.json.entries as TimelineEntry[];
    say(`     the exchange log of this transfer (${DEMO_REGISTRY.auditor}: GET ${path}):`);
    for (const entry of entries) {
      say(
        `       #${entry.id.padEnd(5)} ${entry.type.padEnd(20)} ${entryActor(entry).padEnd(14)} ${describeDetails(entry)}`.trimEnd(),
      );
    }
    return entries;
  }
}

/** Releases of a transfer counted from its exchange log: `state_changed` entries to `released`. */
export function releasesIn(entries: TimelineEntry[]): number {
  return entries.filter((entry) => entry.type === 'state_changed' && entry.details.to === 'released').length;
}

/** Whether the log shows the gate ever queued the transfer for release. */
export function everQueued(entries: TimelineEntry[]): boolean {
  return entries.some((entry) => entry.type === 'state_changed' && entry.details.to === 'release_queued');
}

function entryActor(entry: TimelineEntry): string {
  return entry.actor.kind === 'vendor' || entry.actor.kind === 'auditor' ? entry.actor.id : entry.actor.kind;
}

function describeDetails(entry: TimelineEntry): string {
  const { details } = entry;
  if (entry.type === 'state_changed') return `${String(details.from)} → ${String(details.to)}`;
  if (entry.type === 'gate_decided') {
    const reasons = Array.isArray(details.reasons) ? details.reasons.join(', ') : '';
    return `${String(details.outcome)} (${String(details.policy)} v${String(details.policyVersion)}): ${reasons}`;
  }
  return Object.entries(details)
    .filter(([key]) => !/id$/i.test(key))
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
}

function answerOf(response: SignedClientResponse): DemoAnswer {
  const type = String(response.headers['content-type'] ?? '');
  const json =
    type.includes('json') && response.body.length > 0
      ? (JSON.parse(response.body.toString('utf8')) as Record<string, unknown>)
      : {};
  const logHeader = response.headers['x-log-entry'];
  const logEntries = (Array.isArray(logHeader) ? logHeader.join(',') : String(logHeader ?? ''))
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const header = (name: string) => {
    const value = response.headers[name];
    return Array.isArray(value) ? value.join(', ') : String(value ?? '');
  };
  return { status: response.status, json, body: response.body, header, logEntries };
}

function signedClient(pkiDir: string, kind: 'vendors' | 'auditors', id: string): SignedClient {
  const file = (name: string) => {
    const path = join(pkiDir, name);
    if (!existsSync(path)) {
      throw new UsageError(
        `${path} is missing: start the broker once with npm start (oso up), which creates the demo's certificates`,
      );
    }
    return readFileSync(path);
  };
  return new SignedClient({
    certificatePem: file(`${kind}/${id}.crt`),
    keyPem: file(`${kind}/${id}.key`),
    caPem: file('ca.crt'),
    brokerCertificatePem: file('server.crt'),
  });
}

/** Whether a broker answers the first demo vendor at `broker` (it then needs no `oso up`). */
export async function brokerAnswers(broker: string, pkiDir: string): Promise<boolean> {
  if (!existsSync(join(pkiDir, 'vendors', `${DEMO_REGISTRY.vendors[0].id}.crt`))) return false;
  const client = signedClient(pkiDir, 'vendors', DEMO_REGISTRY.vendors[0].id);
  try {
    return (await client.request(new URL('/v1/whoami', broker))).status === 200;
  } catch {
    return false;
  } finally {
    client.close();
  }
}
