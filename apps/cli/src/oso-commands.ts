import { Command } from 'commander';
import { auditCommands } from './audit/audit.commands';
import { databaseCommands } from './database/database.commands';
import { demoCommand } from './demo/demo.command';
import { generateCommand } from './generate/generate.command';
import { upCommand } from './dev-stack/up.command';
import { pkiCommands } from './pki/pki.commands';
import { registryCommands } from './registry/registry.commands';
import { renderCommand } from './render/render.command';
import { requestCommand } from './request/request.command';
import { rulesCommand, validateCommand } from './validate/validate.command';
import { vaultCommands } from './vault/vault.commands';

/**
 * Every `oso` command, in the order `oso --help` lists them; a new command is one entry here. A command
 * file builds its commander tree (names, arguments, options, help texts) from light modules only and
 * loads what its action needs when the action runs (`await import(…)` inside it), so `oso --help` and
 * `oso validate` never load NestJS, TypeORM or BullMQ. test/processes/oso-startup.e2e-spec.ts proves it
 * for the help of every command listed here.
 */
export const OSO_COMMANDS: ReadonlyArray<() => Command> = [
  upCommand,
  pkiCommands,
  registryCommands,
  databaseCommands,
  vaultCommands,
  auditCommands,
  requestCommand,
  demoCommand,
  validateCommand,
  renderCommand,
  rulesCommand,
  generateCommand,
];
