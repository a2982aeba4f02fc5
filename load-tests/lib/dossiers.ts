import { manifest } from './broker.ts';
import type { ManifestTemplate } from './manifest.ts';

/**
 * Real dossiers from our generator (`oso generate`), pre-generated as templates (`npm run bench` writes
 * them with the manifest): each upload is a template's bytes with the pupil's BSN and the sending school's
 * BRIN overwritten in place (same length, so nothing is re-encoded), so every pupil is unique where a
 * scenario needs it and the broker still validates a complete, valid dossier.
 */
interface LoadedTemplate extends ManifestTemplate {
  content: Uint8Array;
}

const templates = new Map<string, LoadedTemplate>(
  manifest.templates.map((template) => [
    template.name,
    { ...template, content: new Uint8Array(open(template.file, 'b')) },
  ]),
);

export function template(name: string): LoadedTemplate {
  const found = templates.get(name);
  if (!found) throw new Error(`no dossier template "${name}" in the manifest`);
  return found;
}

export function templatesOf(profile: 'POVO' | 'VOVO'): LoadedTemplate[] {
  return [...templates.values()].filter((entry) => entry.profile === profile);
}

function weightedHead(head: string): number {
  let sum = 0;
  for (let index = 0; index < 8; index++) sum += Number(head[index]) * (9 - index);
  return sum;
}

/** A BSN passing the elfproef for an 8-digit head, or null when its check digit would be 10. */
export function bsnFor(head: string): string | null {
  const check = weightedHead(head) % 11;
  return check === 10 ? null : `${head}${check}`;
}

/**
 * This run's digit (RUN_TAG: the Node runner gives each scenario of a run its own; k6 users: `-e
 * RUN_TAG=$RANDOM`), so scenarios and reruns on one broker meet new pupils: 9 digits × 1000 VUs × 10,000.
 */
const runDigit = 1 + (Number(__ENV.RUN_TAG || Math.floor(Date.now() / 1000)) % 9);
let counter = 0;

/** A pupil no other VU and no other iteration of this run uses: run digit, VU, a counter. */
export function nextPupilBsn(): string {
  for (;;) {
    counter += 1;
    const head = `${runDigit}${String(__VU % 1000).padStart(3, '0')}${String(counter % 10000).padStart(4, '0')}`;
    const bsn = bsnFor(head);
    if (bsn !== null) return bsn;
  }
}

/** The one pupil every VU of this run shares (the same-pupil scenario). */
export function sharedPupilBsn(): string {
  for (let tail = 0; ; tail++) {
    const bsn = bsnFor(`${runDigit}999${String(tail).padStart(4, '0')}`);
    if (bsn !== null) return bsn;
  }
}

/** The template's bytes for this pupil and sending school (`schoolCode` = BRIN + vestiging 00). */
export function dossierFor(entry: LoadedTemplate, bsn: string, schoolCode: string): Uint8Array {
  const bytes = entry.content.slice();
  for (const offset of entry.bsnOffsets) {
    for (let index = 0; index < 9; index++) bytes[offset + index] = bsn.charCodeAt(index);
  }
  for (const offset of entry.brinOffsets) {
    for (let index = 0; index < 4; index++) bytes[offset + index] = schoolCode.charCodeAt(index);
  }
  return bytes;
}
