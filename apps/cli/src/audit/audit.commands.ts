import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { CommandExit, UsageError, say } from '../output';
import { callAuditorApi, streamAuditorApi } from './auditor-api-client';
import { LineCountingStdout } from './line-counting-stdout';

/** Exit codes of `oso audit verify`: 0 verified, 1 the export or a checkpoint does not verify, 2 usage/IO. */
const EXIT_NOT_VERIFIED = 1;

const SOURCE_NEEDED =
  'say where to read the log from: --as <auditor> (through the auditor API) or --database (operator)';
const DEFAULT_BROKER = `https://localhost:${process.env.BROKER_PORT ?? '8443'}`;

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

interface SourceOptions {
  as?: string;
  database?: boolean;
  broker: string;
}

/** Exactly one of --as and --database. */
function requireOneSource(options: SourceOptions): void {
  if ((options.as === undefined) === !options.database) throw new UsageError(SOURCE_NEEDED);
}

/** The tree size of `--previous` (a signed checkpoint or an earlier export), for the export's proof. */
function previousTreeSize(file: string): number {
  const note = previousCheckpointFrom(readText(file, 'the checkpoint'), file);
  const size = Number(note.split('\n')[1]);
  if (!Number.isSafeInteger(size) || size < 0) throw new UsageError(`${file} holds no checkpoint tree size`);
  return size;
}

function exportPath(options: { from?: string; to?: string; previous?: string }): string {
  const query = new URLSearchParams();
  for (const bound of ['from', 'to'] as const) {
    const value = options[bound];
    if (value === undefined) continue;
    if (Number.isNaN(Date.parse(value))) throw new UsageError(`--${bound} must be an ISO 8601 time`);
    query.set(bound, new Date(value).toISOString());
  }
  if (options.previous !== undefined) query.set('previous', String(previousTreeSize(options.previous)));
  const text = query.toString();
  return `/v1/audit/export${text ? `?${text}` : ''}`;
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
        const entries =
          verdict.partial === undefined
            ? `${size} entries`
            : `${verdict.partial.entries} of ${size} entries, each proven included`;
        say(`OK: ${entries}, checkpoint ${origin} ${size} ${rootHash.toString('base64')}`);
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
    .description('write the exchange log under its latest checkpoint as JSON Lines to stdout')
    .option(
      '--as <auditor>',
      'auditor: through the signed auditor API (certificate from the development PKI)',
    )
    .option('--database', 'operator: read the broker database (DATABASE_URL): the whole log')
    .option('--broker <url>', 'the broker, with --as', DEFAULT_BROKER)
    .option('--from <time>', 'with --as: entries at or after this time (ISO 8601)')
    .option('--to <time>', 'with --as: entries before this time (ISO 8601)')
    .option('--previous <file>', 'with --as: an earlier checkpoint (or export) to prove consistency with')
    .action(async (options: SourceOptions & { from?: string; to?: string; previous?: string }) => {
      requireOneSource(options);
      if (options.as !== undefined) {
        // Streamed to stdout as it arrives: the CLI never holds the export.
        const out = new LineCountingStdout();
        await streamAuditorApi({ as: options.as, broker: options.broker }, exportPath(options), out);
        await new Promise<void>((resolve) => out.end(resolve));
        const format = (JSON.parse(out.firstLine || '{}') as { format?: string }).format ?? 'unknown format';
        process.stderr.write(`oso: exported ${out.lines - 1} entries as ${options.as} (${format})\n`);
        return;
      }
      if (options.from !== undefined || options.to !== undefined || options.previous !== undefined) {
        throw new UsageError('--from, --to and --previous go with --as (the operator exports the whole log)');
      }
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
    .option(
      '--as <auditor>',
      'auditor: through the signed auditor API (certificate from the development PKI)',
    )
    .option('--database', 'operator: read the broker database (DATABASE_URL)')
    .option('--broker <url>', 'the broker, with --as', DEFAULT_BROKER)
    .action(async (options: SourceOptions) => {
      requireOneSource(options);
      if (options.as !== undefined) {
        process.stdout.write(
          await callAuditorApi({ as: options.as, broker: options.broker }, '/v1/audit/checkpoint'),
        );
        return;
      }
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
