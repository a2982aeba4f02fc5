import { at, pathOf, textAt } from '../dossier-element';
import { DossierUnderReview, RuleBundle } from './dossier-under-review';
import { DossierRule, NOT_REACHED, RuleBreach } from './dossier-rule';
import { OVERSTAPDOSSIER, SWV_DOSSIER, TransferKind, flagged, mustHold } from './presence-rules';

const everyEindtoets = (dossier: DossierUnderReview) => dossier.elementsNamed('eindtoets_basisonderwijs');

/**
 * A result says something: a score, a reference score or an attached report. The official validator
 * checks these in its resultaat, toetsscore and score templates, below the pupil: the PaO bundle reaches
 * them, the OV bundle does not.
 */
function resultRules(
  kind: TransferKind,
  ids: { resultaat: string; toetsscore: string; score: string },
  officialIn: readonly RuleBundle[],
) {
  return [
    mustHold({
      id: ids.resultaat,
      family: 'tests',
      officialIn,
      appliesTo: kind.applies,
      within: (dossier) => dossier.elementsNamed('resultaat'),
      anyOf: [['toetsscore'], ['referentiescore'], ['document']],
      en: 'A test result (resultaat) holds a toetsscore, a referentiescore or an attached document.',
      nl: 'Een toetsresultaat (resultaat) bevat een toetsscore, een referentiescore of een bijlage (document).',
    }),
    mustHold({
      id: ids.toetsscore,
      family: 'tests',
      officialIn,
      appliesTo: kind.applies,
      within: (dossier) => dossier.elementsNamed('toetsscore'),
      anyOf: [
        ['aantalopgaven'],
        ['aantalgoed'],
        ['aantalfout'],
        ['aantalgelezen'],
        ['tijd'],
        ['vaardigheidsscore'],
      ],
      en: 'A toetsscore holds at least one of aantalopgaven, aantalgoed, aantalfout, aantalgelezen, tijd or vaardigheidsscore.',
      nl: 'Een toetsscore bevat minimaal één van aantalopgaven, aantalgoed, aantalfout, aantalgelezen, tijd of vaardigheidsscore.',
    }),
    mustHold({
      id: ids.score,
      family: 'tests',
      officialIn,
      appliesTo: kind.applies,
      within: (dossier) => dossier.elementsNamed('score'),
      anyOf: [['waarde'], ['kwalificatie']],
      en: 'A score holds a waarde or a kwalificatie.',
      nl: 'Een score bevat een waarde of een kwalificatie.',
    }),
  ];
}

/**
 * The first day of the school year two years before the one the dossier is dated in: a school year
 * runs from 1 August to 31 July, and a POVO dossier may carry tests of this year and the two before.
 */
export function oldestAllowedTestDate(datum: string): string {
  const year = Number(datum.slice(0, 4));
  const startsThisYear = datum.slice(5, 10) >= '08-01';
  return `${String(year - (startsThisYear ? 2 : 3)).padStart(4, '0')}-08-01`;
}

/** Dates of test sittings: a result cannot be dated after the day it is judged. */
const FUTURE_PROOF_DATES: ReadonlyArray<{ block: string; date: string }> = [
  { block: 'eindtoetsresultaat', date: 'datum_afname' },
  { block: 'afname', date: 'afnamedatum' },
];

/**
 * Tests and the primary school's eindtoets. The OVa rules sit in official templates below the pupil
 * (eindtoets_basisonderwijs, toets, resultaat, toetsscore, score) that the OV bundle never reaches: the
 * standard states them, so strict runs them; the official validator does not.
 */
export const TEST_RULES: DossierRule[] = [
  mustHold({
    id: 'OVa.EB02',
    family: 'tests',
    officialIn: NOT_REACHED,
    appliesTo: OVERSTAPDOSSIER.applies,
    within: everyEindtoets,
    when: (eindtoets) => flagged(eindtoets, 'deelgenomen'),
    anyOf: [['eindtoetsresultaat']],
    en: 'The pupil took the eindtoets (deelgenomen = true), so its result (eindtoetsresultaat) is given.',
    nl: 'De leerling heeft deelgenomen aan de eindtoets (deelgenomen = true), dus het resultaat (eindtoetsresultaat) is opgenomen.',
  }),
  mustHold({
    id: 'OVa.EB03',
    family: 'tests',
    officialIn: NOT_REACHED,
    appliesTo: OVERSTAPDOSSIER.applies,
    within: everyEindtoets,
    when: (eindtoets) => !flagged(eindtoets, 'deelgenomen'),
    anyOf: [['eindtoetsresultaat', 'toetssoort']],
    en: 'The pupil did not take the eindtoets, so eindtoetsresultaat/toetssoort still says which eindtoets it was.',
    nl: 'De leerling heeft niet deelgenomen aan de eindtoets, dus eindtoetsresultaat/toetssoort geeft toch aan om welke eindtoets het gaat.',
  }),
  mustHold({
    id: 'OVa.EB04',
    family: 'tests',
    officialIn: NOT_REACHED,
    appliesTo: OVERSTAPDOSSIER.applies,
    within: everyEindtoets,
    when: (eindtoets) => flagged(eindtoets, 'deelgenomen'),
    anyOf: [['eindtoetsresultaat', 'toets_advies']],
    en: 'The pupil took the eindtoets (deelgenomen = true), so the test’s advice (eindtoetsresultaat/toets_advies) is given.',
    nl: 'De leerling heeft deelgenomen aan de eindtoets (deelgenomen = true), dus het toetsadvies (eindtoetsresultaat/toets_advies) is opgenomen.',
  }),
  {
    id: 'OVa.TR04',
    family: 'tests',
    severity: 'error',
    officialIn: NOT_REACHED,
    summary: {
      en: 'A POVO dossier carries only tests of the current school year and the two before it.',
      nl: 'Een POVO-dossier bevat alleen toetsen uit het huidige en de twee voorgaande schooljaren.',
    },
    check: (dossier) => {
      const datum = textAt(dossier.metadata, 'datum');
      if (dossier.bundle !== 'OV' || dossier.overstap !== 'POVO' || !datum) return [];
      const oldest = oldestAllowedTestDate(datum);
      const breaches: RuleBreach[] = [];
      for (const toets of dossier.elementsNamed('toets')) {
        const afnamedatum = at(toets, 'afname', 'afnamedatum');
        if (!afnamedatum || afnamedatum.text.trim().slice(0, 10) >= oldest) continue;
        breaches.push({
          at: afnamedatum,
          en: `${pathOf(afnamedatum)} ${afnamedatum.text.trim()} lies before ${oldest}: a POVO dossier dated ${datum} carries only tests of this school year and the two before.`,
          nl: `${pathOf(afnamedatum)} ${afnamedatum.text.trim()} ligt voor ${oldest}: een POVO-dossier van ${datum} bevat alleen toetsen uit dit en de twee voorgaande schooljaren.`,
        });
      }
      return breaches;
    },
  },
  ...resultRules(
    OVERSTAPDOSSIER,
    { resultaat: 'OVa.TR05', toetsscore: 'OVa.TR06', score: 'OVa.CL01' },
    NOT_REACHED,
  ),
  ...resultRules(SWV_DOSSIER, { resultaat: 'PaO.TR01', toetsscore: 'PaO.TR02', score: 'PaO.CL01' }, ['PaO']),
  {
    id: 'BRK.TS.01',
    family: 'tests',
    severity: 'error',
    summary: {
      en: 'Test and eindtoets results are not dated in the future.',
      nl: 'Toets- en eindtoetsresultaten zijn niet in de toekomst gedateerd.',
    },
    check: (dossier) => {
      const breaches: RuleBreach[] = [];
      for (const { block, date } of FUTURE_PROOF_DATES) {
        for (const element of dossier.elementsNamed(block)) {
          const value = textAt(element, date);
          if (!value || value.slice(0, 10) <= dossier.today) continue;
          breaches.push({
            at: at(element, date)!,
            en: `${pathOf(element)}/${date} ${value} lies after today (${dossier.today}).`,
            nl: `${pathOf(element)}/${date} ${value} ligt na vandaag (${dossier.today}).`,
          });
        }
      }
      return breaches;
    },
  },
];
