import { DossierValidationPool, ValidationPoolSettings } from '@app/oso-dataset';
import { RegistryModule, RegistryService } from '@app/registry';
import { DossierVault, VaultConfig } from '@app/vault';
import { DynamicModule, Injectable, Logger, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { expireOverdueTransfers } from './request-expiry';
import { STAGING_VALIDATOR, StagingValidation } from './staging-validation';
import { TransferService, TransferSettings } from './transfer.service';

/** How often the API process looks for requests past their deadline. */
const EXPIRY_SWEEP_MS = 60_000;

/**
 * Expires overdue requests while the application runs. The broker API does it until the release worker
 * has its own database connection; the sweep is safe to run in several processes at once.
 */
@Injectable()
export class RequestExpirySweep implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RequestExpirySweep');
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep(), EXPIRY_SWEEP_MS);
    this.timer.unref();
  }

  async sweep(now: Date = new Date()): Promise<number> {
    try {
      const expired = await expireOverdueTransfers(this.dataSource, now);
      if (expired > 0) this.logger.log(`${expired} request(s) expired`);
      return expired;
    } catch (error) {
      // A missed sweep is retried next minute; the class name only, messages may quote values.
      this.logger.warn(`expiry sweep failed: ${error instanceof Error ? error.name : typeof error}`);
      return 0;
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** The exchange's domain service for an application that has a TypeORM connection (PersistenceModule). */
@Module({})
export class TransfersModule {
  static forRoot(options: {
    settings: TransferSettings;
    vault: VaultConfig;
    validation?: ValidationPoolSettings;
  }): DynamicModule {
    return {
      module: TransfersModule,
      imports: [RegistryModule],
      providers: [
        {
          provide: STAGING_VALIDATOR,
          useFactory: () => new DossierValidationPool({ settings: options.validation }),
        },
        StagingValidation,
        RequestExpirySweep,
        { provide: DossierVault, useFactory: () => new DossierVault(options.vault) },
        {
          provide: TransferService,
          inject: [DataSource, RegistryService, StagingValidation, DossierVault],
          useFactory: (
            dataSource: DataSource,
            registry: RegistryService,
            validation: StagingValidation,
            vault: DossierVault,
          ) => new TransferService(dataSource, registry, validation, vault, options.settings),
        },
      ],
      exports: [TransferService, StagingValidation, DossierVault, RequestExpirySweep],
    };
  }
}
