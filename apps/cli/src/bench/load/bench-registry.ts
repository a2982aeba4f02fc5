import type { Environment } from '@app/config';
import type { KeyAndCertificate } from '@app/pki/certificate-authority';
import { readFileSync } from 'node:fs';
import { openCliContext } from '../../cli-context';
import type { BenchAuditor, BenchSchool, BenchVendor, Sector } from './bench-broker';

/** How many school boards (bevoegd gezag) the schools are spread over: "a few", so board scopes differ. */
const BENCH_BOARDS = 4;
export const BENCH_SUPERVISORY_AUDITOR = 'bench-inspectorate';
/** Two capitals of a BRIN, then two digits: room for 67,600 schools. */
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const MAX_SCHOOLS = LETTERS.length * LETTERS.length * 100;

/** The k-th benchmark school's code: a valid BRIN (two digits, two capitals) with vestiging 00. */
export function benchSchoolCode(k: number): string {
  if (!Number.isInteger(k) || k < 0 || k >= MAX_SCHOOLS) {
    throw new Error(`a benchmark registry has at most ${MAX_SCHOOLS} schools`);
  }
  const digits = String(k % 100).padStart(2, '0');
  const pair = Math.floor(k / 100);
  return `${digits}${LETTERS[Math.floor(pair / LETTERS.length)]}${LETTERS[pair % LETTERS.length]}00`;
}

/** A 5-digit DUO-like board number; never `00000`, the registry's placeholder. */
function boardNumber(index: number): string {
  return `5${String(index + 1).padStart(4, '0')}`;
}

export function benchVendorId(index: number): string {
  return `bench-vendor-${String(index + 1).padStart(2, '0')}`;
}

export interface SeededRegistry {
  vendors: BenchVendor[];
  auditor: BenchAuditor;
}

/**
 * Creates the development PKI (CA, server certificate, broker client certificate, CRL) in `PKI_DIR`
 * and a registry of `vendors` × `schoolsPerVendor` schools: each vendor mandated (both sides) by its own
 * schools, PO and VO alternating, spread over a few boards; every vendor's webhook set (`webhooks`);
 * one supervisory auditor. Goes through the registry service, as an operator would, so the exchange log
 * holds the registry's history like a real broker's.
 */
export async function seedBenchRegistry(
  env: Environment,
  options: {
    vendors: number;
    schoolsPerVendor: number;
    /** Called once the CA exists (a receiver needs a certificate from it); answers each vendor's webhook. */
    webhooks: (ca: KeyAndCertificate) => Promise<(vendorId: string) => string>;
  },
  log: (line: string) => void,
): Promise<SeededRegistry> {
  const context = await openCliContext(env);
  try {
    await context.pki.init();
    const { registry, pki } = context;
    const webhookUrl = await options.webhooks(pki.store.readCa());
    const vendors: BenchVendor[] = [];
    let k = 0;
    for (let v = 0; v < options.vendors; v += 1) {
      const id = benchVendorId(v);
      await registry.addVendor({ id, name: `Benchmark LAS ${v + 1}` });
      await registry.setVendorWebhook({ id, url: webhookUrl(id) });
      const schools: BenchSchool[] = [];
      for (let s = 0; s < options.schoolsPerVendor; s += 1, k += 1) {
        const sector: Sector = (v + s) % 2 === 0 ? 'PO' : 'VO';
        const school = { code: benchSchoolCode(k), sector, bevoegdGezag: boardNumber(k % BENCH_BOARDS) };
        await registry.addSchool({ ...school, name: `Benchmark school ${k + 1} (${sector})` });
        await registry.grantMandate({ schoolCode: school.code, vendorId: id });
        schools.push(school);
      }
      const files = await pki.issue({ kind: 'vendor', vendorId: id });
      vendors.push({
        id,
        schools,
        certificatePem: readFileSync(files.certificateFile, 'utf8'),
        keyPem: readFileSync(files.keyFile, 'utf8'),
      });
      log(`vendor ${id}: ${schools.length} schools, certificate issued`);
    }
    await registry.addAuditor({ name: BENCH_SUPERVISORY_AUDITOR, supervisory: true });
    const files = await pki.issue({ kind: 'auditor', auditorName: BENCH_SUPERVISORY_AUDITOR });
    return {
      vendors,
      auditor: {
        name: BENCH_SUPERVISORY_AUDITOR,
        certificatePem: readFileSync(files.certificateFile, 'utf8'),
        keyPem: readFileSync(files.keyFile, 'utf8'),
      },
    };
  } finally {
    await context.close();
  }
}
