import { createHash } from 'node:crypto';
import { SeasonBroker, SeasonClients, StepFailure } from './season-client';
import { SEASON_DAYS, SeasonDossiers } from './season-dossiers';
import { PupilPlan, SeasonPlan } from './season-plan';
import { SeasonStep, StepLatencies, newStepTable } from './season-stats';

/**
 * The season's driver: pupils go through request → staging → inzage (→ consent) with bounded
 * concurrency; each receiving vendor polls its inbox (`GET /v1/transfers?role=target&state=released`)
 * and fetches and confirms what was released. Per pupil only what the checks need is kept (the transfer
 * id, and until its receipt the SHA-256 of what was staged), never a payload.
 */

export interface SeasonDriverOptions {
  /** Pupils moving through request/staging/evidence at once. */
  concurrency: number;
  /** Fetch + receipt in flight at once (all receiving vendors together). */
  fetchConcurrency: number;
  /** No new pupil starts after this; the run ends `graceMs` later whatever is still open. */
  deadline: number;
  graceMs: number;
  /** Released-but-not-fetched transfers tolerated before new pupils wait (memory and backlog bound). */
  maxAwaiting: number;
  progress: (line: string) => void;
  progressEveryMs: number;
  /** Where this run's BSNs start (8 digits). */
  firstBsnHead: number;
  /** The vendors' clients (default: `SeasonClients`); the soak's also retry connection errors (#14). */
  clients?: SeasonCalls;
}

/** What the driver needs of the vendors' clients. */
export type SeasonCalls = Pick<SeasonClients, 'call' | 'close'>;

export interface SeasonOutcome {
  started: number;
  /** Pupils whose dossier was fetched, byte-identical, and receipted. */
  completed: number;
  /** Transfers the driver made eligible (the last act of the gate answered 201 with `release`). */
  eligible: Set<string>;
  withheld: Set<string>;
  /** Fetched bytes that differ from what was staged. */
  mismatched: number;
  /** Eligible transfers not fetched and receipted when the run ended. */
  unfinished: number;
  /** Pupils that failed, by `step: status code`. */
  failures: Map<string, number>;
  /** The gate answered something else than the route expects (e.g. `wait` after the consent). */
  unexpectedDecisions: number;
  steps: Record<SeasonStep, StepLatencies>;
  wallSeconds: number;
  timedOut: boolean;
}

/** A transfer waiting for its release: who receives it and the SHA-256 of the bytes staged. */
interface Awaiting {
  receiver: number;
  sha256: string;
  eligibleAt: number;
}

const INBOX_PAGE = 200;
/**
 * How long a receiving vendor waits between inbox polls that brought less than a page: a poll costs as
 * much as a pupil's step, so eight vendors polling every 250 ms cost 3 polls per pupil at low rates.
 */
const INBOX_IDLE_MS = 1_000;
/** How often idle loops look again (producers waiting for the backlog, fetchers for work). */
const IDLE_CHECK_MS = 20;
const parent = { role: 'parent_with_gezag', ref: 'ouder-1' } as const;
const pupilSelf = { role: 'pupil' } as const;

export async function driveSeason(
  broker: SeasonBroker,
  plan: SeasonPlan,
  options: SeasonDriverOptions,
): Promise<SeasonOutcome> {
  const clients = options.clients ?? new SeasonClients(broker);
  const dossiers = new SeasonDossiers(options.firstBsnHead);
  const steps = newStepTable();
  const outcome: SeasonOutcome = {
    started: 0,
    completed: 0,
    eligible: new Set(),
    withheld: new Set(),
    mismatched: 0,
    unfinished: 0,
    failures: new Map(),
    unexpectedDecisions: 0,
    steps,
    wallSeconds: 0,
    timedOut: false,
  };
  const awaiting = new Map<string, Awaiting>();
  const fetching = new Set<string>();
  const fetchQueue: string[] = [];
  let inFlight = 0;
  let next = 0;
  let producing = true;
  const started = Date.now();
  const fail = (error: unknown) => {
    const key = error instanceof StepFailure ? error.message : `driver: ${(error as Error).name}`;
    outcome.failures.set(key, (outcome.failures.get(key) ?? 0) + 1);
  };
  const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

  const movePupil = async (pupil: PupilPlan) => {
    const dossier = dossiers.forPupil(pupil.route, pupil.size, pupil.source.school);
    const requested = await clients.call(
      'request',
      steps.request,
      pupil.target.vendor,
      'POST',
      '/v1/transfers',
      201,
      {
        targetSchool: pupil.target.school,
        sourceSchool: pupil.source.school,
        pupil: dossier.pupil,
        reason: 'overstap',
      },
    );
    const id = String(requested.json.id);
    const staged = await clients.call(
      'stage',
      steps.stage,
      pupil.source.vendor,
      'PUT',
      `/v1/transfers/${id}/dossier`,
      201,
      dossier.bytes,
    );
    const versionHash = (staged.json.version as { canonicalSha256: string }).canonicalSha256;
    if (pupil.withheld) {
      outcome.withheld.add(id);
      return;
    }
    const base = { versionHash, receivingSchool: pupil.target.school };
    const evidence = (step: SeasonStep, act: object) =>
      clients.call(step, steps[step], pupil.source.vendor, 'POST', `/v1/transfers/${id}/evidence`, 201, {
        ...base,
        ...act,
      });
    const inzage = await evidence('inzage', {
      kind: 'inzage',
      date: SEASON_DAYS.inzage,
      givenTo: pupil.route === 'vo-vo-16' ? pupilSelf : parent,
      how: 'letter',
    });
    let decision = inzage.json.decision as { outcome: string };
    if (pupil.route !== 'po-vo') {
      if (decision.outcome !== 'wait') outcome.unexpectedDecisions += 1;
      const consent = await evidence(
        'consent',
        pupil.route === 'vo-vo-16'
          ? {
              kind: 'consent',
              decision: 'granted',
              by: pupilSelf,
              form: 'digital_confirmation',
              date: SEASON_DAYS.consent,
            }
          : {
              kind: 'consent',
              decision: 'granted',
              by: parent,
              form: 'signed_declaration',
              date: SEASON_DAYS.consent,
              declaration: { sha256: sha256(`consent ${id}`), mediaType: 'application/pdf' },
            },
      );
      decision = consent.json.decision as { outcome: string };
    }
    if (decision.outcome !== 'release') {
      outcome.unexpectedDecisions += 1;
      return;
    }
    outcome.eligible.add(id);
    awaiting.set(id, {
      receiver: pupil.target.vendor,
      sha256: sha256(dossier.bytes),
      eligibleAt: performance.now(),
    });
  };

  const producer = async () => {
    while (producing && next < plan.pupilCount) {
      if (Date.now() >= options.deadline) {
        outcome.timedOut = true;
        break;
      }
      if (awaiting.size >= options.maxAwaiting) {
        await pause(IDLE_CHECK_MS * 10);
        continue;
      }
      const pupil = plan.pupil(next++);
      outcome.started += 1;
      inFlight += 1;
      try {
        await movePupil(pupil);
      } catch (error) {
        fail(error);
      } finally {
        inFlight -= 1;
      }
    }
  };

  const fetchOne = async (id: string) => {
    const entry = awaiting.get(id) as Awaiting;
    steps['release wait'].add(performance.now() - entry.eligibleAt);
    try {
      const fetched = await clients.call(
        'fetch',
        steps.fetch,
        entry.receiver,
        'GET',
        `/v1/transfers/${id}/dossier`,
        200,
      );
      if (sha256(fetched.body) !== entry.sha256) outcome.mismatched += 1;
      await clients.call(
        'receipt',
        steps.receipt,
        entry.receiver,
        'POST',
        `/v1/transfers/${id}/receipt`,
        200,
      );
      outcome.completed += 1;
    } catch (error) {
      fail(error);
    } finally {
      awaiting.delete(id);
      fetching.delete(id);
    }
  };

  const fetcher = async () => {
    while (producing || fetchQueue.length > 0 || awaiting.size > 0) {
      const id = fetchQueue.shift();
      if (id === undefined) {
        if (!producing && awaiting.size === fetching.size && fetching.size === 0) break;
        await pause(IDLE_CHECK_MS);
        continue;
      }
      await fetchOne(id);
    }
  };

  /** The receiving vendor's inbox: what was released to it, page by page, handed to the fetchers. */
  const inbox = async (vendor: number) => {
    while (producing || awaiting.size > 0) {
      const waitingHere = [...awaiting.values()].some((entry) => entry.receiver === vendor);
      if (!waitingHere) {
        await pause(INBOX_IDLE_MS);
        continue;
      }
      let fresh = 0;
      try {
        const page = await clients.call(
          'inbox poll',
          steps['inbox poll'],
          vendor,
          'GET',
          `/v1/transfers?role=target&state=released&limit=${INBOX_PAGE}`,
          200,
        );
        for (const item of (page.json.items as Array<{ id: string }>) ?? []) {
          if (!awaiting.has(item.id) || fetching.has(item.id)) continue;
          fetching.add(item.id);
          fetchQueue.push(item.id);
          fresh += 1;
        }
      } catch (error) {
        fail(error);
      }
      if (fresh < INBOX_PAGE) await pause(INBOX_IDLE_MS);
    }
  };

  let lastCompleted = 0;
  let lastAt = Date.now();
  const ticker = setInterval(() => {
    const now = Date.now();
    const rate = ((outcome.completed - lastCompleted) * 1000) / Math.max(1, now - lastAt);
    lastCompleted = outcome.completed;
    lastAt = now;
    const failed = [...outcome.failures.values()].reduce((sum, n) => sum + n, 0);
    options.progress(
      `  ${((now - started) / 1000).toFixed(0).padStart(5)} s  done ${outcome.completed}/${plan.pupilCount}` +
        `  moving ${inFlight}  awaiting release ${awaiting.size - fetching.size}  fetching ${fetching.size}` +
        `  withheld ${outcome.withheld.size}  failed ${failed}  ${rate.toFixed(1)} pupils/s`,
    );
  }, options.progressEveryMs);

  try {
    const producers = Array.from({ length: options.concurrency }, producer);
    const fetchers = Array.from({ length: options.fetchConcurrency }, fetcher);
    const inboxes = broker.vendors.map((_, index) => inbox(index));
    await Promise.all(producers);
    // Whatever is released still gets fetched, up to the grace period.
    const graceEnd = Math.max(Date.now(), options.deadline) + options.graceMs;
    while (awaiting.size > 0 && Date.now() < graceEnd) await pause(IDLE_CHECK_MS * 10);
    if (awaiting.size > 0) outcome.timedOut = true;
    outcome.unfinished = awaiting.size;
    producing = false;
    awaiting.clear();
    fetchQueue.length = 0;
    await Promise.all([...fetchers, ...inboxes]);
  } finally {
    clearInterval(ticker);
    clients.close();
  }
  outcome.wallSeconds = (Date.now() - started) / 1000;
  return outcome;
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
