import { Module } from '@nestjs/common';
import { RegistryService } from './registry.service';

/** Needs a TypeORM connection in the importing application (see PersistenceModule). */
@Module({
  providers: [RegistryService],
  exports: [RegistryService],
})
export class RegistryModule {}
