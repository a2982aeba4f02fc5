import type { SchoolSector } from '@app/registry';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { RunningBroker, startBroker } from './broker-fixture';
import { TEST_BOARD } from './school-boards';
import { createSuiteDatabase } from './suite-database';
import { ClientCredentials, TestPki } from './test-pki';
import { VendorClient } from './vendor-client';

/** The primary school of the generated POVO example (its <huidigeschool>), the usual sender. */
export const SOURCE_SCHOOL = '00YY00';
/** The secondary school the usual transfer goes to. */
export const TARGET_SCHOOL = '01XZ00';

export interface SchoolSetup {
  code: string;
  name: string;
  sector: SchoolSector;
  /** Bevoegd gezag; TEST_BOARD unless a test is about boards. */
  board?: string;
}

export interface VendorSetup {
  id: string;
  /** The vendor's registered name; its id unless a test reads the name back. */
  name?: string;
  /** Schools it may send for (source-side mandates). */
  sends?: string[];
  /** Schools it may receive for (target-side mandates). */
  receives?: string[];
  /** Schools it serves on both sides (a mandate without a side). */
  serves?: string[];
}

export interface AuditorSetup {
  name: string;
  boards?: string[];
  supervisory?: boolean;
}

export const PRIMARY_SCHOOL: SchoolSetup = { code: SOURCE_SCHOOL, name: 'Testschool', sector: 'PO' };
export const SECONDARY_SCHOOL: SchoolSetup = { code: TARGET_SCHOOL, name: 'Het College', sector: 'VO' };
/** The common case: a PO school sending to a VO school, both on the test board. */
export const TWO_SCHOOLS: readonly SchoolSetup[] = [PRIMARY_SCHOOL, SECONDARY_SCHOOL];

/** The common case: `po` sends for the PO school, `vo` receives for the VO school. */
export const TWO_VENDORS = {
  po: { id: 'po-las', sends: [SOURCE_SCHOOL] },
  vo: { id: 'vo-las', receives: [TARGET_SCHOOL] },
} satisfies Record<string, VendorSetup>;

/**
 * The common case at other school codes (a spec that takes its sender from a dossier): a PO school
 * `source` and a VO school `target`, `po` sending for the one and `vo` receiving for the other.
 */
export function schoolPair(source: string, target: string) {
  return {
    schools: [
      { ...PRIMARY_SCHOOL, code: source },
      { ...SECONDARY_SCHOOL, code: target },
    ],
    vendors: { po: { ...TWO_VENDORS.po, sends: [source] }, vo: { ...TWO_VENDORS.vo, receives: [target] } },
  };
}

export interface ExchangeOptions<V extends string, A extends string> {
  /** Names the suite's own database (suites run in parallel). */
  suite: string;
  schools?: readonly SchoolSetup[];
  /**
   * By the name the spec uses for each vendor's client. Two names may give one vendor id (two
   * certificates of one vendor): it is registered once, so give its mandates on one of them.
   */
  vendors?: Record<V, VendorSetup>;
  /** By the name the spec uses for each auditor's client. */
  auditors?: Record<A, AuditorSetup>;
  /** Laid over the broker's environment (limits, timers). */
  env?: Record<string, string>;
  /** Clients check the broker's own certificate too (for the broker's signatures on answers). */
  pinBrokerCertificate?: boolean;
  /**
   * Runs after the registry is filled, before certificates are issued and the broker starts (mandates
   * to revoke, database roles to create); may return environment to lay over the broker's.
   */
  beforeBroker?: (setup: {
    pki: TestPki;
    databaseUrl: string;
    database: Client;
  }) => Promise<Record<string, string> | void>;
}

export interface Exchange<C extends string = keyof typeof TWO_VENDORS> {
  broker: RunningBroker;
  pki: TestPki;
  databaseUrl: string;
  /** A connection as the database owner, for checking what was stored. */
  database: Client;
  /** Bound certificates, by client name (for raw TLS and for clients of one's own). */
  credentials: Record<C, ClientCredentials>;
  /** One signed client per vendor and auditor, by name; closed by close(). */
  clients: Record<C, VendorClient>;
  /** A fresh client for `name` (fresh connections); the caller closes it. */
  newClient(name: C): VendorClient;
  close(): Promise<void>;
}

/**
 * A suite database, a test PKI, schools on the test board, vendors with their mandates, auditors, the
 * real broker and a bound certificate and signed client for each vendor and auditor: the set-up every
 * exchange spec needs. Defaults are the common two schools and two vendors (`po`, `vo`).
 */
export async function startExchange<V extends string = keyof typeof TWO_VENDORS, A extends string = never>(
  options: ExchangeOptions<V, A>,
): Promise<Exchange<V | A>> {
  const schools = options.schools ?? TWO_SCHOOLS;
  const vendors = (options.vendors ?? TWO_VENDORS) as Record<V, VendorSetup>;
  const auditors = (options.auditors ?? {}) as Record<A, AuditorSetup>;
  // Undone in reverse if the set-up fails halfway, so a failed beforeAll leaves nothing running.
  const undo: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const step of undo.splice(0).reverse()) await step();
  };
  try {
    const databaseUrl = await createSuiteDatabase(options.suite);
    const database = new Client({ connectionString: databaseUrl });
    await database.connect();
    undo.push(() => database.end());
    const pki = await TestPki.create(databaseUrl);
    undo.push(() => pki.close());
    const registry = pki.registry;
    for (const school of schools) {
      const { code, name, sector, board = TEST_BOARD } = school;
      await registry.addSchool({ code, name, sector, bevoegdGezag: board });
    }
    const registered = new Set<string>();
    for (const vendor of Object.values<VendorSetup>(vendors)) {
      if (registered.has(vendor.id)) continue;
      registered.add(vendor.id);
      await registry.addVendor({ id: vendor.id, name: vendor.name ?? vendor.id });
    }
    for (const auditor of Object.values<AuditorSetup>(auditors)) await registry.addAuditor(auditor);
    for (const vendor of Object.values<VendorSetup>(vendors)) {
      const vendorId = vendor.id;
      for (const schoolCode of vendor.sends ?? [])
        await registry.grantMandate({ schoolCode, vendorId, side: 'source' });
      for (const schoolCode of vendor.receives ?? [])
        await registry.grantMandate({ schoolCode, vendorId, side: 'target' });
      for (const schoolCode of vendor.serves ?? []) await registry.grantMandate({ schoolCode, vendorId });
    }
    const extraEnv = (await options.beforeBroker?.({ pki, databaseUrl, database })) ?? {};

    const credentials = {} as Record<V | A, ClientCredentials>;
    for (const [name, vendor] of Object.entries<VendorSetup>(vendors))
      credentials[name as V] = await pki.issueBound({ kind: 'vendor', vendorId: vendor.id });
    for (const [name, auditor] of Object.entries<AuditorSetup>(auditors))
      credentials[name as A] = await pki.issueBound({ kind: 'auditor', auditorName: auditor.name });

    const broker = await startBroker({
      DATABASE_URL: databaseUrl,
      PKI_DIR: pki.dir,
      // The suite's own Redis prefix: rate-limit budgets are counted in Redis (#14), and suites of one
      // run must not spend each other's (vendor ids repeat across suites).
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'oso-test'}-${options.suite}`,
      ...options.env,
      ...extraEnv,
    });
    undo.push(() => broker.close());
    const ca = pki.caCertificate;
    const brokerCertificate = options.pinBrokerCertificate
      ? readFileSync(pki.pki.store.serverCertificateFile)
      : undefined;
    const newClient = (name: V | A) =>
      new VendorClient(broker.port, credentials[name], ca, brokerCertificate);
    const clients = {} as Record<V | A, VendorClient>;
    for (const name of Object.keys(credentials) as Array<V | A>) {
      clients[name] = newClient(name);
      undo.push(() => clients[name].close());
    }
    return { broker, pki, databaseUrl, database, credentials, clients, newClient, close };
  } catch (error) {
    await close();
    throw error;
  }
}
