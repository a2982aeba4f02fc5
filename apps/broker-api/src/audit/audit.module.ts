import { RegistryModule } from '@app/registry';
import { DynamicModule, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditProofs } from './audit-proofs.service';
import { AuditQueries } from './audit-queries.service';
import { AuditReports } from './audit-reports.service';
import { AUDIT_SETTINGS, AuditSettings } from './audit-settings';

/** The auditors' view of the exchange log: the query services (the API and the `/audit` page use them). */
@Module({})
export class AuditModule {
  static forRoot(settings: AuditSettings): DynamicModule {
    return {
      module: AuditModule,
      imports: [RegistryModule],
      controllers: [AuditController],
      providers: [{ provide: AUDIT_SETTINGS, useValue: settings }, AuditQueries, AuditReports, AuditProofs],
      exports: [AuditQueries, AuditReports, AuditProofs],
    };
  }
}
