import { SHORT_HASH_LENGTH } from '@app/dossier-rendering/rendering-choice';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { say } from '../output';
import { DemoAnswer, DemoParty, DemoSession, ScenarioFailure } from './demo-session';
import type { Checks } from './demo-steps';

/** The folder this demo run writes the renderings to, made (and printed) at the first one; kept to be read. */
let renderingsDir: string | null = null;

function renderingsFolder(): string {
  if (renderingsDir === null) {
    renderingsDir = mkdtempSync(join(tmpdir(), 'oso-demo-renderings-'));
    say(`     (the demo writes the renderings it fetches to ${renderingsDir})`);
  }
  return renderingsDir;
}

/** Whether an answer is the rendering of that version: the header names it, and so does every page. */
function namesVersion(answer: DemoAnswer, versionHash: string, format: 'html' | 'pdf'): boolean {
  if (answer.header('x-dossier-version-hash') !== versionHash) return false;
  if (format === 'pdf') return answer.body.subarray(0, 5).toString('latin1') === '%PDF-';
  return answer.body.toString('utf8').includes(versionHash.slice(0, SHORT_HASH_LENGTH));
}

async function fetchRendering(
  session: DemoSession,
  who: DemoParty,
  path: string,
  versionHash: string,
  fileStem: string,
): Promise<{ file: string; named: boolean }[]> {
  const results: { file: string; named: boolean }[] = [];
  for (const format of ['pdf', 'html'] as const) {
    const answer = await session.must(200, `the ${format} rendering`, who, 'GET', `${path}?format=${format}`);
    const file = join(renderingsFolder(), `${fileStem}.${format}`);
    writeFileSync(file, answer.body);
    results.push({ file, named: namesVersion(answer, versionHash, format) });
  }
  return results;
}

/**
 * The sending school's LAS fetches the readable rendering of the version it staged (PDF and HTML) for the
 * inzage conversation, before it records the inzage: what the parents see is the rendering of exactly the
 * version the evidence names. A rendering that does not name that version fails the scenario.
 */
export async function renderingForInzage(
  session: DemoSession,
  sender: DemoParty,
  transferId: string,
  versionHash: string,
): Promise<void> {
  say(`   ${sender.school} fetches the readable dossier of this version for the inzage conversation`);
  const short = versionHash.slice(0, SHORT_HASH_LENGTH);
  const fetched = await fetchRendering(
    session,
    sender,
    `/v1/dossiers/${versionHash}/rendering`,
    versionHash,
    `transfer-${transferId}-inzage-${short}`,
  );
  for (const { file, named } of fetched) {
    if (!named) throw new ScenarioFailure(`the rendering ${file} does not name version ${short}`);
    say(`     ${file} (every page names version ${short})`);
  }
}

/**
 * The receiving school's LAS fetches the rendering of the released version, for the mentor who reads what
 * arrived: the same version hash as the inzage evidence names.
 */
export async function receiverReadsRendering(
  session: DemoSession,
  checks: Checks,
  receiver: DemoParty,
  transferId: string,
  versionHash: string,
): Promise<void> {
  say(`   ${receiver.school} fetches the readable dossier of the released version for the mentor`);
  const short = versionHash.slice(0, SHORT_HASH_LENGTH);
  const fetched = await fetchRendering(
    session,
    receiver,
    `/v1/transfers/${transferId}/dossier/rendering`,
    versionHash,
    `transfer-${transferId}-received-${short}`,
  );
  for (const { file } of fetched) say(`     ${file}`);
  checks.that(
    `the receiving school reads the version the inzage named (${short}), in PDF and HTML`,
    fetched.every(({ named }) => named),
  );
}
