import { BROKER_RUNTIME_ROLE, BROKER_SCHEMA } from '@app/broker-schema';
import { PersistenceModule } from '@app/persistence';
import { CachedRegistryReads, ClientAuthenticationModule } from '@app/pki';
import { QueuesModule, REDIS_CLIENT } from '@app/queues';
import {
  BROKER_REGISTRY_ACTOR,
  registryLogRecorder,
} from '@app/exchange-log/registry-events/registry-log-recorder';
import { RegistryModule } from '@app/registry';
import { DossierRenderings, TransferRecalls, TransfersModule } from '@app/transfers';
import { DossierRenderingPool } from '@app/dossier-rendering/pool';
import { DossierVault } from '@app/vault';
import { RegistryService } from '@app/registry';
import { DataSource } from 'typeorm';
import { verifierKey } from '@app/exchange-log';
import { AuditModule } from './audit/audit.module';
import { AuditPageController } from './audit-page/audit-page.controller';
import { ExchangeLogSequencerService } from './exchange-log/exchange-log-sequencer.service';
import { LogProofsController } from './exchange-log/log-proofs.controller';
import { TRANSFER_LOG_RECORDER } from '@app/transfer-log-recorder';
import { RedisNonceStore } from '@app/http-signing';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { ApiExceptionFilter } from './api-errors/api-exception.filter';
import type { BrokerApiConfig } from './broker-api.config';
import { BROKER_API_CONFIG } from './broker-api.tokens';
import { HealthController } from './health/health.controller';
import { IdempotencyInterceptor, IdempotencyKeyRepository, IdempotentRequests } from './idempotency';
import { HealthService } from './health/health.service';
import { EchoController } from './message-signatures/echo.controller';
import {
  NONCE_STORE,
  RequestSignatureGuard,
  SIGNATURE_MAX_AGE_SECONDS,
} from './message-signatures/request-signature.guard';
import { ValidateController } from './onboarding/validate.controller';
import { FileTrustAnchors } from './tls/file-trust-anchors';
import { VendorRateLimitGuard } from './rate-limits/vendor-rate-limit.guard';
import { vendorRateLimitModule } from './rate-limits/vendor-rate-limit.module';
import { BoardInstructionsController } from './boards/board-instructions.controller';
import { EvidenceController } from './transfers/evidence.controller';
import { RetractionController } from './transfers/retraction.controller';
import { RenderingController } from './transfers/rendering.controller';
import { RecallController } from './transfers/recall.controller';
import { brokerNoticeSigner } from './transfers/broker-notice-signer';
import { MatchApprovalController } from './transfers/match-approval.controller';
import { TransfersController } from './transfers/transfers.controller';
import { WhoamiController } from './whoami/whoami.controller';

@Module({})
export class BrokerApiModule {
  static forRoot(config: BrokerApiConfig): DynamicModule {
    // One instance (one change listener) serves both the authentication and the exchange's mandate reads.
    const clientAuthentication = ClientAuthenticationModule.forRoot(
      new FileTrustAnchors(config.tls.clientCaFile, config.tls.crlFile),
      config.database.url,
    );
    return {
      module: BrokerApiModule,
      imports: [
        // Serving as the runtime role: a bug or an injection here cannot rewrite the log or delete rows.
        PersistenceModule.forRoot(config.database, BROKER_SCHEMA, { runAs: BROKER_RUNTIME_ROLE }),
        QueuesModule.forRoot(config.redis),
        // A registry change made by the running broker is on the record too, in its own transaction.
        RegistryModule.forRoot({ eventRecorder: registryLogRecorder(BROKER_REGISTRY_ACTOR) }),
        clientAuthentication,
        // One budget per client for the whole broker, counted in Redis (#14).
        vendorRateLimitModule(config.limits.requestsPerMinute, config.redis),
        TransfersModule.forRoot({
          settings: config.transfers,
          vault: config.vault,
          validation: config.validation,
          // Every step of a transfer lands in the exchange log, in the transaction that takes it.
          eventRecorder: TRANSFER_LOG_RECORDER,
          // Mandates from the registry cache the change notices keep current (asked on every request).
          mandateReads: {
            imports: [clientAuthentication],
            inject: [CachedRegistryReads],
            useFactory: (reads: CachedRegistryReads) => reads,
          },
        }),
        AuditModule.forRoot({
          logVerifierKey: verifierKey(config.exchangeLog.signingKey),
          pupilKeySecret: config.transfers.pupilKeySecret,
          integrityMaxAgeSeconds: config.audit.integrityMaxAgeSeconds,
        }),
      ],
      controllers: [
        WhoamiController,
        HealthController,
        TransfersController,
        EvidenceController,
        RetractionController,
        RenderingController,
        BoardInstructionsController,
        RecallController,
        MatchApprovalController,
        ValidateController,
        EchoController,
        LogProofsController,
        // The auditors' web page: on AuditQueries, like the signed auditor API.
        AuditPageController,
      ],
      providers: [
        { provide: BROKER_API_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        {
          provide: NONCE_STORE,
          inject: [REDIS_CLIENT],
          useFactory: (redis: Redis) => RedisNonceStore.forBroker(redis, config.redis.prefix),
        },
        { provide: SIGNATURE_MAX_AGE_SECONDS, useValue: config.signatures.maxAgeSeconds },
        // Guards run in this order: the budget first (cheap, and unsigned floods count too), then the signature.
        { provide: APP_GUARD, useClass: VendorRateLimitGuard },
        { provide: APP_GUARD, useClass: RequestSignatureGuard },
        HealthService,
        // Idempotency-Key on the routes that create something (#14): keys in PostgreSQL, per vendor.
        {
          provide: IdempotentRequests,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new IdempotentRequests(new IdempotencyKeyRepository(dataSource)),
        },
        IdempotencyInterceptor,
        // Recall notices (#11), signed with the broker's server key like its answers.
        {
          provide: TransferRecalls,
          inject: [DataSource, RegistryService],
          useFactory: (dataSource: DataSource, registry: RegistryService) =>
            new TransferRecalls(dataSource, registry, TRANSFER_LOG_RECORDER, brokerNoticeSigner(config.tls)),
        },
        // The readable dossier (#12): rendered on its own threads, so a PDF never stalls the event loop.
        {
          provide: DossierRenderingPool,
          useFactory: () => new DossierRenderingPool({ settings: config.rendering }),
        },
        {
          provide: DossierRenderings,
          inject: [DataSource, RegistryService, DossierVault, DossierRenderingPool],
          useFactory: (
            dataSource: DataSource,
            registry: RegistryService,
            vault: DossierVault,
            pool: DossierRenderingPool,
          ) => new DossierRenderings(dataSource, registry, vault, pool, TRANSFER_LOG_RECORDER),
        },
        // Integrates the log's entries into its Merkle tree and signs checkpoints, from bootstrap to shutdown.
        ExchangeLogSequencerService,
      ],
    };
  }
}
