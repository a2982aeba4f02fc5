import { runOso } from '../../apps/cli/src/oso-program';

export interface OsoRun {
  code: number;
  stdout: string[];
  stderr: string[];
}

/**
 * Runs one `oso` command line in this process, through the same command tree and error handling as the
 * built CLI (`runOso`), with `env` laid over process.env for its duration. For tests that run many
 * commands and are not about start-up: a CLI process costs about a second of module loading, which a
 * busy machine stretches to many. Calls must not overlap (they share process.env and the output streams).
 */
export async function osoInProcess(args: string[], env: Record<string, string> = {}): Promise<OsoRun> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  const output = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      output[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    });
  const spies = [capture('stdout'), capture('stderr')];
  try {
    const code = await runOso(['node', 'oso', ...args]);
    const lines = (text: string) => text.split('\n').filter(Boolean);
    return { code, stdout: lines(output.stdout), stderr: lines(output.stderr) };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
