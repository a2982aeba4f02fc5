import { RegistryModule } from '@app/registry';
import { DynamicModule, Module } from '@nestjs/common';
import { ClientAuthenticator } from './client-authenticator';
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
 * given the trust store the TLS layer uses, to tell a foreign certificate from one of its own.
 */
@Module({})
export class ClientAuthenticationModule {
  static forRoot(trustAnchors: TrustAnchors): DynamicModule {
    return {
      module: ClientAuthenticationModule,
      imports: [RegistryModule],
      providers: [{ provide: CLIENT_TRUST_ANCHORS, useValue: trustAnchors }, ClientAuthenticator],
      exports: [ClientAuthenticator],
    };
  }
}
