import { at, childrenNamed, pathOf, textAt } from '../dossier-element';
import { DossierRule, RuleBreach } from './dossier-rule';

/** The PO school's advice for secondary school, and the dates of tests: ours (BRK), stricter than the standard. */
export const OVERSTAPADVIES_RULES: DossierRule[] = [
  {
    id: 'BRK.OA.01',
    family: 'overstapadvies',
    severity: 'error',
    summary: {
      en: 'A PO→VO overstapdossier carries the primary school’s advice (overstapadvies/advies).',
      nl: 'Een PO→VO-overstapdossier bevat het schooladvies van de basisschool (overstapadvies/advies).',
    },
    check: (dossier) => {
      if (dossier.overstap !== 'POVO' || dossier.overdrachtsoort !== 'overstapdossier') return [];
      if (textAt(dossier.leerling, 'overstapadvies', 'advies')) return [];
      return [
        {
          at: at(dossier.leerling, 'overstapadvies') ?? '/dossier/huidigeschool/leerling/overstapadvies',
          en: 'A POVO overstapdossier needs the school’s advice in overstapadvies/advies (code list 2).',
          nl: 'Een POVO-overstapdossier vereist het schooladvies in overstapadvies/advies (codelijst 2).',
        },
      ];
    },
  },
];

/** Dates of test sittings that lie after today cannot be results. */
const TEST_DATES: Array<{ block: string; date: string }> = [
  { block: 'eindtoetsresultaat', date: 'datum_afname' },
  { block: 'afname', date: 'afnamedatum' },
];

export const TEST_RULES: DossierRule[] = [
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
      for (const { block, date } of TEST_DATES) {
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

/** Parents and guardians: a date of death only for a verzorger marked deceased. */
export const VERZORGER_RULES: DossierRule[] = [
  {
    id: 'BRK.VZ.01',
    family: 'verzorgers',
    severity: 'error',
    summary: {
      en: 'A verzorger with an overlijdensdatum is marked overleden = true.',
      nl: 'Een verzorger met een overlijdensdatum heeft overleden = true.',
    },
    check: (dossier) =>
      childrenNamed(dossier.leerling, 'verzorger')
        .filter(
          (verzorger) =>
            textAt(verzorger, 'overlijdensdatum') &&
            !['true', '1'].includes(textAt(verzorger, 'overleden') ?? ''),
        )
        .map((verzorger) => ({
          at: verzorger,
          en: `${pathOf(verzorger)} has an overlijdensdatum but is not marked overleden = true.`,
          nl: `${pathOf(verzorger)} heeft een overlijdensdatum maar niet overleden = true.`,
        })),
  },
];
