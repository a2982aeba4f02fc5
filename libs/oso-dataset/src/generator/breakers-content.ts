import { CODE_LISTS, CodeList } from '../codelists';
import { CATEGORY_LOCATIONS } from '../category-locations';
import { ALL_CATEGORIES } from '../rules/category.rules';
import { oldestAllowedTestDate } from '../rules/tests.rules';
import {
  ANY_KIND,
  BreakSite,
  BreakerSpec,
  OVERSTAP,
  OV_BUNDLE,
  categoryRuleIfRequired,
  need,
  officialTable,
  perKind,
} from './breaker-kit';
import { FUTURE_DATE, withoutPreschool } from './breakers-metadata';
import { addDays } from './seeded-random';
import { XmlNode, el, find, findAll, insertOrdered, leaf, removeChildren, setText } from './xml-node';

/** Integer-typed coded fields: an invalid code must still be a whole number, or the schema refuses first. */
const INTEGER_FIELDS = new Set([
  'geslacht',
  'codevoorschoolsehistorie',
  'codevoorschoolsprogramma',
  'codevoorschoolsetoeleider',
  'codevoorschoolsedeelname',
  'codevroegschoolsprogramma',
]);

/** The first element at the end of this path of names, anywhere in the tree. */
function findBySuffix(node: XmlNode, suffix: readonly string[], trail: string[] = []): XmlNode | null {
  const path = [...trail, node.name];
  if (
    path.length >= suffix.length &&
    suffix.every((name, index) => path[path.length - suffix.length + index] === name)
  )
    return node;
  for (const child of node.children ?? []) {
    const found = findBySuffix(child, suffix, path);
    if (found) return found;
  }
  return null;
}

function codeListBreaker(list: CodeList): BreakerSpec {
  const rule = `OSO.CL.${String(list.list).padStart(2, '0')}`;
  return {
    rule,
    kinds: ANY_KIND,
    // The profile decides which bundle judges the dossier: a swv profile that is no code is no swv-dossier.
    when: (plan) => list.list !== 16 || plan.kind !== 'swv-dossier',
    edit: (site) => {
      const element = need(
        site,
        list.fields.map((field) => findBySuffix(site.tree, field.suffix)).find((found) => found) ??
          rarelyPresentField(site, list.list),
        `field of code list ${list.list}`,
      );
      setText(element, INTEGER_FIELDS.has(element.name) ? '77' : list.list === 48 ? 'MISSCHIEN' : 'XX');
      // No longer POPO: pre-school data would break OVa.VV01/VV02 as well.
      if (list.list === 16) withoutPreschool(site);
      return companionsOfCode(site, list.list);
    },
  };
}

/**
 * Two coded fields a generated dossier does not carry by itself (a house-number indication, an RVC
 * decision): added here, where the schema puts them, so that their code lists can be broken too.
 */
function rarelyPresentField(site: BreakSite, list: number): XmlNode | null {
  if (list === 18) {
    const adres = findAll(site.tree, 'adres')[0];
    if (!adres) return null;
    const aanduiding = leaf('aanduiding', 'TO')!;
    insertOrdered(adres, aanduiding, ['soortadres', 'straat', 'nummer', 'toevoeging', 'aanduiding']);
    return aanduiding;
  }
  const ondersteuning = find(site.leerling, 'onderwijsondersteuning');
  if (list !== 17 || !ondersteuning) return null;
  const indicatie = leaf('rvcindicatie', 'LWOO')!;
  // The RVC block is the last of onderwijsondersteuning, so appending keeps the schema's order.
  ondersteuning.children!.push(
    el(
      'rvc',
      el(
        'signaleringlwoopro',
        ...['deelgenomenaanonderzoek', 'leerachterstand', 'lagescoreeindtoets'].map((name) =>
          leaf(name, false),
        ),
      ),
      indicatie,
    ),
  );
  return indicatie;
}

/** What a wrong code in these fields also breaks: the profile, the kind or the category table. */
function companionsOfCode(site: BreakSite, list: number): string[] {
  const { kind } = site.plan;
  if (list === 16) return kind === 'overstapdossier' ? ['OVa.OS02'] : [];
  if (list === 29) return kind === 'swv-dossier' ? ['PaO.SO03'] : ['OVa.OS03'];
  if (list === 48) return officialTable(site.plan) ? ['BRK.CAT.01'] : [];
  return [];
}

function categoryPresent(site: BreakSite, category: string): boolean {
  const { under, names } = CATEGORY_LOCATIONS[category];
  const parent =
    under === 'root'
      ? site.tree
      : under === 'leerling'
        ? site.leerling
        : find(site.leerling, 'onderwijsondersteuning');
  return (parent?.children ?? []).some((child) => names.includes(child.name));
}

function declare(site: BreakSite, category: string, value: string): void {
  setText(find(site.metadata, 'categorie_uitlevering', category), value);
}

/**
 * OS.catNN: data of a category declared OPT-UIT (the school's own choice, so nothing else breaks), or
 * where the table fixes the value, the opposite of what the dossier holds.
 */
function categoryBreaker(category: string): BreakerSpec {
  const number = String(ALL_CATEGORIES.indexOf(category) + 1).padStart(2, '0');
  return {
    rule: `OS.cat${number}`,
    kinds: ANY_KIND,
    edit: (site) => {
      const present = categoryPresent(site, category);
      const allowed = site.plan.table[category];
      const value = present ? 'OPT-UIT' : 'VERPLICHT';
      declare(site, category, value);
      return officialTable(site.plan) && !allowed.includes(value) ? ['BRK.CAT.01'] : [];
    },
  };
}

const CATEGORY_BREAKERS = Object.keys(CATEGORY_LOCATIONS).map(categoryBreaker);

const TABLE_BREAKER: BreakerSpec = {
  rule: 'BRK.CAT.01',
  kinds: ANY_KIND,
  when: (plan) => officialTable(plan) !== null,
  edit: (site) => {
    // Declared VERPLICHT where the table leaves it to the school: the data is there, only the table is wrong.
    const choice = ALL_CATEGORIES.find(
      (category) =>
        CATEGORY_LOCATIONS[category] &&
        site.plan.table[category].includes('OPT-UIT') &&
        categoryPresent(site, category),
    );
    if (!choice) need(site, null, 'optional category with data');
    declare(site, choice!, 'VERPLICHT');
  },
};

const first = (site: BreakSite, name: string, what = name) => need(site, findAll(site.tree, name)[0], what);

export const CONTENT_BREAKERS: BreakerSpec[] = [
  ...CODE_LISTS.map(codeListBreaker),
  ...CATEGORY_BREAKERS,
  TABLE_BREAKER,
  {
    rule: 'OVa.OA01',
    kinds: OVERSTAP,
    edit: (site) => {
      if (!removeChildren(site.leerling, 'overstapadvies')) need(site, null, 'overstapadvies');
      return categoryRuleIfRequired(site.plan, 'cat_overstapadvies', '08');
    },
  },
  {
    rule: 'OVa.OA02',
    kinds: OVERSTAP,
    when: (plan) => plan.facts.profile === 'POVO' && plan.school.soort !== 'SO',
    edit: (site) => void removeChildren(first(site, 'overstapadvies'), 'advies'),
  },
  {
    rule: 'OVa.OA03',
    kinds: OVERSTAP,
    edit: (site) => void removeChildren(first(site, 'overstapadvies'), 'contactnodig'),
  },
  {
    rule: 'OVa.OA04',
    kinds: OVERSTAP,
    edit: (site) => void removeChildren(first(site, 'overstapadvies'), 'contactpersoon'),
  },
  {
    rule: 'OVa.OA05',
    kinds: OVERSTAP,
    edit: (site) => void removeChildren(first(site, 'overstapadvies'), 'contacttelefoon'),
  },
  {
    rule: 'OVa.EB02',
    kinds: OVERSTAP,
    edit: (site) => {
      if (!removeChildren(first(site, 'eindtoets_basisonderwijs'), 'eindtoetsresultaat'))
        need(site, null, 'eindtoetsresultaat');
      // The advice sits in the result: without a result there is no advice either.
      return ['OVa.EB04'];
    },
  },
  {
    rule: 'OVa.EB03',
    kinds: OVERSTAP,
    edit: (site) => {
      const eindtoets = first(site, 'eindtoets_basisonderwijs');
      removeChildren(eindtoets, 'eindtoetsresultaat');
      setText(find(eindtoets, 'deelgenomen'), 'false');
    },
  },
  {
    rule: 'OVa.EB04',
    kinds: OVERSTAP,
    edit: (site) => void removeChildren(first(site, 'eindtoetsresultaat'), 'toets_advies'),
  },
  {
    rule: 'OVa.TR04',
    kinds: OV_BUNDLE,
    when: (plan) => plan.facts.profile === 'POVO',
    edit: (site) =>
      setText(
        find(first(site, 'toets', 'test'), 'afname', 'afnamedatum'),
        addDays(oldestAllowedTestDate(site.plan.datum), -1),
      ),
  },
  ...perKind(
    { overstapdossier: 'OVa.TR05', 'swv-dossier': 'PaO.TR01' },
    {
      edit: (site) => void (first(site, 'resultaat', 'test result').children = []),
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.TR06', 'swv-dossier': 'PaO.TR02' },
    {
      edit: (site) => void (first(site, 'toetsscore').children = []),
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.CL01', 'swv-dossier': 'PaO.CL01' },
    {
      edit: (site) => void (first(site, 'score', 'grade').children = []),
    },
  ),
  {
    rule: 'BRK.TS.01',
    kinds: ANY_KIND,
    edit: (site) => {
      const sitting =
        findAll(site.tree, 'datum_afname')[0] ?? find(findAll(site.tree, 'afname')[0] ?? null, 'afnamedatum');
      setText(need(site, sitting, 'test'), FUTURE_DATE);
    },
  },
  {
    rule: 'OG.01',
    kinds: ANY_KIND,
    edit: (site) => {
      const email = findAll(site.tree, 'communicatie').find(
        (item) => find(item, 'soort')?.text === 'e-mail' && find(item, 'geheim')?.text !== 'true',
      );
      setText(find(need(site, email, 'e-mail address'), 'nummer'), 'geen-adres');
    },
  },
];
