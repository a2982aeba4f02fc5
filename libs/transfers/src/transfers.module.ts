import { DossierValidationPool, ValidationPoolSettings } from '@app/oso-dataset';
import { RegistryModule, RegistryService } from '@app/registry';
import { DossierVault, VaultConfig } from '@app/vault';
import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MANDATE_READS, MandateReads } from './mandate-reads';
import { NO_TRANSFER_EVENTS, TRANSFER_EVENT_RECORDER, TransferEventRecorder } from './transfer-events';
import { STAGING_VALIDATOR, StagingValidation } from './staging-validation';
import { TransferService, TransferSettings } from './transfer.service';

/** The settings of the exchange, for the providers that need them beside the service. */
export const TRANSFER_SETTINGS = Symbol('TRANSFER_SETTINGS');

/** The exchange's domain service for an application that has a TypeORM connection (PersistenceModule). */
@Module({})
export class TransfersModule {
  static forRoot(options: {
    settings: TransferSettings;
    vault: VaultConfig;
    validation?: ValidationPoolSettings;
    /** Where the exchange's events go (the exchange log); records nothing when absent. */
    eventRecorder?: TransferEventRecorder;
    /** Where mandates are read (e.g. a change-invalidated cache) and the modules that provide it. */
    mandateReads?: {
      imports: NonNullable<ModuleMetadata['imports']>;
      inject: InjectionToken[];
      useFactory: (...dependencies: never[]) => MandateReads;
    };
  }): DynamicModule {
    const mandateReads = options.mandateReads ?? {
      imports: [],
      inject: [RegistryService],
      useFactory: (registry: RegistryService) => registry,
    };
    return {
      module: TransfersModule,
      imports: [RegistryModule, ...mandateReads.imports],
      providers: [
        { provide: MANDATE_READS, inject: mandateReads.inject, useFactory: mandateReads.useFactory },
        {
          provide: STAGING_VALIDATOR,
          useFactory: () => new DossierValidationPool({ settings: options.validation }),
        },
        StagingValidation,
        { provide: TRANSFER_SETTINGS, useValue: options.settings },
        { provide: TRANSFER_EVENT_RECORDER, useValue: options.eventRecorder ?? NO_TRANSFER_EVENTS },
        { provide: DossierVault, useFactory: () => new DossierVault(options.vault) },
        {
          provide: TransferService,
          inject: [
            DataSource,
            RegistryService,
            StagingValidation,
            DossierVault,
            TRANSFER_EVENT_RECORDER,
            MANDATE_READS,
          ],
          useFactory: (
            dataSource: DataSource,
            registry: RegistryService,
            validation: StagingValidation,
            vault: DossierVault,
            recorder: TransferEventRecorder,
            mandates: MandateReads,
          ) =>
            new TransferService(
              dataSource,
              registry,
              validation,
              vault,
              options.settings,
              recorder,
              undefined,
              mandates,
            ),
        },
      ],
      exports: [TransferService, StagingValidation, DossierVault],
    };
  }
}
