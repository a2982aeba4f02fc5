import { at, pathOf, textAt } from '../dossier-element';
import { DossierRule } from './dossier-rule';

/** Dates that cannot be true: a dossier is not made, nor seen by parents, in the future. */
export const METADATA_RULES: DossierRule[] = [
  {
    id: 'BRK.META.03',
    family: 'metadata',
    severity: 'error',
    summary: {
      en: 'No xsi:type or xsi:nil: a dossier uses the standard’s own structure, never a substituted type.',
      nl: 'Geen xsi:type of xsi:nil: een dossier volgt de structuur van de standaard, zonder vervangend type.',
    },
    // The schema accepts xsi:type (any element may claim another type); the only attribute the
    // standard itself defines is `omschrijving`, so `type` and `nil` can only be these.
    check: (dossier) =>
      dossier
        .allElements()
        .filter((element) => 'type' in element.attributes || 'nil' in element.attributes)
        .map((element) => ({
          at: element,
          en: `${pathOf(element)} carries xsi:type or xsi:nil; remove it and use the element as the standard defines it.`,
          nl: `${pathOf(element)} heeft xsi:type of xsi:nil; verwijder dit en gebruik het element zoals de standaard het definieert.`,
        })),
  },
  {
    id: 'BRK.META.01',
    family: 'metadata',
    severity: 'error',
    summary: {
      en: 'The dossier’s date (metadata/datum) is not in the future.',
      nl: 'De datum van het dossier (metadata/datum) ligt niet in de toekomst.',
    },
    check: (dossier) => {
      const datum = textAt(dossier.metadata, 'datum');
      if (!datum || datum.slice(0, 10) <= dossier.today) return [];
      return [
        {
          at: at(dossier.metadata, 'datum')!,
          en: `metadata/datum ${datum} lies after today (${dossier.today}).`,
          nl: `metadata/datum ${datum} ligt na vandaag (${dossier.today}).`,
        },
      ];
    },
  },
  {
    id: 'BRK.META.02',
    family: 'metadata',
    // A warning, not an error: every official example dossier dates its inzage after metadata/datum,
    // and those examples must stay valid. It still tells the sender something is off.
    severity: 'warning',
    summary: {
      en: 'Inzage happened on or before the dossier’s date (inzagedatum ≤ metadata/datum).',
      nl: 'De inzage vond plaats op of voor de datum van het dossier (inzagedatum ≤ metadata/datum).',
    },
    check: (dossier) => {
      const inzagedatum = textAt(dossier.inzage, 'inzagedatum');
      const datum = textAt(dossier.metadata, 'datum');
      if (!inzagedatum || !datum || inzagedatum.slice(0, 10) <= datum.slice(0, 10)) return [];
      return [
        {
          at: at(dossier.inzage, 'inzagedatum')!,
          en: `inzagedatum ${inzagedatum} lies after the dossier’s date ${datum}: the parents must see the dossier that is sent.`,
          nl: `inzagedatum ${inzagedatum} ligt na de dossierdatum ${datum}: de ouders moeten het verstuurde dossier gezien hebben.`,
        },
      ];
    },
  },
];
