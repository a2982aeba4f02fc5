import 'reflect-metadata';
import { runOso } from './oso-program';

// A reader that stops early (`oso generate … | head`, `oso rules --json | head`) is no error of ours:
// stop quietly, as other command-line tools do, instead of dying with an EPIPE stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

// A command that succeeded has closed what it opened, so the process ends by itself once its output is
// written; any other outcome ends it with the command's exit code as soon as its output is out.
void runOso(process.argv).then((exitCode) => {
  if (exitCode === 0) return;
  // Writes to a pipe are asynchronous: exit only once what was written has gone out, or a reader of
  // `oso validate --json …` loses the last verdicts of a run that found an invalid dossier.
  let unflushed = 2;
  const flushed = () => {
    if (--unflushed === 0) process.exit(exitCode);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
});
