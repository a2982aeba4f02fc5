import type { DossierRecipe } from '@app/oso-dataset/generator';
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../output';
import { DEMO_REGISTRY } from '../dev-stack/demo-registry';

/**
 * The dossiers `npm run demo` stages, each generated for a synthetic pupil by our own generator (`oso
 * generate` takes the same recipes) and the same in every run, with the dates of the acts the sending
 * school records for them. Every date lies in the past, so the gate counts each act at once.
 */
const [primary, , secondSecondary] = DEMO_REGISTRY.vendors;
const schoolOf = (code: string) => ({ brin: code.slice(0, 4), vestiging: code.slice(4) });

/** The parents' remarks (zienswijze) on the PO→VO dossier: synthetic, no person in them. */
export const DEMO_REMARKS =
  'De ouders vinden het schooladvies te laag en vragen de nieuwe school het advies opnieuw te bekijken.';

/** The days of the acts: the inzage, then consent (and for some a later act), then the dossier's date. */
export const DEMO_DAYS = {
  inzage: '2024-06-10',
  consent: '2024-06-11',
  later: '2024-06-12',
  dossier: '2024-06-14',
} as const;

/** The pupil of scenario 5: 16 on 2024-03-08, so she receives the inzage and decides herself. */
export const DEMO_PUPIL_OF_16_BIRTH_DATE = '2008-03-08';

const voToVo = (seed: number): DossierRecipe => ({
  profile: 'VOVO',
  seed,
  school: schoolOf(secondSecondary.school),
  date: DEMO_DAYS.dossier,
  // toestemming Ja: the dossier records the consent the school will record as evidence.
  inzage: { datum: DEMO_DAYS.inzage, toestemming: 'Ja' },
});

export const DEMO_DOSSIERS = {
  /** Scenario 1: PO→VO, the parents saw it (by letter) and disagree: their remarks travel with it. */
  poToVo: {
    profile: 'POVO',
    seed: 1,
    school: schoolOf(primary.school),
    date: DEMO_DAYS.dossier,
    inzage: { datum: DEMO_DAYS.inzage, remarks: DEMO_REMARKS },
  },
  /** Scenario 2: VO→VO with inzage and consent. */
  voToVo: voToVo(2),
  /** Scenario 3: VO→VO, consent refused. */
  consentRefused: voToVo(3),
  /** Scenario 4: VO→VO, consent withdrawn before release. */
  consentWithdrawn: voToVo(4),
  /** Scenario 5: VO→VO for a pupil of 16, who decides herself. */
  pupilOf16: { ...voToVo(5), pupil: { geboortedatum: DEMO_PUPIL_OF_16_BIRTH_DATE } },
  /** Scenario 6: VO→VO, retracted by the sender before release. */
  retracted: voToVo(6),
} satisfies Record<string, DossierRecipe>;

export type DemoDossierName = keyof typeof DEMO_DOSSIERS;

/** The pupil as the receiving school knows it when it asks for the dossier. */
export interface DemoPupil {
  bsn?: string;
  onderwijsnummer?: string;
  geboortedatum: string;
}

/** A dossier to stage, whom it is about, and what its own `inzage` block says. */
export interface DemoDossier {
  bytes: Buffer;
  pupil: DemoPupil;
  source: string;
  /** The block's inzagedatum: the date of the inzage the school records. */
  inzageDate: string;
  /** The block's remarks (redennietakkoord), when the parents gave any. */
  remarks: string | null;
}

export async function generatedDemoDossier(name: DemoDossierName): Promise<DemoDossier> {
  const { generateDossier } = await import('@app/oso-dataset/generator');
  const recipe: DossierRecipe = DEMO_DOSSIERS[name];
  const generated = generateDossier(recipe);
  return {
    bytes: Buffer.from(generated.xml, 'utf8'),
    pupil: generated.pupil,
    source: `a ${recipe.profile} dossier generated for a synthetic pupil of ${recipe.school?.brin}${recipe.school?.vestiging} (seed ${recipe.seed})`,
    inzageDate: recipe.inzage?.datum as string,
    remarks: typeof recipe.inzage?.remarks === 'string' ? recipe.inzage.remarks : null,
  };
}

/**
 * A dossier file given with `--dossier`: its pupil and its `inzage` block read from it (the validation
 * engine's facts), so the request names the dossier's own pupil and the evidence agrees with the block.
 */
export async function demoDossierFromFile(file: string): Promise<DemoDossier> {
  if (!existsSync(file)) throw new UsageError(`dossier ${file} does not exist`);
  const bytes = readFileSync(file);
  const { DossierValidationEngine, defaultSchemaPath } =
    await import('@app/oso-dataset/dossier-validation-engine');
  const engine = await DossierValidationEngine.load(defaultSchemaPath());
  const facts = engine.validate(bytes).facts;
  const pupil = facts?.pupil;
  if (!pupil?.geboortedatum || !(pupil.bsn || pupil.onderwijsnummer)) {
    throw new UsageError(`dossier ${file} names no pupil (BSN or onderwijsnummer, and birth date)`);
  }
  const inzageDate = facts?.inzage?.inzagedatum?.slice(0, 10);
  if (!inzageDate) throw new UsageError(`dossier ${file} names no inzagedatum in its inzage block`);
  return {
    bytes,
    pupil: {
      ...(pupil.bsn ? { bsn: pupil.bsn } : { onderwijsnummer: pupil.onderwijsnummer as string }),
      geboortedatum: pupil.geboortedatum,
    },
    source: file,
    inzageDate,
    remarks: facts?.inzage?.redennietakkoord?.trim() || null,
  };
}
