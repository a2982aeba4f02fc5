import 'reflect-metadata';
import { ConfigError, describeStartupError } from '@app/config';
import { DatabaseUnreachableError } from '@app/persistence';
import { RegistryError } from '@app/registry';
import { Command, CommanderError } from 'commander';
import { databaseCommands } from './database/database.commands';
import { CommandExit, UsageError } from './output';
import { upCommand } from './dev-stack/up.command';
import { pkiCommands } from './pki/pki.commands';
import { registryCommands } from './registry/registry.commands';
import { vaultCommands } from './vault/vault.commands';
import { requestCommand } from './request/request.command';
import { demoCommand } from './demo/demo.command';
import { rulesCommand, validateCommand } from './validate/validate.command';
import { generateCommand } from './generate/generate.command';

/** Exit codes: 0 done, 1 refused (the registry or PKI said no), 2 usage, configuration or infrastructure. */
const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;

const program = new Command('oso')
  .description('OSO broker: development PKI, registry and local stack')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`oso: ${text.replace(/^error: /, '')}`) });

for (const command of [
  upCommand(),
  pkiCommands(),
  registryCommands(),
  databaseCommands(),
  vaultCommands(),
  requestCommand(),
  demoCommand(),
  validateCommand(),
  rulesCommand(),
  generateCommand(),
]) {
  program.addCommand(command);
}
// Subcommands added with addCommand() do not inherit these settings; apply them to the whole tree.
const applySettings = (command: Command): void => {
  command.exitOverride().configureOutput(program.configureOutput());
  command.commands.forEach(applySettings);
};
program.commands.forEach(applySettings);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
  }
  if (error instanceof CommandExit) process.exit(error.exitCode);
  if (error instanceof UsageError) {
    process.stderr.write(`oso: ${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
  if (error instanceof RegistryError) {
    process.stderr.write(`oso: ${error.code}: ${error.message}\n`);
    process.exit(EXIT_REFUSED);
  }
  const known = error instanceof ConfigError || error instanceof DatabaseUnreachableError;
  process.stderr.write(`oso: ${describeStartupError(error)}\n`);
  if (!known && process.env.DEBUG_STARTUP === '1' && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  process.exit(EXIT_USAGE);
});
