// @ts-check
/**
 * The auditor's page: browse and filter the exchange log, open a transfer's timeline, and see for every
 * entry whether it is in the broker's signed tree — checked here (verify.js), not taken from the broker.
 * Vanilla JS with // @ts-check (type-checked by `npm run build`); no inline script, so the CSP can say
 * `script-src 'self'`.
 */
import { openCheckpoint, parseVerifierKey, verifyEntry } from './verify.js';

/** @typedef {import('./verify.js').VerifierKey} VerifierKey */
/** @typedef {import('./verify.js').Checkpoint} Checkpoint */
/** @typedef {import('./verify.js').EntryVerdict} EntryVerdict */
/**
 * @typedef {{ id: string, leafIndex: number | null, at: string, type: string,
 *   actor: { kind: string, id: string, certificateFingerprint?: string },
 *   schools: { source?: string, target?: string, subject?: string }, transferId?: string,
 *   versionHash?: string, details: Record<string, unknown>, leaf: string,
 *   integrity: string, integrityProblem?: string, inclusionProof?: string[] }} EntryView
 * @typedef {{ treeSize: number, signedNote: string }} CheckpointAnswer
 */

const PINNED_KEY = 'oso-audit.pinned-log-key';
const PAGE_SIZE = 50;

/** Event types in words; the browser test checks every type of the log has its words here. */
const EVENT_WORDS = /** @type {const} */ ({
  request_created: 'Transfer requested',
  version_staged: 'Dossier version staged',
  request_matched: 'Request matched to a staged dossier',
  state_changed: 'Transfer state changed',
  state_reconciled: 'Restored transfer reconciled with its log after a restore (brought forward or held)',
  dossier_fetched: 'Dossier fetched by the receiving school',
  receipt_confirmed: 'Receipt confirmed',
  withdrawn: 'Request withdrawn',
  expired: 'Request expired',
  evidence_recorded: 'Evidence of inzage or consent recorded',
  gate_decided: 'Release gate decided',
  notification_delivered: 'Notification delivered to a vendor’s webhook',
  notification_dead_lettered: 'Notification given up after its last attempt',
  declaration_stored: 'Consent declaration document stored',
  version_retracted: 'Dossier version retracted by the sender',
  recall_issued: 'Recall notice issued for a released version',
  payload_purged: 'Dossier payload destroyed (retention)',
  metadata_deleted: 'Transfer metadata deleted (retention)',
  dossier_rendered: 'Dossier rendering read by the sending or receiving school',
  attachment_fetched: 'Attachment fetched on its own by the sending or receiving school',
  vendor_added: 'LAS vendor registered',
  vendor_changed: 'LAS vendor changed',
  school_added: 'School registered',
  school_changed: 'School changed',
  auditor_added: 'Auditor registered',
  auditor_changed: 'Auditor changed',
  mandate_granted: 'Mandate granted',
  mandate_revoked: 'Mandate revoked',
  certificate_issued: 'Certificate issued',
  certificate_revoked: 'Certificate revoked',
  crl_published: 'Revocation list published',
  board_instruction_recorded: 'Board instruction recorded',
  vault_key_rotated: 'Vault key rotated',
  auditor_query: 'Auditor query',
});

const ACTOR_WORDS = /** @type {Record<string, string>} */ ({
  vendor: 'LAS vendor',
  auditor: 'auditor',
  broker: 'the broker',
  operator: 'operator',
});

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** @template {HTMLElement} T @param {string} id @returns {T} */
function byId(id) {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`The page has no #${id}`);
  return /** @type {T} */ (element);
}

/** @param {string} tag @param {string} [text] @param {string} [className] */
function el(tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  if (className !== undefined) element.className = className;
  return element;
}

/** The broker answers errors as { error, message }; the message says what to do. */
class ApiError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** @param {string} path @returns {Promise<Response>} */
async function get(path) {
  const response = await fetch(path, { credentials: 'same-origin', cache: 'no-store' });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new ApiError(body.error ?? `HTTP_${response.status}`, body.message ?? response.statusText);
  }
  return response;
}

/** @param {unknown} error */
function showNotice(error) {
  const notice = byId('notice');
  notice.hidden = false;
  notice.textContent =
    error instanceof ApiError ? `${error.message} (${error.code})` : `Something went wrong: ${String(error)}`;
}

function clearNotice() {
  byId('notice').hidden = true;
}

// --- The log key: the broker's, or the one the auditor pinned ---------------------------------------------

/** @type {{ broker: VerifierKey | null, pinned: VerifierKey | null }} */
const keys = { broker: null, pinned: null };

/** The key checkpoints are checked with: the pinned one when there is one, else the broker's. */
function keyInUse() {
  return keys.pinned ?? keys.broker;
}

async function loadKeys() {
  keys.broker = await parseVerifierKey(await (await get('/audit/api/log-key')).text());
  const pinnedText = localStorage.getItem(PINNED_KEY);
  keys.pinned = null;
  if (pinnedText !== null) {
    try {
      keys.pinned = await parseVerifierKey(pinnedText);
    } catch (error) {
      showNotice(`the pinned key is unreadable (${String(error)}); pin it again`);
    }
  }
  showKeys();
}

function showKeys() {
  const shown = keyInUse();
  byId('key-name').textContent = shown?.name ?? '?';
  byId('key-id').textContent = shown?.keyId ?? '?';
  byId('key-fingerprint').textContent = shown?.fingerprint ?? '?';
  byId('key-pin-state').textContent = keys.pinned
    ? ' — pinned in this browser'
    : ' — as the broker presents it (not pinned)';
  const warning = byId('key-warning');
  const differs = keys.pinned !== null && keys.broker !== null && keys.pinned.text !== keys.broker.text;
  warning.hidden = !differs;
  if (differs && keys.broker && keys.pinned) {
    warning.textContent =
      `The broker presents another log key (${keys.broker.name}, key id ${keys.broker.keyId}, SHA-256 ` +
      `${keys.broker.fingerprint}) than the one you pinned (key id ${keys.pinned.keyId}). Entries are checked ` +
      'with your pinned key. Ask the operator whether the key was rotated before trusting the new one.';
  }
}

/** @param {string} text */
async function pin(text) {
  try {
    const key = await parseVerifierKey(text);
    localStorage.setItem(PINNED_KEY, key.text);
    await refresh();
  } catch (error) {
    showNotice(error);
  }
}

// --- Checkpoints, opened once each ------------------------------------------------------------------------

/** @type {Map<string, Promise<Checkpoint>>} */
const openedCheckpoints = new Map();

/** @param {CheckpointAnswer | null} answer @returns {Promise<{ checkpoint: Checkpoint | null, problem?: string }>} */
async function checkedCheckpoint(answer) {
  const key = keyInUse();
  if (answer === null) return { checkpoint: null };
  if (key === null) return { checkpoint: null, problem: 'no log key to check the checkpoint with' };
  const cacheKey = `${key.text}\n${answer.signedNote}`;
  if (!openedCheckpoints.has(cacheKey))
    openedCheckpoints.set(cacheKey, openCheckpoint(answer.signedNote, key));
  try {
    const checkpoint = await /** @type {Promise<Checkpoint>} */ (openedCheckpoints.get(cacheKey));
    if (checkpoint.size !== answer.treeSize) {
      return {
        checkpoint: null,
        problem: `the broker says tree size ${answer.treeSize}, its signed checkpoint ${checkpoint.size}`,
      };
    }
    byId('checkpoint').textContent =
      `Signed checkpoint: ${checkpoint.size.toLocaleString()} entries, signature verified in this browser with ` +
      `${key.name} (key id ${key.keyId}).`;
    return { checkpoint };
  } catch (error) {
    return { checkpoint: null, problem: error instanceof Error ? error.message : String(error) };
  }
}

// --- Rendering an entry -----------------------------------------------------------------------------------

/**
 * What a row shows comes from the leaf itself (the bytes that were verified), not from the broker's
 * separate fields, so a verified mark vouches for exactly what is on screen.
 * @param {EntryView} view
 */
function shownEntry(view) {
  try {
    const leaf = JSON.parse(view.leaf);
    if (leaf !== null && typeof leaf === 'object') {
      return {
        id: String(leaf.id),
        at: String(leaf.at),
        type: String(leaf.type),
        actor: {
          kind: String(leaf.actor?.kind),
          id: String(leaf.actor?.id),
          fingerprint: leaf.actor?.fingerprint,
        },
        schools: /** @type {Record<string, string>} */ (leaf.schools ?? {}),
        transferId: /** @type {string | undefined} */ (leaf.transferId),
        details: /** @type {Record<string, unknown>} */ (leaf.details ?? {}),
      };
    }
  } catch {
    // Falls through: the broker's fields are shown, and the leaf will not verify.
  }
  return {
    id: view.id,
    at: view.at,
    type: view.type,
    actor: { kind: view.actor.kind, id: view.actor.id, fingerprint: view.actor.certificateFingerprint },
    schools: /** @type {Record<string, string>} */ (view.schools),
    transferId: view.transferId,
    details: view.details,
  };
}

/** @param {string} at */
function readableTime(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : dateFormat.format(date);
}

/** @param {Record<string, string>} schools */
function readableSchools(schools) {
  const parts = [];
  if (schools.source) parts.push(`from ${schools.source}`);
  if (schools.target) parts.push(`to ${schools.target}`);
  if (schools.subject) parts.push(schools.subject);
  return parts.join(' ');
}

/** @param {Record<string, unknown>} details */
function readableDetails(details) {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') || '—' : String(value)}`)
    .join('; ');
}

/**
 * @param {EntryView} view
 * @param {EntryVerdict} verdict
 * @param {boolean} withTimelineLinks
 */
function entryRow(view, verdict, withTimelineLinks) {
  const entry = shownEntry(view);
  const row = document.createElement('tr');
  row.dataset.entryId = view.id;
  row.dataset.leafIndex = view.leafIndex === null ? '' : String(view.leafIndex);
  row.dataset.verdict = verdict.state;
  const time = el('td');
  const timeElement = el('time', readableTime(entry.at));
  timeElement.setAttribute('datetime', entry.at);
  time.append(timeElement);
  row.append(time);
  const words = /** @type {Record<string, string>} */ (EVENT_WORDS)[entry.type];
  const event = el('td', words ?? entry.type);
  event.title = entry.type;
  row.append(event);
  const actorWords = ACTOR_WORDS[entry.actor.kind] ?? entry.actor.kind;
  const actor = el(
    'td',
    entry.actor.id === entry.actor.kind ? actorWords : `${actorWords} ${entry.actor.id}`,
  );
  if (entry.actor.fingerprint) actor.title = `certificate SHA-256 ${entry.actor.fingerprint}`;
  row.append(actor);
  row.append(el('td', readableSchools(entry.schools)));
  const transfer = el('td');
  if (entry.transferId && withTimelineLinks) {
    const link = /** @type {HTMLButtonElement} */ (
      el('button', entry.transferId.slice(0, 8) + '…', 'link timeline-link')
    );
    link.type = 'button';
    link.title = `Open the timeline of transfer ${entry.transferId}`;
    link.dataset.transfer = entry.transferId;
    transfer.append(link);
  } else if (entry.transferId) {
    transfer.append(el('code', entry.transferId.slice(0, 8) + '…'));
  }
  row.append(transfer);
  row.append(el('td', readableDetails(entry.details), 'details'));
  row.append(el('td', `#${view.id}${view.leafIndex === null ? '' : `, leaf ${view.leafIndex}`}`));
  row.append(verdictCell(view, verdict));
  return row;
}

/** @param {EntryView} view @param {EntryVerdict} verdict */
function verdictCell(view, verdict) {
  const cell = el('td', undefined, 'verdict');
  if (verdict.state === 'verified') {
    cell.append(el('span', '✓ verified', 'mark-verified'));
    cell.title = `Leaf ${view.leafIndex} is in the signed tree: hashed and proven in this browser.`;
  } else if (verdict.state === 'pending') {
    cell.append(el('span', '… pending', 'mark-pending'));
    cell.title = verdict.why;
  } else {
    const where = view.leafIndex === null ? '' : `, leaf ${view.leafIndex}`;
    cell.textContent = `✗ Does not verify: entry ${view.id}${where}: ${verdict.why}.`;
  }
  return cell;
}

/**
 * @param {EntryView[]} entries
 * @param {CheckpointAnswer | null} answer
 * @returns {Promise<EntryVerdict[]>}
 */
async function verdictsOf(entries, answer) {
  const { checkpoint, problem } = await checkedCheckpoint(answer);
  if (problem !== undefined) {
    return entries.map(() => ({ state: 'failed', why: `the checkpoint does not verify: ${problem}` }));
  }
  return Promise.all(entries.map((entry) => verifyEntry(entry, checkpoint)));
}

/** @param {EntryVerdict[]} verdicts @param {string} what */
function tally(verdicts, what) {
  const count = (/** @type {string} */ state) => verdicts.filter((v) => v.state === state).length;
  const failed = count('failed');
  return (
    `${verdicts.length} ${what}: ${count('verified')} verified, ${count('pending')} not yet checkpointed` +
    (failed > 0 ? `, ${failed} DO NOT VERIFY` : ', none failing')
  );
}

// --- The list ---------------------------------------------------------------------------------------------

/** @type {{ query: URLSearchParams, cursor: string | null, verdicts: EntryVerdict[] }} */
const list = { query: new URLSearchParams(), cursor: null, verdicts: [] };

function filtersFromForm() {
  const form = /** @type {HTMLFormElement} */ (byId('filters'));
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    const text = String(value).trim();
    if (text === '') continue;
    // datetime-local is the auditor's local time; the broker takes ISO 8601 instants.
    query.set(name, name === 'from' || name === 'to' ? new Date(text).toISOString() : text);
  }
  return query;
}

/** @param {boolean} more */
async function loadEntries(more) {
  const query = new URLSearchParams(list.query);
  query.set('limit', String(PAGE_SIZE));
  if (more && list.cursor !== null) query.set('cursor', list.cursor);
  const tbody = /** @type {HTMLTableSectionElement} */ (byId('entries').querySelector('tbody'));
  if (!more) {
    tbody.replaceChildren();
    list.verdicts = [];
  }
  byId('summary').textContent = 'Loading…';
  const page = await (await get(`/audit/api/entries?${query}`)).json();
  const verdicts = await verdictsOf(page.entries, page.checkpoint);
  page.entries.forEach((/** @type {EntryView} */ entry, /** @type {number} */ i) =>
    tbody.append(entryRow(entry, verdicts[i], true)),
  );
  list.verdicts.push(...verdicts);
  list.cursor = page.nextCursor;
  byId('more').hidden = page.nextCursor === null;
  byId('summary').textContent =
    list.verdicts.length === 0
      ? 'No entries match.'
      : `${tally(list.verdicts, 'entries shown')}, newest first.`;
}

// --- A transfer's timeline --------------------------------------------------------------------------------

/** @param {string} transferId */
async function openTimeline(transferId) {
  clearNotice();
  const timeline = await (
    await get(`/audit/api/transfers/${encodeURIComponent(transferId)}/timeline`)
  ).json();
  const verdicts = await verdictsOf(timeline.entries, timeline.checkpoint);
  byId('timeline-id').textContent = timeline.transferId;
  const tbody = /** @type {HTMLTableSectionElement} */ (byId('timeline').querySelector('tbody'));
  tbody.replaceChildren(
    ...timeline.entries.map((/** @type {EntryView} */ entry, /** @type {number} */ i) =>
      entryRow(entry, verdicts[i], false),
    ),
  );
  byId('timeline-summary').textContent = `${tally(verdicts, 'steps')}, oldest first.`;
  byId('list-view').hidden = true;
  byId('timeline-view').hidden = false;
}

function closeTimeline() {
  byId('timeline-view').hidden = true;
  byId('list-view').hidden = false;
}

// --- The whole tree, checked by the server ----------------------------------------------------------------

async function loadIntegrity() {
  const banner = byId('integrity');
  banner.className = 'banner';
  banner.textContent = 'Checking the whole log…';
  const integrity = await (await get('/audit/api/integrity')).json();
  // The server re-hashes at most once per few minutes and shares the answer, so say when and against what.
  const checked = `at ${readableTime(integrity.checkedAt)}, against its signed checkpoint of ${integrity.treeSize.toLocaleString()} entries`;
  if (integrity.ok) {
    banner.className = 'banner ok';
    banner.textContent =
      `The broker re-hashed the whole log ${checked}: it matches. ` +
      'A change made since shows at the next check; each entry below is checked in this browser now.';
  } else {
    const problem = integrity.firstProblem;
    // A negative leaf: only the root fails (entries and their stored leaf hashes were both rewritten), so
    // no single leaf can be named; the entries' own marks below still show which rows changed.
    const where =
      problem === undefined || problem.leafIndex < 0
        ? 'no single leaf to name'
        : `leaf ${problem.leafIndex}, ${problem.entryId ? `entry ${problem.entryId}` : 'its entry is missing'}`;
    banner.className = 'banner bad';
    banner.textContent =
      `THE LOG DOES NOT MATCH ITS SIGNED CHECKPOINT (checked ${checked}): ${where}: ` +
      `${problem?.problem ?? 'no detail given'}. ` +
      "Report this to the broker's operator and your supervisor.";
  }
}

async function refresh() {
  clearNotice();
  openedCheckpoints.clear();
  await loadKeys();
  await Promise.all([loadEntries(false), loadIntegrity()]);
}

/** @param {() => Promise<void>} action */
function guarded(action) {
  return () => {
    action().catch(showNotice);
  };
}

function start() {
  const typeFilter = byId('type-filter');
  for (const [type, words] of Object.entries(EVENT_WORDS)) {
    const option = el('option', words);
    option.setAttribute('value', type);
    typeFilter.append(option);
  }
  byId('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    list.query = filtersFromForm();
    guarded(() => loadEntries(false))();
  });
  byId('filters').addEventListener('reset', () => {
    list.query = new URLSearchParams();
    guarded(() => loadEntries(false))();
  });
  byId('more').addEventListener(
    'click',
    guarded(() => loadEntries(true)),
  );
  byId('entries').addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const transferId = target.closest('button.timeline-link')?.getAttribute('data-transfer');
    if (transferId) guarded(() => openTimeline(transferId))();
  });
  byId('back').addEventListener('click', closeTimeline);
  byId('pin-pasted').addEventListener('click', () => {
    void pin(/** @type {HTMLTextAreaElement} */ (byId('pin-text')).value);
  });
  byId('pin-current').addEventListener('click', () => {
    if (keys.broker) void pin(keys.broker.text);
  });
  byId('unpin').addEventListener('click', () => {
    localStorage.removeItem(PINNED_KEY);
    guarded(refresh)();
  });
  guarded(refresh)();
}

start();
