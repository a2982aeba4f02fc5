import { BROKER_SCHEMA } from '@app/broker-schema';
import { PersistenceModule } from '@app/persistence';
import {
  CertificateAuthority,
  KeyAndCertificate,
  PkiModule,
  PkiService,
  Validity,
  validityFromNow,
} from '@app/pki';
import { ensureLogSigningKey, readLogKeyConfig } from '@app/exchange-log';
import { CertificateOwner, RegistryModule, RegistryService } from '@app/registry';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClientCredentials {
  cert: Buffer;
  key: Buffer;
  serial?: string;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * A real development PKI in a temporary folder plus the registry of a suite database: the same PkiService
 * and RegistryService the CLI uses, so certificates are issued and bound exactly as in production.
 */
export class TestPki {
  private constructor(
    readonly dir: string,
    readonly registry: RegistryService,
    readonly pki: PkiService,
    private readonly context: INestApplicationContext,
  ) {}

  static async create(databaseUrl: string): Promise<TestPki> {
    const dir = mkdtempSync(join(tmpdir(), 'oso-pki-'));
    @Module({
      imports: [
        PersistenceModule.forRoot({ url: databaseUrl, startupTimeoutSeconds: 5 }, BROKER_SCHEMA),
        RegistryModule,
        PkiModule.forRoot({ dir, clientCertificateDays: 30, crlDays: 30 }),
      ],
    })
    class TestPkiModule {}
    const context = await NestFactory.createApplicationContext(TestPkiModule, { logger: false });
    const pki = context.get(PkiService);
    await pki.init();
    // The broker refuses to start without its exchange log key; `oso pki init` makes it beside the PKI.
    ensureLogSigningKey(readLogKeyConfig({ PKI_DIR: dir }));
    return new TestPki(dir, context.get(RegistryService), pki, context);
  }

  /** The exchange log's public key (C2SP verifier key), as vendors and auditors get it. */
  get logVerifierKey(): string {
    return readFileSync(readLogKeyConfig({ PKI_DIR: this.dir }).verifierKeyFile, 'utf8').trim();
  }

  get caCertificate(): Buffer {
    return readFileSync(this.pki.store.caCertificateFile);
  }

  /** Issues through the PKI service: the certificate is bound to the owner in the registry. */
  async issueBound(owner: CertificateOwner, validity?: Validity): Promise<ClientCredentials> {
    const issued = await this.pki.issue(owner, validity);
    return {
      cert: readFileSync(issued.certificateFile),
      key: readFileSync(issued.keyFile),
      serial: issued.serial,
    };
  }

  /** Signed by the broker's CA but never bound to a registry entry. */
  issueUnbound(id: string): ClientCredentials {
    const ca = CertificateAuthority.load(this.pki.store.readCa());
    return credentials(ca.issueClientCertificate('vendor', id, 'Unbound', validityFromNow(30)));
  }

  /** Validity windows for the time-based refusals. */
  static expired(): Validity {
    return { notBefore: new Date(Date.now() - 60 * DAY), notAfter: new Date(Date.now() - DAY) };
  }
  static notYetValid(): Validity {
    return { notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 60 * DAY) };
  }
  /** Valid now, expiring `ms` from now (X.509 keeps whole seconds: the end is rounded down). */
  static expiringIn(ms: number): Validity {
    return { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + ms) };
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A certificate from a CA the broker has never heard of, with a plausible vendor identity. */
export function foreignClient(id: string): ClientCredentials {
  const foreign = CertificateAuthority.create('Some other CA');
  return credentials(foreign.issueClientCertificate('vendor', id, 'Foreign', validityFromNow(30)));
}

/** A self-signed certificate (a CA of its own, presented as the client certificate). */
export function selfSignedClient(): ClientCredentials {
  return credentials(CertificateAuthority.create('Self-signed vendor').pair);
}

/** A client certificate presented with its foreign CA's certificate as the chain. */
export function foreignChainClient(id: string): ClientCredentials {
  const foreign = CertificateAuthority.create('Some other CA');
  const leaf = foreign.issueClientCertificate('vendor', id, 'Foreign', validityFromNow(30));
  return {
    cert: Buffer.from(leaf.certificatePem + foreign.pair.certificatePem),
    key: Buffer.from(leaf.keyPem),
  };
}

function credentials(pair: KeyAndCertificate): ClientCredentials {
  return { cert: Buffer.from(pair.certificatePem), key: Buffer.from(pair.keyPem) };
}
