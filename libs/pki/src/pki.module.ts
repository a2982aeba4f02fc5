import { RegistryModule, RegistryService } from '@app/registry';
import { DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CachedRegistryReads } from './cached-registry-reads';
import { ClientAuthenticator } from './client-authenticator';
import { RegistryChangeListener } from './registry-change-listener';
import { PKI_CONFIG, PkiService } from './pki.service';
import { PkiConfig } from './pki.config';
import { CLIENT_TRUST_ANCHORS, TrustAnchors } from './trust-anchors';

/** The CA side (issue, revoke, CRL): for the CLI and `npm start`, which hold the CA key. */
@Module({})
export class PkiModule {
  static forRoot(config: PkiConfig): DynamicModule {
    return {
      module: PkiModule,
      imports: [RegistryModule],
      providers: [{ provide: PKI_CONFIG, useValue: config }, PkiService],
      exports: [PkiService],
    };
  }
}

/**
 * The verifying side (certificate → identity): for the broker, which never needs the CA key. It is
 * given the trust store the TLS layer uses, to tell a foreign certificate from one of its own, and the
 * database URL its registry change listener connects with.
 */
@Module({})
export class ClientAuthenticationModule {
  static forRoot(trustAnchors: TrustAnchors, databaseUrl: string): DynamicModule {
    return {
      module: ClientAuthenticationModule,
      imports: [RegistryModule],
      providers: [
        { provide: CLIENT_TRUST_ANCHORS, useValue: trustAnchors },
        { provide: RegistryChangeListener, useFactory: () => new RegistryChangeListener(databaseUrl) },
        {
          provide: CachedRegistryReads,
          inject: [RegistryService, DataSource, RegistryChangeListener],
          useFactory: (registry: RegistryService, dataSource: DataSource, listener: RegistryChangeListener) =>
            new CachedRegistryReads(registry, dataSource, listener),
        },
        ClientAuthenticator,
      ],
      exports: [ClientAuthenticator, CachedRegistryReads],
    };
  }
}
