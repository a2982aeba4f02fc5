import {
  ANY_KIND,
  BINNEN_BRIN,
  BreakSite,
  BreakerSpec,
  INZAGE_ORDER,
  OVERSTAP,
  OV_BUNDLE,
  SWV,
  addToPupil,
  categoryRuleIfRequired,
  categoryRuleIfWithheld,
  need,
  needInzage,
  perKind,
} from './breaker-kit';
import { XmlNode, el, find, insertOrdered, leaf, removeChildren, setText } from './xml-node';
import { addDays } from './seeded-random';

/** A date no dossier can honestly carry yet: it lies after any day the verdict is given. */
export const FUTURE_DATE = '2999-01-15';

/** Pre-school data belongs to POPO: a breaker that changes the profile away from it takes it out. */
export function withoutPreschool(site: BreakSite): void {
  removeChildren(site.leerling, 'vanpeuterspeelzaal', 'naampeuterspeelzaal', 'voorschools', 'vroegschools');
}

/** Breakers of the metadata, the profile and kind of transfer, and the inzage block. */
export const METADATA_BREAKERS: BreakerSpec[] = [
  // Metadata and profile.
  ...perKind(
    { overstapdossier: 'OVa.MD01', 'swv-dossier': 'PaO.MD01' },
    {
      edit: (site) => setText(find(site.metadata, 'deeldossier'), 'LVS'),
    },
  ),
  {
    rule: 'OVa.MD01',
    kinds: BINNEN_BRIN,
    edit: (site) => setText(find(site.metadata, 'deeldossier'), 'LVS'),
  },
  ...['OVa.MD02', 'PaO.MD02'].map((rule) => ({
    rule,
    kinds: rule.startsWith('OVa') ? OV_BUNDLE : SWV,
    edit: (site: BreakSite) => setText(find(site.metadata, 'validatieversie'), '2019.1.0'),
  })),
  ...perKind(
    { overstapdossier: 'OVa.MD03', overdrachtbinnenbrin: 'OVb.MD03', 'swv-dossier': 'PaO.MD03' },
    {
      edit: (site) => void removeChildren(site.metadata, 'categorie_uitlevering'),
    },
  ),
  {
    rule: 'BRK.META.03',
    kinds: ANY_KIND,
    edit: (site) => {
      // A substituted type that names the element's own type: the schema accepts it, the rule does not.
      site.school.attributes = {
        'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
        'xsi:type': 'huidigeschoolType',
      };
    },
  },
  {
    rule: 'BRK.META.01',
    kinds: ANY_KIND,
    edit: (site) => {
      setText(find(site.metadata, 'datum'), FUTURE_DATE);
      // Tests would now be older than a POVO dossier of that date may carry (OVa.TR04): leave them out.
      removeChildren(site.leerling, 'toetslijst');
    },
  },
  {
    rule: 'BRK.META.02',
    kinds: ANY_KIND,
    edit: (site) =>
      setText(need(site, find(site.inzage, 'inzagedatum'), 'inzagedatum'), addDays(site.plan.datum, 1)),
  },
  {
    rule: 'OVa.OS01',
    kinds: OVERSTAP,
    edit: (site) => {
      removeChildren(site.metadata, 'overstap');
      withoutPreschool(site);
    },
  },
  {
    rule: 'OVa.OS02',
    kinds: OVERSTAP,
    edit: (site) => {
      setText(find(site.metadata, 'overstap'), 'VOHBO');
      withoutPreschool(site);
    },
  },
  {
    rule: 'OVa.OS03',
    kinds: OV_BUNDLE,
    edit: (site) => setText(find(site.tree, 'overdrachtsoort'), 'swv-dossier'),
  },
  {
    rule: 'PaO.SO03',
    kinds: SWV,
    edit: (site) => setText(find(site.tree, 'overdrachtsoort'), 'overstapdossier'),
  },
  ...(['voorschools', 'vroegschools'] as const).map((block, index) => ({
    rule: `OVa.VV0${index + 1}`,
    kinds: OVERSTAP,
    when: (plan: BreakSite['plan']) => plan.facts.profile !== 'POPO',
    edit: (site: BreakSite) => {
      addToPupil(site, preschoolBlock(block));
      return categoryRuleIfWithheld(site.plan, 'cat_vve', '06');
    },
  })),
  ...(['vanpeuterspeelzaal', 'naampeuterspeelzaal', 'voorschools', 'vroegschools'] as const).map(
    (block, index) => ({
      rule: `PaO.VV0${index + 1}`,
      kinds: SWV,
      when: (plan: BreakSite['plan']) => plan.facts.profile === 'VOSWV',
      edit: (site: BreakSite) => {
        addToPupil(site, preschoolBlock(block));
        return categoryRuleIfWithheld(site.plan, 'cat_vve', '06');
      },
    }),
  ),
  {
    rule: 'PaO.EB01',
    kinds: SWV,
    when: (plan) => plan.facts.profile === 'POSWV',
    edit: (site) => {
      addToPupil(site, el('eindtoets_basisonderwijs', leaf('deelgenomen', false)));
      return categoryRuleIfWithheld(site.plan, 'cat_eindtoetsbo', '11');
    },
  },
  ...(
    [
      ['PaO.VM01', el('bevorderd', leaf('leerjaar', '12'))],
      ['PaO.VM02', el('examenresultaat', leaf('examenjaar', 2024))],
      [
        'PaO.VM03',
        el(
          'resultaatvakkenvo',
          leaf('vakcode', 'NETL'),
          leaf('afgerond', false),
          leaf('examenvak', false),
          leaf('rapportcijfer', '6.5'),
        ),
      ],
      ['PaO.VM04', leaf('certificaat', 'Typediploma')!],
      ['PaO.VM05', el('competenties', leaf('competentiebeschrijving', 'Samenwerken'))],
      ['PaO.VM06', el('stage', leaf('soortstage', 'Maatschappelijke stage'))],
      [
        'PaO.VM07',
        el(
          'overigvombo',
          ...['beroepskeuzetest', 'portfolio', 'pop', 'motivatiebrief', 'lobdossier'].map((name) =>
            leaf(name, false),
          ),
        ),
      ],
    ] as const
  ).map(([rule, block]) => ({
    rule,
    kinds: SWV,
    when: (plan: BreakSite['plan']) => plan.facts.profile === 'POSWV',
    edit: (site: BreakSite) => {
      addToPupil(site, structuredClone(block));
      return categoryRuleIfWithheld(site.plan, 'cat_vombo', '15');
    },
  })),

  // Inzage.
  {
    rule: 'OVa.IZ01',
    kinds: OVERSTAP,
    edit: (site) => {
      needInzage(site);
      removeChildren(site.tree, 'inzage');
      return categoryRuleIfRequired(site.plan, 'cat_ouderinzage', '02');
    },
  },
  {
    rule: 'OVa.IZ02',
    kinds: OVERSTAP,
    edit: (site) => setText(need(site, find(site.inzage, 'inzage'), 'inzage/inzage'), 'false'),
  },
  { rule: 'OVa.IZ03', kinds: OVERSTAP, edit: (site) => removeInzage(site, 'inzagedatum') },
  { rule: 'OVa.IZ04', kinds: OVERSTAP, edit: (site) => removeInzage(site, 'akkoord', 'redennietakkoord') },
  {
    rule: 'OVa.IZ05',
    kinds: OVERSTAP,
    when: (plan) => plan.facts.profile === 'VOVO',
    edit: (site) => removeInzage(site, 'toestemming'),
  },
  {
    rule: 'BRK.IZ.01',
    kinds: ANY_KIND,
    edit: (site) => {
      const inzage = needInzage(site);
      removeChildren(inzage, 'redennietakkoord');
      const akkoord = find(inzage, 'akkoord');
      if (akkoord) setText(akkoord, 'Nee');
      else insertOrdered(inzage, leaf('akkoord', 'Nee')!, INZAGE_ORDER);
    },
  },
];

function removeInzage(site: BreakSite, ...names: string[]): void {
  if (!removeChildren(needInzage(site), ...names)) need(site, null, names[0]);
}

function preschoolBlock(
  block: 'vanpeuterspeelzaal' | 'naampeuterspeelzaal' | 'voorschools' | 'vroegschools',
): XmlNode {
  switch (block) {
    case 'vanpeuterspeelzaal':
      return leaf(block, true)!;
    case 'naampeuterspeelzaal':
      return leaf(block, 'Peuterspeelzaal De Speeltuin')!;
    case 'voorschools':
      return el(block, leaf('codevoorschoolsprogramma', 2), leaf('voorschoolsemaanden', 12));
    case 'vroegschools':
      return el(block, leaf('codevroegschoolsprogramma', 2), leaf('vroegschoolsdatumingang', '2015-09-01'));
  }
}
