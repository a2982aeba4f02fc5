import { DossierValidationPool } from '@app/oso-dataset';
import { RegistryModule, RegistryService } from '@app/registry';
import { DossierVault, VaultConfig } from '@app/vault';
import { DynamicModule, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TransferService, TransferSettings } from './transfer.service';

export const STAGING_VALIDATOR = Symbol('STAGING_VALIDATOR');

/** Strict validation with the canonical hash, on the worker pool; closed with the application. */
@Injectable()
export class StagingValidation implements OnModuleDestroy {
  constructor(@Inject(STAGING_VALIDATOR) readonly pool: DossierValidationPool) {}

  validate(bytes: Buffer) {
    return this.pool.validate(bytes, { ruleSet: 'strict', withContentHash: true });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }
}

/** The exchange's domain service for an application that has a TypeORM connection (PersistenceModule). */
@Module({})
export class TransfersModule {
  static forRoot(options: {
    settings: TransferSettings;
    vault: VaultConfig;
    validationThreads?: number;
  }): DynamicModule {
    return {
      module: TransfersModule,
      imports: [RegistryModule],
      providers: [
        {
          provide: STAGING_VALIDATOR,
          useFactory: () => new DossierValidationPool({ threads: options.validationThreads }),
        },
        StagingValidation,
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
      exports: [TransferService, StagingValidation, DossierVault],
    };
  }
}
