import { Command, InvalidArgumentError, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DossierRecipe } from '@app/oso-dataset/generator';
import { UsageError, say } from '../output';

interface GenerateOptions {
  profile: string;
  seed: number;
  kind?: DossierRecipe['transferKind'];
  bsn?: string;
  onderwijsnummer?: string;
  birthDate?: string;
  brin?: string;
  vestiging?: string;
  schoolSoort?: string;
  date?: string;
  optOut?: true | string;
  secretAddress?: boolean;
  attachments?: number;
  attachmentBytes?: number;
  inzage: boolean;
  inzageDate?: string;
  akkoord?: 'Ja' | 'Nee' | 'Onbekend';
  remarks?: true | string;
  consent?: 'Ja' | 'Nee' | 'Onbekend';
  voorlopig?: boolean;
  breakRule?: string;
  listBreakable?: boolean;
  out: string;
  count: number;
  outDir?: string;
}

const wholeNumber = (least: number) => (value: string) => {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < least)
    throw new InvalidArgumentError(`must be a whole number, ${least} or more`);
  return number;
};
const ANSWERS = ['Ja', 'Nee', 'Onbekend'];

/**
 * `oso generate --profile POVO [--seed 7] …` — a synthetic OSO 2019.1 dossier of our own (never the
 * official examples), valid under the schema and the strict rules unless `--break-rule` asks otherwise.
 * The same options and seed give the same bytes. Only the generator is loaded: no database, no Nest.
 */
export function generateCommand(): Command {
  return new Command('generate')
    .description('write synthetic OSO 2019.1 dossiers (seeded, valid unless --break-rule)')
    .requiredOption(
      '--profile <profile>',
      'transfer profile (code list 16): POPO, POVO, VOVO, VOMBO, POSWV, …',
    )
    .option('--seed <n>', 'seed; the same options and seed give the same dossier', wholeNumber(0), 1)
    .addOption(
      new Option('--kind <kind>', 'overdrachtsoort (default from the profile)').choices([
        'overstapdossier',
        'overdrachtbinnenbrin',
        'swv-dossier',
      ]),
    )
    .option('--bsn <bsn>', "the pupil's BSN (default: a synthetic one that passes the elfproef)")
    .option('--onderwijsnummer [number]', 'identify the pupil by an onderwijsnummer (given, or synthetic)')
    .option('--birth-date <date>', "the pupil's geboortedatum (YYYY-MM-DD)")
    .option('--brin <brin>', "the sending school's BRIN (e.g. 00YY)")
    .option('--vestiging <nn>', "the sending school's vestigingscode")
    .option('--school-soort <soort>', "the sending school's soort, e.g. SO or VSO for special education")
    .option('--date <date>', 'metadata/datum (YYYY-MM-DD; default from the seed)')
    .option(
      '--opt-out [categories]',
      'opt out of every category the profile allows, or of these (e.g. verzuim,cijferlijsten)',
    )
    .option('--secret-address', 'a secret address for the pupil and the parents')
    .option('--attachments <n>', 'number of text attachments (default 1)', wholeNumber(0))
    .option('--attachment-bytes <bytes>', 'decoded size of each attachment (default 1024)', wholeNumber(1))
    .option('--no-inzage', 'the parents have not seen the dossier (not for an overstapdossier)')
    .option('--inzage-date <date>', 'inzagedatum (on or before --date)')
    .addOption(new Option('--akkoord <answer>', 'do the parents agree with the content').choices(ANSWERS))
    .option('--remarks [text]', "the parents' remarks (redennietakkoord); generated text without a value")
    .addOption(new Option('--consent <answer>', 'toestemming (default Ja from a VO school)').choices(ANSWERS))
    .option('--voorlopig', 'a provisional dossier (voorlopigdossier)')
    .option('--break-rule <id>', 'break exactly this rule (see --list-breakable and `oso rules`)')
    .option('--list-breakable', 'list the rules --break-rule accepts for this profile, and stop')
    .option('--out <file>', 'where to write the dossier; - is stdout', '-')
    .option(
      '--count <n>',
      'how many dossiers, seeds --seed, --seed+1, … (needs --out-dir when > 1)',
      wholeNumber(1),
      1,
    )
    .option('--out-dir <dir>', 'write PROFILE-SEED.xml files here')
    .action(async (options: GenerateOptions) => {
      // Loaded here, not at start-up: other commands need none of it.
      const { generateDossier, breakableRules, GeneratorError } = await import('@app/oso-dataset/generator');
      if (options.listBreakable) {
        for (const rule of breakableRules(options.profile)) say(rule);
        return;
      }
      if (options.count > 1 && !options.outDir) throw new UsageError('--count above 1 needs --out-dir');
      if (options.outDir && options.out !== '-') throw new UsageError('give --out or --out-dir, not both');
      if (options.outDir) mkdirSync(options.outDir, { recursive: true });
      for (let index = 0; index < options.count; index++) {
        const seed = options.seed + index;
        let xml: string;
        try {
          xml = generateDossier(recipeOf(options, seed)).xml;
        } catch (error) {
          if (error instanceof GeneratorError) throw new UsageError(error.message);
          throw error;
        }
        if (options.outDir) writeFileSync(join(options.outDir, `${options.profile}-${seed}.xml`), xml);
        else if (options.out === '-') process.stdout.write(xml);
        else writeFileSync(options.out, xml);
      }
      if (options.outDir)
        process.stderr.write(`oso generate: ${options.count} dossier(s) in ${options.outDir}\n`);
    });
}

function recipeOf(options: GenerateOptions, seed: number): DossierRecipe {
  if (options.bsn !== undefined && options.onderwijsnummer !== undefined)
    throw new UsageError('give --bsn or --onderwijsnummer, not both');
  const number = typeof options.onderwijsnummer === 'string' ? options.onderwijsnummer : undefined;
  const inzage: NonNullable<DossierRecipe['inzage']> = {
    ...(options.inzage ? {} : { inzage: false }),
    ...(options.inzageDate !== undefined ? { datum: options.inzageDate } : {}),
    ...(options.akkoord !== undefined ? { akkoord: options.akkoord } : {}),
    ...(options.remarks !== undefined ? { remarks: options.remarks } : {}),
    ...(options.consent !== undefined ? { toestemming: options.consent } : {}),
    ...(options.voorlopig ? { voorlopig: true } : {}),
  };
  return {
    profile: options.profile,
    seed,
    ...(options.kind ? { transferKind: options.kind } : {}),
    pupil: {
      ...(options.bsn !== undefined ? { bsn: options.bsn } : {}),
      ...(number !== undefined ? { onderwijsnummer: number } : {}),
      ...(options.birthDate !== undefined ? { geboortedatum: options.birthDate } : {}),
    },
    ...(options.onderwijsnummer !== undefined ? { identifiedBy: 'onderwijsnummer' as const } : {}),
    school: {
      ...(options.brin !== undefined ? { brin: options.brin } : {}),
      ...(options.vestiging !== undefined ? { vestiging: options.vestiging } : {}),
      ...(options.schoolSoort !== undefined ? { soort: options.schoolSoort } : {}),
    },
    ...(options.date !== undefined ? { date: options.date } : {}),
    ...(options.optOut === true
      ? { optOut: true }
      : options.optOut
        ? { optOut: options.optOut.split(',') }
        : {}),
    ...(options.secretAddress ? { secretAddress: true } : {}),
    ...(options.attachments !== undefined || options.attachmentBytes !== undefined
      ? {
          attachments: {
            count: options.attachments ?? 1,
            ...(options.attachmentBytes ? { bytesEach: options.attachmentBytes } : {}),
          },
        }
      : {}),
    inzage,
    ...(options.breakRule !== undefined ? { breakRule: options.breakRule } : {}),
  };
}
