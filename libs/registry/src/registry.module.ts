import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BoardInstructionRecording } from './board-instruction-recording';
import { BOARD_INSTRUCTIONS, RegistryBoardInstructions } from './board-instructions';
import { NO_REGISTRY_EVENTS, REGISTRY_EVENT_RECORDER, RegistryEventRecorder } from './registry-events';
import { RegistryService } from './registry.service';

/**
 * Needs a TypeORM connection in the importing application (see PersistenceModule). Imported plainly, the
 * registry records no events; an application that keeps the exchange log imports `forRoot` once.
 */
@Module({
  providers: [
    RegistryService,
    // A school board's instructions (issue #11), for the release gate and the retention sweep.
    RegistryBoardInstructions,
    { provide: BOARD_INSTRUCTIONS, useExisting: RegistryBoardInstructions },
    {
      provide: BoardInstructionRecording,
      inject: [getDataSourceToken(), { token: REGISTRY_EVENT_RECORDER, optional: true }],
      useFactory: (dataSource: DataSource, recorder?: RegistryEventRecorder) =>
        new BoardInstructionRecording(dataSource, recorder ?? NO_REGISTRY_EVENTS),
    },
  ],
  exports: [RegistryService, RegistryBoardInstructions, BOARD_INSTRUCTIONS, BoardInstructionRecording],
})
export class RegistryModule {
  /**
   * The registry with its changes recorded by `eventRecorder`. The recorder is provided globally, because
   * other modules (the PKI, the exchange, client authentication) import the plain RegistryModule and their
   * RegistryService must record too.
   */
  static forRoot(options: { eventRecorder: RegistryEventRecorder }): DynamicModule {
    return {
      module: RegistryModule,
      global: true,
      providers: [{ provide: REGISTRY_EVENT_RECORDER, useValue: options.eventRecorder }],
      exports: [REGISTRY_EVENT_RECORDER],
    };
  }
}
