import { address, communicatie, phoneNumber } from './contact-parts';
import {
  ANY_KIND,
  BINNEN_BRIN,
  BreakSite,
  BreakerSpec,
  INZAGE_ORDER,
  OVERSTAP,
  OV_BUNDLE,
  SWV,
  VERZORGER_ORDER,
  addToPupil,
  categoryRuleIfRequired,
  categoryRuleIfWithheld,
  need,
  needInzage,
  perKind,
} from './breaker-kit';
import { PLACES } from './vocabulary';
import { XmlNode, el, find, findAll, insertOrdered, leaf, removeChildren, setText } from './xml-node';
import { syntheticBsn } from './pupil-numbers';
import { addDays } from './seeded-random';

/** A date no dossier can honestly carry yet: it lies after any day the verdict is given. */
export const FUTURE_DATE = '2999-01-15';

const removeFromPupil =
  (...names: string[]) =>
  (site: BreakSite) => {
    if (!removeChildren(site.leerling, ...names)) need(site, null, names.join(' or '));
  };

/** Pre-school data belongs to POPO: a breaker that changes the profile away from it takes it out. */
export function withoutPreschool(site: BreakSite): void {
  removeChildren(site.leerling, 'vanpeuterspeelzaal', 'naampeuterspeelzaal', 'voorschools', 'vroegschools');
}

function setSecret(site: BreakSite, secret: boolean): void {
  setText(need(site, find(site.leerling, 'adresgeheim'), 'adresgeheim'), String(secret));
}

function ensurePupilAddress(site: BreakSite): void {
  if (!find(site.leerling, 'adreslijst'))
    addToPupil(site, el('adreslijst', address(site.plan.random.fork('break'), PLACES[0], 'gba')));
}

const foreignAddress = () => leaf('adresbuitenland', 'Rue des Tilleuls 4, Liège')!;

export const IDENTITY_BREAKERS: BreakerSpec[] = [
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

  // The school and the pupil.
  ...perKind(
    { overstapdossier: 'OVa.SL01', 'swv-dossier': 'PaO.SL01' },
    {
      edit: (site) => void removeChildren(site.school, 'adreslijst'),
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.SL02', 'swv-dossier': 'PaO.SL02' },
    {
      edit: (site) => void removeChildren(site.school, 'communicatielijst'),
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.LL01', 'swv-dossier': 'PaO.LL01' },
    { edit: removeFromPupil('voornaam') },
  ),
  ...perKind(
    { overstapdossier: 'OVa.LL02', 'swv-dossier': 'PaO.LL02' },
    { edit: removeFromPupil('geboortedatum') },
  ),
  ...perKind(
    { overstapdossier: 'OVa.LL04', 'swv-dossier': 'PaO.LL04' },
    { edit: removeFromPupil('adresgeheim') },
  ),
  ...perKind(
    { overstapdossier: 'OVa.LL05', 'swv-dossier': 'PaO.LL05' },
    {
      edit: (site) => {
        setSecret(site, false);
        removeChildren(site.leerling, 'adreslijst', 'adresbuitenland');
      },
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.SB01', 'swv-dossier': 'PaO.SB01' },
    {
      edit: (site) => {
        removeFromPupil('schoolloopbaanlijst')(site);
        return categoryRuleIfRequired(site.plan, 'cat_schoolloopbaan', '07');
      },
    },
  ),
  { rule: 'OVa.LL12', kinds: OVERSTAP, edit: removeFromPupil('bsn', 'onderwijsnummer') },
  {
    rule: 'OVa.LL13',
    kinds: OVERSTAP,
    when: (plan) => plan.facts.profile === 'POVO',
    edit: removeFromPupil('leerlingid'),
  },
  { rule: 'OVa.LL14', kinds: OVERSTAP, edit: removeFromPupil('datuminschrijving') },
  {
    rule: 'BRK.LL.01',
    kinds: OV_BUNDLE,
    edit: (site) => {
      const bsn = need(site, find(site.leerling, 'bsn'), 'BSN');
      // One more on the check digit: the weighted sum is then one off a multiple of 11.
      setText(bsn, bsn.text!.slice(0, 8) + String((Number(bsn.text![8]) + 1) % 10));
    },
  },
  ...perKind(
    { overstapdossier: 'OVa.LL03', overdrachtbinnenbrin: 'OVb.LL01', 'swv-dossier': 'PaO.LL03' },
    {
      edit: (site) => {
        const birth = need(site, find(site.leerling, 'geboortedatum'), 'geboortedatum');
        birth.name = 'geboortemaand';
        birth.text = birth.text!.slice(0, 7);
        // The schema offers a birth month instead of the date, so the date goes: LL02 where it is required.
        return site.plan.kind === 'overstapdossier'
          ? ['OVa.LL02']
          : site.plan.kind === 'swv-dossier'
            ? ['PaO.LL02']
            : [];
      },
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.LL07', overdrachtbinnenbrin: 'OVb.LL03', 'swv-dossier': 'PaO.LL07' },
    {
      edit: (site) => {
        // The 4-digit postcode stands instead of the addresses; a foreign address keeps LL05 satisfied.
        removeChildren(site.leerling, 'adreslijst');
        addToPupil(site, leaf('postcode4adres', '8011')!);
        if (find(site.leerling, 'adresgeheim')?.text !== 'true') addToPupil(site, foreignAddress());
      },
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.LL10', 'swv-dossier': 'PaO.LL10' },
    {
      edit: (site) => addToPupil(site, leaf('geboorteplaats', 'Meppel')!),
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.LL11', 'swv-dossier': 'PaO.LL11' },
    {
      edit: (site) =>
        addToPupil(site, {
          name: 'nationaliteit',
          text: '0001',
          attributes: { omschrijving: 'Nederlandse' },
        }),
    },
  ),
  {
    rule: 'PaO.LL12',
    kinds: SWV,
    edit: (site) =>
      addToPupil(site, leaf('bsn', site.plan.pupil.bsn ?? syntheticBsn(site.plan.random.fork('break')))!),
  },
  ...perKind(
    { overstapdossier: 'OVa.LL06', overdrachtbinnenbrin: 'OVb.LL02', 'swv-dossier': 'PaO.LL06' },
    {
      edit: (site) => {
        setSecret(site, true);
        ensurePupilAddress(site);
      },
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.LL09', overdrachtbinnenbrin: 'OVb.LL05', 'swv-dossier': 'PaO.LL09' },
    {
      edit: (site) => {
        setSecret(site, true);
        removeChildren(site.leerling, 'adreslijst');
        addToPupil(site, foreignAddress());
      },
    },
  ),
  ...perKind(
    { overstapdossier: 'OVa.LL08', overdrachtbinnenbrin: 'OVb.LL04', 'swv-dossier': 'PaO.LL08' },
    {
      edit: (site) => {
        const list = need(site, find(site.leerling, 'communicatielijst'), 'phone number for the pupil');
        const real = phoneNumber(site.plan.random.fork('break'));
        list.children!.splice(0, 1, communicatie('telefoon', 'prive', real));
        // Marked secret, but the real number travels.
        setText(find(list.children![0], 'geheim'), 'true');
      },
    },
  ),

  // Parents.
  ...perKind(
    { overstapdossier: 'OVa.OV03', overdrachtbinnenbrin: 'OVb.OV01', 'swv-dossier': 'PaO.OV03' },
    {
      edit: (site) => {
        const verzorger = need(site, find(site.leerling, 'verzorger'), 'verzorger');
        setText(find(verzorger, 'adresgeheim'), 'true');
        if (!find(verzorger, 'adreslijst'))
          insertOrdered(
            verzorger,
            el('adreslijst', address(site.plan.random.fork('break'), PLACES[1])),
            VERZORGER_ORDER,
          );
      },
    },
  ),
  {
    rule: 'PaO.OV05',
    kinds: SWV,
    edit: (site) =>
      insertOrdered(
        need(site, find(site.leerling, 'verzorger'), 'verzorger'),
        leaf('banknummer', '123456789')!,
        VERZORGER_ORDER,
      ),
  },
  {
    rule: 'OVa.LL15',
    kinds: OVERSTAP,
    edit: (site) => {
      removeFromPupil('verzorgersaansprakelijk')(site);
      // Without the flag the parents do not count as answerable; name an institution so AI01 holds.
      addToPupil(site, el('aansprakelijkeinstelling', leaf('naam', 'Stichting Jeugdzorg Oost')));
    },
  },
  {
    rule: 'OVa.AI01',
    kinds: OVERSTAP,
    when: (plan) => ['POPO', 'POVO'].includes(plan.facts.profile),
    edit: (site) =>
      setText(need(site, find(site.leerling, 'verzorgersaansprakelijk'), 'verzorgersaansprakelijk'), 'false'),
  },
  ...perKind(
    { overstapdossier: 'OVa.OV01', 'swv-dossier': 'PaO.OV01' },
    {
      edit: (site) => {
        if (find(site.leerling, 'verzorgersaansprakelijk')?.text !== 'true')
          need(site, null, 'answerable parents');
        removeFromPupil('verzorger')(site);
      },
    },
  ),
  {
    rule: 'OG.04',
    kinds: ANY_KIND,
    edit: (site) =>
      insertOrdered(
        need(site, find(site.leerling, 'verzorger'), 'verzorger'),
        leaf('overlijdensdatum', '2020-02-02')!,
        VERZORGER_ORDER,
      ),
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

export { findAll };
