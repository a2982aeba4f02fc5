import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { CommandExit, UsageError, say } from '../output';

/** Exit codes of `oso audit verify`: 0 verified, 1 the export or a checkpoint does not verify, 2 usage/IO. */
const EXIT_NOT_VERIFIED = 1;

const AUDITOR_API_PENDING =
  '--as <auditor> needs the auditor API, which is not built yet (issue #10); ' +
  'an operator exports from the broker database with --database';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** `--previous` takes a signed checkpoint (as `oso audit checkpoint` prints it) or an earlier export. */
function previousCheckpointFrom(text: string, file: string): string {
  if (!text.startsWith('{')) return text.replace(/\n+$/, '\n');
  try {
    const header = JSON.parse(text.slice(0, text.indexOf('\n') >>> 0)) as { checkpoint?: unknown };
    if (typeof header.checkpoint === 'string') return header.checkpoint;
  } catch {
    // Reported below.
  }
  throw new UsageError(`${file} is neither a signed checkpoint nor an exchange log export`);
}

/** The broker's database, for the operator-side commands (as `oso db migrate` reaches it). */
async function withLogDatabase<T>(
  work: (manager: import('typeorm').EntityManager) => Promise<T>,
): Promise<T> {
  const { connectWithRetry, dataSourceOptions, readDatabaseConfig } = await import('@app/persistence');
  const { BROKER_SCHEMA } = await import('@app/broker-schema');
  const { DataSource } = await import('typeorm');
  const database = readDatabaseConfig();
  const dataSource = await connectWithRetry(
    new DataSource(dataSourceOptions(database.url, BROKER_SCHEMA)),
    database,
  );
  try {
    return await work(dataSource.manager);
  } finally {
    await dataSource.destroy();
  }
}

function requireDatabaseSource(options: { as?: string; database?: boolean }): void {
  if (options.as !== undefined) throw new UsageError(AUDITOR_API_PENDING);
  if (!options.database) throw new UsageError(`say where to read the log from: ${AUDITOR_API_PENDING}`);
}

/** `oso audit …`: the exchange log for auditors and operators (docs/exchange-log.md, "Verifying offline"). */
export function auditCommands(): Command {
  const audit = new Command('audit').description(
    'the exchange log: export, checkpoint, offline verification',
  );
  audit
    .command('verify')
    .description('verify an exchange log export offline: every entry, the tree, the signed checkpoint')
    .argument('<export>', 'the export (JSON Lines, from `oso audit export`)')
    .requiredOption('--log-key <file>', "the log's public verifier key (log-key.pub)")
    .option('--previous <file>', 'an earlier signed checkpoint (or export) the log must be consistent with')
    .action(async (exportFile: string, options: { logKey: string; previous?: string }) => {
      const { verifyLogExport } = await import('@app/exchange-log/export/verify-log-export');
      const { parseVerifierKey } = await import('@app/exchange-log/checkpoint/signed-note');
      const verifierKey = readText(options.logKey, 'the log key').trim();
      try {
        parseVerifierKey(verifierKey);
      } catch (error) {
        throw new UsageError(`${options.logKey} holds no verifier key: ${(error as Error).message}`);
      }
      const previousCheckpoint =
        options.previous === undefined
          ? undefined
          : previousCheckpointFrom(readText(options.previous, 'the checkpoint'), options.previous);
      const handle = await open(exportFile).catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`cannot read the export ${exportFile}: ${error.code ?? error.message}`);
      });
      try {
        const verdict = await verifyLogExport(handle.readLines(), { verifierKey, previousCheckpoint });
        if (!verdict.ok) {
          const { line, leafIndex, entryId, reason } = verdict.problem;
          const where = [
            leafIndex === undefined ? null : `leaf ${leafIndex}`,
            entryId === undefined ? null : `entry ${entryId}`,
            line === undefined ? null : `line ${line}`,
          ].filter((part) => part !== null);
          say(`FAIL: ${where.join(', ')}: ${reason}`);
          throw new CommandExit(EXIT_NOT_VERIFIED);
        }
        const { origin, size, rootHash } = verdict.checkpoint;
        say(`OK: ${size} entries, checkpoint ${origin} ${size} ${rootHash.toString('base64')}`);
        if (verdict.previous !== undefined) {
          const earlier = verdict.previous;
          say(
            `consistent with the earlier checkpoint ${earlier.size} ${earlier.rootHash.toString('base64')}`,
          );
        }
      } finally {
        await handle.close();
      }
    });
  audit
    .command('export')
    .description('write the whole exchange log under its latest checkpoint as JSON Lines to stdout')
    .option('--database', 'operator: read the broker database (DATABASE_URL)')
    .option('--as <auditor>', 'auditor: through the auditor API (not built yet)')
    .action(async (options: { as?: string; database?: boolean }) => {
      requireDatabaseSource(options);
      const { writeLogExport, NoCheckpointYetError } =
        await import('@app/exchange-log/export/write-log-export');
      const checkpoint = await withLogDatabase((manager) => writeLogExport(manager, process.stdout)).catch(
        (error: unknown) => {
          if (!(error instanceof NoCheckpointYetError)) throw error;
          process.stderr.write(`oso: ${error.message}\n`);
          throw new CommandExit(EXIT_NOT_VERIFIED);
        },
      );
      process.stderr.write(
        `oso: exported ${checkpoint.treeSize} entries: the whole log under its latest checkpoint\n`,
      );
    });
  audit
    .command('checkpoint')
    .description("print the exchange log's latest signed checkpoint (a C2SP signed note)")
    .option('--database', 'operator: read the broker database (DATABASE_URL)')
    .option('--as <auditor>', 'auditor: through the auditor API (not built yet)')
    .action(async (options: { as?: string; database?: boolean }) => {
      requireDatabaseSource(options);
      const { latestCheckpoint } = await import('@app/exchange-log/sequencer/log-reads');
      const checkpoint = await withLogDatabase((manager) => latestCheckpoint(manager));
      if (checkpoint === null) {
        process.stderr.write('oso: the exchange log has no checkpoint yet\n');
        throw new CommandExit(EXIT_NOT_VERIFIED);
      }
      process.stdout.write(checkpoint.signedNote);
    });
  return audit;
}
