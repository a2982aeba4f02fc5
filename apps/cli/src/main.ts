import 'reflect-metadata';
import { runOso } from './oso-program';

// A command that succeeded has closed what it opened, so the process ends by itself once its output is
// written; any other outcome ends it now, with the command's exit code.
void runOso(process.argv).then((exitCode) => {
  if (exitCode !== 0) process.exit(exitCode);
});
