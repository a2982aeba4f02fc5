import { messageSigningKey } from '@app/http-signing';
import { ClientAuthenticator } from '@app/pki';
import { readFileSync } from 'node:fs';
import type { TlsFilesConfig } from './tls/tls-files.config';
import { INestApplication, LogLevel } from '@nestjs/common';
import type { HttpsOptions } from '@nestjs/common/interfaces/external/https-options.interface';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { Server } from 'node:https';
import { setUpApiDocs } from './api-docs/api-docs';
import type { BrokerApiConfig } from './broker-api.config';
import { BrokerApiModule } from './broker-api.module';
import { clientAuthenticationMiddleware } from './client-authentication/client-authentication.middleware';
import { responseSigningMiddleware } from './message-signatures/response-signing.middleware';
import { requestBodyReader } from './request-bodies/request-bodies';
import { requestTargetMiddleware } from './request-target/request-target.middleware';
import { guardAgainstRestoredDatabase } from './restore-guard/restored-database-guard';
import { answerParserRefusals, cutSilentConnections, serverTimeouts } from './server-limits';
import { CrlReloader } from './tls/crl-reloader';
import { mutualTlsServerOptions } from './tls/secure-context';

export interface BrokerApi {
  app: INestApplication;
  crlReloader: CrlReloader;
}

/**
 * Builds the broker API on mutual TLS. Shared by `main.ts` and the integration tests, so the tests run
 * exactly the production wiring: the authentication middleware is installed before any route exists.
 */
export async function createBrokerApi(
  config: BrokerApiConfig,
  options: { logger?: LogLevel[] | false } = {},
): Promise<BrokerApi> {
  // Paths are matched exactly as sent: `/V1/whoami`, `/v1/whoami/` are other paths (404), not aliases.
  // Set on our own Express instance: Nest's adapter creates the router in its constructor, and the
  // router reads these settings once, when it is created.
  const instance = express();
  instance.set('case sensitive routing', true);
  instance.set('strict routing', true);
  const app = await NestFactory.create<NestExpressApplication>(
    BrokerApiModule.forRoot(config),
    new ExpressAdapter(instance),
    {
      // Nest's HttpsOptions stops at the TLS options; Node's https.createServer takes the timeouts too.
      httpsOptions: { ...mutualTlsServerOptions(config.tls), ...serverTimeouts() } as HttpsOptions,
      logger: options.logger ?? ['log', 'warn', 'error'],
      abortOnError: false,
      // Our own reader, after authentication: dossiers arrive as raw XML and every body keeps its bytes.
      bodyParser: false,
    },
  );
  app.disable('x-powered-by');
  // A database restored from an older backup is refused until its recorded purges are applied (#14).
  await guardAgainstRestoredDatabase(app);
  // Registered before init(), so it runs before Nest's body parsers and router: an unauthenticated
  // client gets neither its body parsed nor a hint whether a path exists. Answers are signed from the
  // first middleware on, so certificate refusals are signed too, as the API guide promises.
  app.use(responseSigningMiddleware(brokerSigningKey(config.tls)));
  app.use(clientAuthenticationMiddleware(app.get(ClientAuthenticator)));
  app.use(requestTargetMiddleware());
  app.use(requestBodyReader(config.limits));
  // Swagger UI (/docs) and the OpenAPI JSON (/docs-json): public routes (no signature; a browser cannot
  // sign), behind the middleware above; with the settings above they match exactly these paths.
  setUpApiDocs(app);
  cutSilentConnections(app.getHttpServer() as Server);
  answerParserRefusals(app.getHttpServer() as Server);
  const crlReloader = new CrlReloader(app.getHttpServer() as Server, config.tls);
  crlReloader.start();
  const close = app.close.bind(app);
  app.close = async () => {
    crlReloader.stop();
    await close();
  };
  return { app, crlReloader };
}

/** The broker signs its answers with the key of its server certificate: the identity clients already trust. */
function brokerSigningKey(tls: TlsFilesConfig) {
  return messageSigningKey(readFileSync(tls.serverKeyFile), readFileSync(tls.serverCertificateFile));
}
