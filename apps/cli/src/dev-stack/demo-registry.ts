import { certificateFacts } from '@app/pki/certificate-facts';
import { existsSync, readFileSync } from 'node:fs';
import { UNKNOWN_BEVOEGD_GEZAG } from '@app/registry/registry-rules';
import type { CliContext } from '../cli-context';

/**
 * The registry a newcomer gets from `npm start`: a primary school (BRIN 00YY, the sending school of the
 * PO→VO dossier `npm run demo` generates), a secondary school (01XZ00, the receiving school of every demo
 * exchange) and a second secondary school (02XZ00, the sending school of the VO→VO exchanges), each served
 * by its own vendor, all run by one school board (bevoegd gezag); an auditor of that board and a
 * supervisory auditor (the inspectorate).
 */
export const DEMO_REGISTRY = {
  vendors: [
    { id: 'demo-po-las', name: 'Demo LAS primair onderwijs', school: '00YY00' },
    { id: 'demo-vo-las', name: 'Demo LAS voortgezet onderwijs', school: '01XZ00' },
    { id: 'demo-vo2-las', name: 'Demo LAS voortgezet onderwijs 2', school: '02XZ00' },
  ],
  /** The demo school board (bevoegd gezag): a made-up DUO number. */
  bevoegdGezag: '41999',
  schools: [
    { code: '00YY00', name: 'Testschool (demo, PO)', sector: 'PO' },
    { code: '01XZ00', name: 'Demo College (demo, VO)', sector: 'VO' },
    { code: '02XZ00', name: 'Demo Lyceum (demo, VO)', sector: 'VO' },
  ],
  /** The board's privacy officer: sees the two demo schools. */
  auditor: 'demo-auditor',
  /** The inspectorate: sees every school. */
  supervisoryAuditor: 'demo-inspectorate',
} as const;

export interface DemoClient {
  label: string;
  certificateFile: string;
  keyFile: string;
}

/** Seeds the demo registry when the registry is empty, and (re)issues demo certificates that are unusable. */
export async function ensureDemoRegistry(
  context: CliContext,
  log: (line: string) => void,
): Promise<DemoClient[]> {
  const { registry, pki } = context;
  if (await registry.isEmpty()) {
    for (const school of DEMO_REGISTRY.schools) {
      await registry.addSchool({ ...school, bevoegdGezag: DEMO_REGISTRY.bevoegdGezag });
    }
    for (const vendor of DEMO_REGISTRY.vendors) {
      await registry.addVendor(vendor);
      await registry.grantMandate({ schoolCode: vendor.school, vendorId: vendor.id });
    }
    await registry.addAuditor({ name: DEMO_REGISTRY.auditor, boards: [DEMO_REGISTRY.bevoegdGezag] });
    await registry.addAuditor({ name: DEMO_REGISTRY.supervisoryAuditor, supervisory: true });
    log(
      `demo registry created: ${DEMO_REGISTRY.vendors.length} vendors, ${DEMO_REGISTRY.schools.length} schools of one school board, 2 auditors`,
    );
  } else {
    await completeDemoScopes(context, log);
  }

  const clients: DemoClient[] = [];
  const owners = [
    ...DEMO_REGISTRY.vendors.map((vendor) => ({
      owner: { kind: 'vendor', vendorId: vendor.id } as const,
      role: 'vendor' as const,
      id: vendor.id,
      label: `vendor ${vendor.id} (school ${vendor.school})`,
    })),
    ...[DEMO_REGISTRY.auditor, DEMO_REGISTRY.supervisoryAuditor].map((name) => ({
      owner: { kind: 'auditor', auditorName: name } as const,
      role: 'auditor' as const,
      id: name,
      label: `auditor ${name}`,
    })),
  ];
  for (const { owner, role, id, label } of owners) {
    const files = pki.store.clientFiles(role, id);
    if (!(await usable(context, files.certificateFile))) {
      const exists =
        owner.kind === 'vendor'
          ? await registry.findVendor(owner.vendorId).then(
              () => true,
              () => false,
            )
          : await registry.findAuditor(owner.auditorName).then(
              () => true,
              () => false,
            );
      // A registry someone changed by hand keeps its changes: only demo entries that exist get certificates.
      if (!exists) continue;
      await pki.issue(owner);
      log(`issued a certificate for ${label}`);
    }
    clients.push({ label, ...files });
  }
  return clients;
}

/** A demo certificate on disk is usable when the registry knows it, and it is neither revoked nor expired. */
async function usable(context: CliContext, certificateFile: string): Promise<boolean> {
  if (!existsSync(certificateFile)) return false;
  const facts = certificateFacts(readFileSync(certificateFile));
  const bound = await context.registry.findCertificate(facts.fingerprintSha256);
  return bound !== null && bound.revokedAt === null && bound.notAfter.getTime() > Date.now();
}

/**
 * A demo registry made before schools had a bevoegd gezag and auditors a scope (its database migrated
 * with placeholders): the demo entries still in that state get the demo board and scopes, and the
 * supervisory auditor is added. Entries someone changed by hand keep their changes.
 */
async function completeDemoScopes(context: CliContext, log: (line: string) => void): Promise<void> {
  const { registry } = context;
  const found = <T>(lookup: Promise<T>): Promise<T | null> => lookup.catch(() => null);
  const auditor = await found(registry.findAuditor(DEMO_REGISTRY.auditor));
  if (auditor === null) return; // not a demo registry
  for (const school of DEMO_REGISTRY.schools) {
    const existing = await found(registry.findSchool(school.code));
    if (existing?.bevoegdGezag === UNKNOWN_BEVOEGD_GEZAG) {
      await registry.changeSchool({ code: school.code, bevoegdGezag: DEMO_REGISTRY.bevoegdGezag });
      log(`demo school ${school.code} now belongs to school board ${DEMO_REGISTRY.bevoegdGezag}`);
    }
  }
  if (!auditor.supervisory && auditor.boards.length === 0) {
    await registry.changeAuditor({ name: auditor.name, boards: [DEMO_REGISTRY.bevoegdGezag] });
    log(`auditor ${auditor.name} now audits school board ${DEMO_REGISTRY.bevoegdGezag}`);
  }
  if ((await found(registry.findAuditor(DEMO_REGISTRY.supervisoryAuditor))) === null) {
    await registry.addAuditor({ name: DEMO_REGISTRY.supervisoryAuditor, supervisory: true });
    log(`supervisory auditor ${DEMO_REGISTRY.supervisoryAuditor} added`);
  }
  await addMissingDemoSchools(context, log);
}

/**
 * A demo registry made before the demo had a school or vendor it has now (the second secondary school
 * and its vendor came with the VO→VO exchanges): those are added with their mandate. A school or vendor
 * that exists keeps whatever it is now.
 */
async function addMissingDemoSchools(context: CliContext, log: (line: string) => void): Promise<void> {
  const { registry } = context;
  const found = <T>(lookup: Promise<T>): Promise<T | null> => lookup.catch(() => null);
  for (const school of DEMO_REGISTRY.schools) {
    if ((await found(registry.findSchool(school.code))) !== null) continue;
    await registry.addSchool({ ...school, bevoegdGezag: DEMO_REGISTRY.bevoegdGezag });
    log(`demo school ${school.code} added to school board ${DEMO_REGISTRY.bevoegdGezag}`);
  }
  for (const vendor of DEMO_REGISTRY.vendors) {
    if ((await found(registry.findVendor(vendor.id))) !== null) continue;
    await registry.addVendor(vendor);
    await registry.grantMandate({ schoolCode: vendor.school, vendorId: vendor.id });
    log(`demo vendor ${vendor.id} added, mandated by ${vendor.school}`);
  }
}
