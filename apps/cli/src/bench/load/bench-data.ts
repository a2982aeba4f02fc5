import { generateDossier } from '@app/oso-dataset';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_HOST_SUFFIX, type StartedBenchBroker } from './bench-broker-process';

/**
 * The scenarios' data: dossier templates from our generator (placeholders for the pupil's BSN and the
 * sending school's BRIN, overwritten per upload) and the manifest (`load-tests/lib/manifest.ts`) that
 * tells a scenario where the broker is, who may call it and where the dossiers are.
 */

/** Placeholders the scenario overwrites: a BSN passing the elfproef, and a BRIN no bench school has. */
export const PLACEHOLDER_BSN = '999999990';
export const PLACEHOLDER_BRIN = '98ZQ';
const DOSSIER_DAY = '2024-06-14';
const INZAGE_DAY = '2024-06-10';

interface TemplateRecipe {
  name: string;
  profile: 'POVO' | 'VOVO';
  seed: number;
  attachments: { count: number; bytesEach: number };
  geboortedatum: string;
}

/**
 * `povo-170k` is bench:validate's dossier (15 attachments of 8 KiB, ≈170 KiB, like the official POVO
 * example): what the staging target is about. The others make the exchanges a mix of sizes and profiles.
 */
export const TEMPLATE_RECIPES: TemplateRecipe[] = [
  {
    name: 'povo-170k',
    profile: 'POVO',
    seed: 1,
    attachments: { count: 15, bytesEach: 8 * 1024 },
    geboortedatum: '2012-05-05',
  },
  {
    name: 'povo-small',
    profile: 'POVO',
    seed: 2,
    attachments: { count: 1, bytesEach: 1024 },
    geboortedatum: '2012-02-11',
  },
  {
    name: 'povo-700k',
    profile: 'POVO',
    seed: 3,
    attachments: { count: 4, bytesEach: 128 * 1024 },
    geboortedatum: '2011-11-23',
  },
  {
    name: 'vovo-170k',
    profile: 'VOVO',
    seed: 4,
    attachments: { count: 15, bytesEach: 8 * 1024 },
    geboortedatum: '2010-05-05',
  },
  {
    name: 'vovo-small',
    profile: 'VOVO',
    seed: 5,
    attachments: { count: 1, bytesEach: 1024 },
    geboortedatum: '2010-09-30',
  },
];

function offsetsOf(bytes: Buffer, text: string): number[] {
  const offsets: number[] = [];
  for (let at = bytes.indexOf(text); at >= 0; at = bytes.indexOf(text, at + 1)) offsets.push(at);
  return offsets;
}

export interface WrittenTemplate {
  name: string;
  profile: 'POVO' | 'VOVO';
  file: string;
  bytes: number;
  geboortedatum: string;
  inzageDate: string;
  bsnOffsets: number[];
  brinOffsets: number[];
}

export function writeTemplates(dir: string): WrittenTemplate[] {
  mkdirSync(dir, { recursive: true });
  return TEMPLATE_RECIPES.map((recipe) => {
    const { xml } = generateDossier({
      profile: recipe.profile,
      seed: recipe.seed,
      school: { brin: PLACEHOLDER_BRIN, vestiging: '00' },
      pupil: { bsn: PLACEHOLDER_BSN, geboortedatum: recipe.geboortedatum },
      attachments: recipe.attachments,
      date: DOSSIER_DAY,
      inzage: { datum: INZAGE_DAY, ...(recipe.profile === 'VOVO' ? { toestemming: 'Ja' as const } : {}) },
    });
    const bytes = Buffer.from(xml, 'utf8');
    const bsnOffsets = offsetsOf(bytes, PLACEHOLDER_BSN);
    const brinOffsets = offsetsOf(bytes, PLACEHOLDER_BRIN);
    if (bsnOffsets.length === 0 || brinOffsets.length === 0) {
      throw new Error(`template ${recipe.name}: the generator's dossier lacks the placeholders`);
    }
    const file = join(dir, `${recipe.name}.xml`);
    writeFileSync(file, bytes);
    return {
      name: recipe.name,
      profile: recipe.profile,
      file,
      bytes: bytes.length,
      geboortedatum: recipe.geboortedatum,
      inzageDate: INZAGE_DAY,
      bsnOffsets,
      brinOffsets,
    };
  });
}

/** Writes identity files, templates and `manifest.json` into `dir`; answers the manifest's path. */
export function writeManifest(dir: string, broker: StartedBenchBroker): string {
  const identities = join(dir, 'identities');
  mkdirSync(identities, { recursive: true, mode: 0o700 });
  const identity = (id: string, certificatePem: string, keyPem: string) => {
    const certFile = join(identities, `${id}.crt`);
    const keyFile = join(identities, `${id}.key`);
    writeFileSync(certFile, certificatePem);
    writeFileSync(keyFile, keyPem, { mode: 0o600 });
    return { id, host: `${id}.${BENCH_HOST_SUFFIX}`, certFile, keyFile };
  };
  const url = new URL(broker.baseUrl);
  const manifest = {
    port: Number(url.port),
    address: url.hostname,
    vendors: broker.vendors.map((vendor) => ({
      ...identity(vendor.id, vendor.certificatePem, vendor.keyPem),
      schools: vendor.schools.map((school) => ({ code: school.code, sector: school.sector })),
    })),
    auditor: identity(broker.auditor.name, broker.auditor.certificatePem, broker.auditor.keyPem),
    templates: writeTemplates(join(dir, 'dossiers')),
  };
  writeFileSync(join(dir, 'ca.crt'), broker.caPem);
  const path = join(dir, 'manifest.json');
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}
