import { at, pathOf, textAt } from '../dossier-element';
import { OSO_STANDAARDVERSIE, OSO_VALIDATIEVERSIE } from '../oso-standard';
import { DossierUnderReview, RuleBundle } from './dossier-under-review';
import { DossierRule } from './dossier-rule';

/** A dossier between schools or to a samenwerkingsverband always carries the LAS part. */
function deeldossierRule(id: string, bundle: RuleBundle): DossierRule {
  return {
    id,
    family: 'metadata',
    severity: 'error',
    officialIn: [bundle],
    summary: {
      en: 'The dossier holds the LAS part (metadata/deeldossier is LAS or LASLVS), not only LVS or TIB.',
      nl: 'Het dossier bevat het LAS-deel (metadata/deeldossier is LAS of LASLVS), niet alleen LVS of TIB.',
    },
    check: (dossier) => {
      const deeldossier = at(dossier.metadata, 'deeldossier');
      if (dossier.bundle !== bundle || ['LAS', 'LASLVS'].includes(deeldossier?.text ?? '')) return [];
      return [
        {
          at: deeldossier ?? '/dossier/metadata/deeldossier',
          en: 'metadata/deeldossier must be LAS or LASLVS: this transfer needs the LAS part of the dossier.',
          nl: 'metadata/deeldossier moet LAS of LASLVS zijn: deze overdracht vereist het LAS-deel van het dossier.',
        },
      ];
    },
  };
}

/** The validator version the dossier was checked against; the examples of this release carry it. */
function validatieversieRule(
  id: string,
  bundle: RuleBundle,
  applies: (dossier: DossierUnderReview) => boolean,
): DossierRule {
  return {
    id,
    family: 'metadata',
    severity: 'error',
    officialIn: [bundle],
    summary: {
      en: `metadata/validatieversie is ${OSO_VALIDATIEVERSIE}, the validation release of this standard version.`,
      nl: `metadata/validatieversie is ${OSO_VALIDATIEVERSIE}, de validatieversie bij deze versie van de standaard.`,
    },
    check: (dossier) => {
      const version = at(dossier.metadata, 'validatieversie');
      if (!applies(dossier) || version?.text === OSO_VALIDATIEVERSIE) return [];
      return [
        {
          at: version ?? '/dossier/metadata/validatieversie',
          en: `metadata/validatieversie must be ${OSO_VALIDATIEVERSIE} for OSO ${OSO_STANDAARDVERSIE} dossiers.`,
          nl: `metadata/validatieversie moet ${OSO_VALIDATIEVERSIE} zijn voor OSO-${OSO_STANDAARDVERSIE}-dossiers.`,
        },
      ];
    },
  };
}

/** The release table (categorie_uitlevering) that says which categories were sent. */
function releaseTableRule(
  id: string,
  bundle: RuleBundle,
  applies: (dossier: DossierUnderReview) => boolean,
): DossierRule {
  return {
    id,
    family: 'metadata',
    severity: 'error',
    officialIn: [bundle],
    summary: {
      en: 'The dossier has the block metadata/categorie_uitlevering.',
      nl: 'Het dossier bevat het blok metadata/categorie_uitlevering.',
    },
    check: (dossier) =>
      applies(dossier) && !at(dossier.metadata, 'categorie_uitlevering')
        ? [
            {
              at: dossier.metadata ?? '/dossier/metadata',
              en: 'metadata/categorie_uitlevering is missing: state for every category whether it is sent.',
              nl: 'metadata/categorie_uitlevering ontbreekt: geef per categorie aan of die wordt meegestuurd.',
            },
          ]
        : [],
  };
}

/** Versions and the release table, then dates that cannot be true. */
export const METADATA_RULES: DossierRule[] = [
  deeldossierRule('OVa.MD01', 'OV'),
  deeldossierRule('PaO.MD01', 'PaO'),
  validatieversieRule('OVa.MD02', 'OV', (dossier) => dossier.bundle === 'OV'),
  validatieversieRule('PaO.MD02', 'PaO', (dossier) => dossier.isSwvDossier),
  releaseTableRule('OVa.MD03', 'OV', (dossier) => dossier.isOverstapdossier),
  releaseTableRule('OVb.MD03', 'OV', (dossier) => dossier.isBinnenBrin),
  releaseTableRule('PaO.MD03', 'PaO', (dossier) => dossier.isSwvDossier),
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
