import 'reflect-metadata';
import { runOso } from './oso-program';

// A reader that stops early (`oso generate … | head`, `oso rules --json | head`) is no error of ours:
// stop quietly, as other command-line tools do, instead of dying with an EPIPE stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

// A command that succeeded has closed what it opened, so the process ends by itself once its output is
// written; any other outcome ends it now, with the command's exit code.
void runOso(process.argv).then((exitCode) => {
  if (exitCode !== 0) process.exit(exitCode);
});
