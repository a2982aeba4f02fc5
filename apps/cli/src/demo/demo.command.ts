import { readPkiConfig } from '@app/pki/pki.config';
import { Command } from 'commander';
import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { CommandExit, UsageError, say } from '../output';
import { DemoDossier, demoDossierFromFile, generatedDemoDossier } from './demo-dossiers';
import { DEMO_SCENARIOS, SCENARIO_EXIT_BASE } from './demo-scenarios';
import { DemoSession, brokerAnswers } from './demo-session';
import { Checks } from './demo-steps';

/** The demo could not run its scenarios at all (e.g. the vendors' identities do not check out). */
export const EXIT_DEMO_DID_NOT_RUN = 1;

interface DemoOptions {
  broker: string;
  dossier?: string;
  waitSeconds: string;
}

const EXIT_CODES_HELP = `
Exit codes:
  0   every scenario held
  1   the demo could not run (no broker, a demo certificate rejected)
  2   a wrong command line (e.g. --dossier names no file)
${DEMO_SCENARIOS.map((scenario, index) => `  ${SCENARIO_EXIT_BASE + index + 1}  scenario ${index + 1} did not hold: ${scenario.title}`).join('\n')}
  (when several fail, the code of the first one; the summary names them all)`;

/**
 * `oso demo` (`npm run demo`): the law before release in six exchanges between the demo vendors, over
 * real mutual TLS with signed requests and verified signed answers, printing every step, the gate's
 * reasons and each transfer's exchange-log entries; starts a development broker (`oso up`) when none
 * answers. Exits 0 only when every scenario's expectation held (see EXIT_CODES_HELP).
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'run six exchanges between the demo vendors (PO→VO, VO→VO: consent, refusal, withdrawal, 16, retraction)',
    )
    .option('--broker <url>', 'the broker', `https://localhost:${process.env.BROKER_PORT ?? '8443'}`)
    .option(
      '--dossier <file>',
      'a POVO dossier of the demo primary school for the first exchange (default: one generated for it, `oso generate`)',
    )
    .option('--wait-seconds <n>', 'how long to wait for each release by the release worker', '10')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options: DemoOptions) => {
      const waitSeconds = Number(options.waitSeconds);
      if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
        throw new UsageError('--wait-seconds must be a number of seconds, 0 or more');
      }
      const poToVo: DemoDossier =
        options.dossier === undefined
          ? await generatedDemoDossier('poToVo')
          : await demoDossierFromFile(options.dossier);
      const pkiDir = readPkiConfig().dir;
      let stack: ChildProcess | null = null;
      if (!(await brokerAnswers(options.broker, pkiDir))) {
        say(`demo: no broker answers at ${options.broker}; starting one (oso up)…`);
        stack = await startStack();
      }
      try {
        const session = new DemoSession(options.broker, pkiDir);
        try {
          throw new CommandExit(await runScenarios(session, waitSeconds, poToVo));
        } finally {
          session.close();
        }
      } finally {
        if (stack) await stopStack(stack);
      }
    });
}

async function runScenarios(session: DemoSession, waitSeconds: number, poToVo: DemoDossier): Promise<number> {
  say(`\nWho is who (mutual TLS, every request signed with the certificate's key, every answer signed)`);
  for (const party of Object.values(session.parties)) {
    const answer = await session.call(party, 'GET', '/v1/whoami');
    if (answer.status !== 200) {
      say(`\nThe demo could not run: ${party.id} is not accepted (${String(answer.json.error)})`);
      return EXIT_DEMO_DID_NOT_RUN;
    }
    const schools = (answer.json.mandatedSchools as Array<{ school: string; sector: string }>) ?? [];
    say(
      `     ${party.id} acts for ${schools.map((school) => `${school.school} (${school.sector})`).join(', ')}`,
    );
  }
  const outcomes: Array<{ held: boolean; why?: string }> = [];
  for (const [index, scenario] of DEMO_SCENARIOS.entries()) {
    say(`\nScenario ${index + 1}: ${scenario.title}`);
    const checks = new Checks();
    try {
      await scenario.run({ session, waitSeconds, poToVo }, checks);
      checks.settle();
      outcomes.push({ held: true });
    } catch (error) {
      const why = (error as Error).message;
      say(`     ✗ scenario ${index + 1} failed: ${why}`);
      outcomes.push({ held: false, why });
    }
  }
  say('\nSummary');
  for (const [index, outcome] of outcomes.entries()) {
    say(
      `  scenario ${index + 1}: ${outcome.held ? 'held' : `FAILED (exit code ${SCENARIO_EXIT_BASE + index + 1})`} — ${DEMO_SCENARIOS[index].title}`,
    );
  }
  const firstFailed = outcomes.findIndex((outcome) => !outcome.held);
  if (firstFailed < 0) {
    say('\nEvery scenario held: the broker released what the law allows, and nothing else.');
    return 0;
  }
  return SCENARIO_EXIT_BASE + firstFailed + 1;
}

/** `oso up` in a child process, until it says it is ready; its output is shown, indented. */
function startStack(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [resolve(__dirname, '..', 'main.js'), 'up'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`  | ${line}\n`));
  return new Promise((ready, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      say(`  | ${line}`);
      if (/^Press Ctrl\+C to stop\.$/.test(line)) ready(child);
    });
    child.once('exit', (code) =>
      reject(new Error(`oso up stopped (exit code ${code}) before the broker was ready`)),
    );
  });
}

function stopStack(child: ChildProcess): Promise<void> {
  return new Promise((stopped) => {
    if (child.exitCode !== null) return stopped();
    child.once('close', () => stopped());
    child.kill('SIGINT');
  });
}
