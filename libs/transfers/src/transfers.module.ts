import { DossierValidationPool, ValidationPoolSettings } from '@app/oso-dataset';
import { RegistryModule, RegistryService } from '@app/registry';
import { DossierVault, VaultConfig } from '@app/vault';
import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { expireOverdueTransfers } from './request-expiry';
import { NO_TRANSFER_EVENTS, TRANSFER_EVENT_RECORDER, TransferEventRecorder } from './transfer-events';
import { STAGING_VALIDATOR, StagingValidation } from './staging-validation';
import { TransferService, TransferSettings } from './transfer.service';

/** The settings of the exchange, for the providers that need them beside the service. */
export const TRANSFER_SETTINGS = Symbol('TRANSFER_SETTINGS');

/**
 * Expires overdue requests while the application runs. The broker API does it until the release worker
 * has its own database connection; the sweep is safe to run in several processes at once.
 */
@Injectable()
export class RequestExpirySweep implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RequestExpirySweep');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(TRANSFER_SETTINGS) private readonly settings: TransferSettings,
    @Inject(TRANSFER_EVENT_RECORDER) private readonly recorder: TransferEventRecorder,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep(), this.settings.expirySweepSeconds * 1000);
    this.timer.unref();
  }

  async sweep(now: Date = new Date()): Promise<number> {
    try {
      const expired = await expireOverdueTransfers(this.dataSource, this.recorder, now);
      if (expired > 0) this.logger.log(`${expired} request(s) expired`);
      return expired;
    } catch (error) {
      // A missed sweep is retried at the next tick; the class name only, messages may quote values.
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
    /** Where the exchange's events go (the exchange log); records nothing when absent. */
    eventRecorder?: TransferEventRecorder;
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
        { provide: TRANSFER_SETTINGS, useValue: options.settings },
        { provide: TRANSFER_EVENT_RECORDER, useValue: options.eventRecorder ?? NO_TRANSFER_EVENTS },
        RequestExpirySweep,
        { provide: DossierVault, useFactory: () => new DossierVault(options.vault) },
        {
          provide: TransferService,
          inject: [DataSource, RegistryService, StagingValidation, DossierVault, TRANSFER_EVENT_RECORDER],
          useFactory: (
            dataSource: DataSource,
            registry: RegistryService,
            validation: StagingValidation,
            vault: DossierVault,
            recorder: TransferEventRecorder,
          ) => new TransferService(dataSource, registry, validation, vault, options.settings, recorder),
        },
      ],
      exports: [TransferService, StagingValidation, DossierVault, RequestExpirySweep],
    };
  }
}
