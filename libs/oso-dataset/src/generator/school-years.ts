import type { DossierPlan } from './dossier-plan';
import { addDays, schoolYearOf } from './seeded-random';

/** Whether the pupil counts school years in groups 1–8 (primary, SO) or leerjaren (VO, VSO). */
export function inSecondaryYears(plan: DossierPlan): boolean {
  return plan.facts.from === 'VO' || plan.school.soort === 'VSO';
}

/** The day the pupil was enrolled at the sending school: at four in primary, else a 1 August at twelve. */
export function enrolmentDate(plan: DossierPlan): string {
  const birth = plan.pupil.geboortedatum;
  const birthYear = Number(birth.slice(0, 4));
  const fourth = birth.endsWith('02-29') ? `${birthYear + 4}-03-01` : `${birthYear + 4}${birth.slice(4)}`;
  const date = inSecondaryYears(plan) ? `${birthYear + 12}-08-01` : fourth;
  return date < plan.datum ? date : addDays(plan.datum, -30);
}

/** The year code (code list 13) for a school year: group 1–8, or 11–16 for leerjaar 1–6 of VO. */
export function yearCode(plan: DossierPlan, schoolYear: number): string {
  const offset = Math.max(0, schoolYear - schoolYearOf(enrolmentDate(plan)));
  return inSecondaryYears(plan) ? String(Math.min(16, 11 + offset)) : String(Math.min(8, 1 + offset));
}
