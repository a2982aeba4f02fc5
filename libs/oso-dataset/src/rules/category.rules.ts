import { DossierElement, at, child, pathOf } from '../dossier-element';
import { CATEGORY_LOCATIONS, CATEGORY_ORDER } from '../category-locations';
import { DossierUnderReview } from './dossier-under-review';
import { BOTH_BUNDLES, DossierRule, RuleBreach } from './dossier-rule';

/** The sixteen categories, in the order of `categorie_uitlevering` (a plain string list for the rules). */
export const ALL_CATEGORIES: string[] = [...CATEGORY_ORDER];

/** The blocks of each category found in the dossier (where they live: `CATEGORY_LOCATIONS`). */
export const CATEGORY_BLOCKS: Record<string, (dossier: DossierUnderReview) => DossierElement[]> =
  Object.fromEntries(
    Object.entries(CATEGORY_LOCATIONS).map(([category, { under, names }]) => [
      category,
      (dossier: DossierUnderReview) => {
        const parent =
          under === 'root'
            ? dossier.root
            : under === 'leerling'
              ? dossier.leerling
              : at(dossier.leerling, 'onderwijsondersteuning');
        return (parent?.children ?? []).filter((block) => names.includes(block.name));
      },
    ]),
  );

/**
 * One rule per category, numbered by the category's place in `categorie_uitlevering` (cat_metadata is
 * OS.cat01): VERPLICHT means its blocks are there, VERBODEN and OPT-UIT that not one of them is.
 */
function categoryRule(
  category: string,
  blocksOf: (dossier: DossierUnderReview) => DossierElement[],
): DossierRule {
  const number = String(ALL_CATEGORIES.indexOf(category) + 1).padStart(2, '0');
  return {
    id: `OS.cat${number}`,
    family: 'categories',
    severity: 'error',
    // The official shared part checks the table from its root template, in both bundles.
    officialIn: BOTH_BUNDLES,
    summary: {
      en: `${category}: VERPLICHT means the category is in the dossier, VERBODEN or OPT-UIT that none of it is.`,
      nl: `${category}: VERPLICHT betekent dat de categorie in het dossier staat, VERBODEN of OPT-UIT dat er niets van in staat.`,
    },
    check: (dossier) => {
      const value = dossier.category(category);
      if (value !== 'VERPLICHT' && value !== 'VERBODEN' && value !== 'OPT-UIT') return [];
      const blocks = blocksOf(dossier);
      if (value === 'VERPLICHT') {
        if (blocks.length > 0) return [];
        return [
          {
            at: `/dossier/metadata/categorie_uitlevering/${category}`,
            en: `${category} is VERPLICHT but the dossier holds none of it.`,
            nl: `${category} is VERPLICHT maar het dossier bevat er niets van.`,
          },
        ];
      }
      return blocks.map((block) => ({
        at: block,
        en: `${category} is ${value}, so ${pathOf(block)} must not be in the dossier (data minimisation).`,
        nl: `${category} is ${value}, dus ${pathOf(block)} mag niet in het dossier staan (dataminimalisatie).`,
      }));
    },
  };
}

export const CATEGORY_RULES: DossierRule[] = [
  ...Object.entries(CATEGORY_BLOCKS).map(([category, blocksOf]) => categoryRule(category, blocksOf)),
  {
    id: 'BRK.CAT.01',
    family: 'categories',
    severity: 'error',
    summary: {
      en: 'The declared category values fit the transfer profile (e.g. VVE is VERBODEN for POVO).',
      nl: 'De opgegeven categoriewaarden passen bij het overstapprofiel (bv. VVE is VERBODEN bij POVO).',
    },
    check: (dossier) => {
      const table = PROFILE_CATEGORIES[`${dossier.overdrachtsoort}/${dossier.overstap}`];
      if (!table) return [];
      const breaches: RuleBreach[] = [];
      for (const [category, allowed] of Object.entries(table)) {
        const value = dossier.category(category);
        if (value === null || allowed.includes(value)) continue;
        const element = child(at(dossier.metadata, 'categorie_uitlevering'), category);
        breaches.push({
          at: element ?? `/dossier/metadata/categorie_uitlevering/${category}`,
          en: `${category} is ${value}, but for ${dossier.overstap} (${dossier.overdrachtsoort}) it must be ${allowed.join(' or ')}.`,
          nl: `${category} is ${value}, maar bij ${dossier.overstap} (${dossier.overdrachtsoort}) moet dit ${allowed.join(' of ')} zijn.`,
        });
      }
      return breaches;
    },
  },
];

const FIXED = (value: string) => [value];
const CHOICE = ['OPTIONEEL', 'OPT-UIT'];

/**
 * Which values each category may take per kind of transfer and profile, as the official example
 * dossiers of that profile declare them (full and opt-out): fixed where both agree, otherwise the
 * school's (and parents') choice between OPTIONEEL and OPT-UIT. Profiles without an example are not
 * checked by BRK.CAT.01.
 */
export const PROFILE_CATEGORIES: Record<string, Record<string, string[]>> = {
  'overstapdossier/POPO': profileTable({
    cat_ouderinzage: 'VERPLICHT',
    cat_oudersverzorgers: 'VERPLICHT',
    cat_schoolloopbaan: 'VERPLICHT',
    cat_overstapadvies: 'VERPLICHT',
    cat_vombo: 'VERBODEN',
  }),
  'overstapdossier/POVO': profileTable({
    cat_ouderinzage: 'VERPLICHT',
    cat_oudersverzorgers: 'VERPLICHT',
    cat_vve: 'VERBODEN',
    cat_schoolloopbaan: 'VERPLICHT',
    cat_overstapadvies: 'VERPLICHT',
    cat_vombo: 'VERBODEN',
  }),
  'overstapdossier/VOVO': profileTable({
    cat_ouderinzage: 'VERPLICHT',
    cat_oudersverzorgers: 'VERPLICHT',
    cat_vve: 'VERBODEN',
    cat_schoolloopbaan: 'VERPLICHT',
    cat_overstapadvies: 'VERPLICHT',
  }),
  'overdrachtbinnenbrin/POPO': profileTable({}),
  'swv-dossier/POSWV': profileTable({
    cat_oudersverzorgers: 'VERPLICHT',
    cat_schoolloopbaan: 'VERPLICHT',
    cat_onderwijsondersteuning: 'VERPLICHT',
    cat_eindtoetsbo: 'VERBODEN',
    cat_vombo: 'VERBODEN',
  }),
  'swv-dossier/VOSWV': profileTable({
    cat_oudersverzorgers: 'VERPLICHT',
    cat_vve: 'VERBODEN',
    cat_schoolloopbaan: 'VERPLICHT',
    cat_onderwijsondersteuning: 'VERPLICHT',
  }),
};

function profileTable(fixed: Record<string, string>): Record<string, string[]> {
  const always: Record<string, string> = {
    cat_metadata: 'VERPLICHT',
    cat_school: 'VERPLICHT',
    cat_leerling: 'VERPLICHT',
  };
  return Object.fromEntries(
    ALL_CATEGORIES.map((category) => {
      const value = always[category] ?? fixed[category];
      return [category, value ? FIXED(value) : CHOICE];
    }),
  );
}
