import { address, communicatie, phoneNumber } from './contact-parts';
import {
  ANY_KIND,
  BreakSite,
  BreakerSpec,
  OVERSTAP,
  OV_BUNDLE,
  SWV,
  VERZORGER_ORDER,
  addToPupil,
  categoryRuleIfRequired,
  need,
  perKind,
} from './breaker-kit';
import { PLACES } from './vocabulary';
import { el, find, insertOrdered, leaf, removeChildren, setText } from './xml-node';
import { syntheticBsn } from './pupil-numbers';

const removeFromPupil =
  (...names: string[]) =>
  (site: BreakSite) => {
    if (!removeChildren(site.leerling, ...names)) need(site, null, names.join(' or '));
  };

function setSecret(site: BreakSite, secret: boolean): void {
  setText(need(site, find(site.leerling, 'adresgeheim'), 'adresgeheim'), String(secret));
}

function ensurePupilAddress(site: BreakSite): void {
  if (!find(site.leerling, 'adreslijst'))
    addToPupil(site, el('adreslijst', address(site.plan.random.fork('break'), PLACES[0], 'gba')));
}

const foreignAddress = () => leaf('adresbuitenland', 'Rue des Tilleuls 4, Liège')!;

/** Breakers of the school, the pupil's identity and privacy, and the parents. */
export const PUPIL_BREAKERS: BreakerSpec[] = [
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
