import { ConfigError } from '@app/config/config-error';
import { describeStartupError } from '@app/config/run-main';
import { DatabaseUnreachableError } from '@app/persistence/connect-with-retry';
import { RegistryError } from '@app/registry/registry-error';
import { Command, CommanderError } from 'commander';
import { OSO_COMMANDS } from './oso-commands';
import { CommandExit, UsageError } from './output';

/** Exit codes: 0 done, 1 refused (the registry or PKI said no), 2 usage, configuration or infrastructure. */
const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;

/** The whole `oso` command tree, fresh (commander keeps parsed options on its commands). */
export function osoProgram(): Command {
  const program = new Command('oso')
    .description('OSO broker: development PKI, registry and local stack')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`oso: ${text.replace(/^error: /, '')}`) });
  for (const command of OSO_COMMANDS) program.addCommand(command());
  // Subcommands added with addCommand() do not inherit these settings; apply them to the whole tree.
  const applySettings = (command: Command): void => {
    command.exitOverride().configureOutput(program.configureOutput());
    command.commands.forEach(applySettings);
  };
  program.commands.forEach(applySettings);
  return program;
}

/**
 * Runs one `oso` command line (`argv` as `process.argv`: node, script, arguments…) and resolves with its
 * exit code; failures are reported on stderr in one line. `main.ts` runs it for the process; tests run
 * several command lines in one process with it.
 */
export async function runOso(argv: readonly string[]): Promise<number> {
  try {
    await osoProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  // --help and --version end here too, with exit code 0.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
  if (error instanceof CommandExit) return error.exitCode;
  if (error instanceof UsageError) {
    process.stderr.write(`oso: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof RegistryError) {
    process.stderr.write(`oso: ${error.code}: ${error.message}\n`);
    return EXIT_REFUSED;
  }
  const known = error instanceof ConfigError || error instanceof DatabaseUnreachableError;
  process.stderr.write(`oso: ${describeStartupError(error)}\n`);
  if (!known && process.env.DEBUG_STARTUP === '1' && error instanceof Error)
    process.stderr.write(`${error.stack}\n`);
  return EXIT_USAGE;
}
