import { RegistryModule } from '@app/registry';
import { DynamicModule, Module } from '@nestjs/common';
import { ClientAuthenticator } from './client-authenticator';
import { PKI_CONFIG, PkiService } from './pki.service';
import { PkiConfig } from './pki.config';

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

/** The verifying side (certificate → identity): for the broker, which never needs the CA key. */
@Module({
  imports: [RegistryModule],
  providers: [ClientAuthenticator],
  exports: [ClientAuthenticator],
})
export class ClientAuthenticationModule {}
