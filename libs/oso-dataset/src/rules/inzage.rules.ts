import { at, textAt } from '../dossier-element';
import { DossierRule } from './dossier-rule';
import { flagged, mustHold } from './presence-rules';

/** The inzage block: the parents (or the pupil of 16+) saw the dossier, when, and what they said. */
export const INZAGE_RULES: DossierRule[] = [
  {
    id: 'OVa.IZ01',
    family: 'inzage',
    severity: 'error',
    officialIn: ['OV'],
    summary: {
      en: 'An overstapdossier has the inzage block.',
      nl: 'Een overstapdossier bevat het blok inzage.',
    },
    check: (dossier) =>
      dossier.isOverstapdossier && !dossier.inzage
        ? [
            {
              at: '/dossier/inzage',
              en: 'An overstapdossier needs the inzage block: record that, when and how the parents had inzage.',
              nl: 'Een overstapdossier vereist het blok inzage: leg vast dat, wanneer en hoe de ouders inzage hadden.',
            },
          ]
        : [],
  },
  {
    id: 'OVa.IZ02',
    family: 'inzage',
    severity: 'error',
    officialIn: ['OV'],
    summary: {
      en: 'An overstapdossier has been seen by the parents (inzage/inzage = true).',
      nl: 'Een overstapdossier is door de ouders ingezien (inzage/inzage = true).',
    },
    check: (dossier) => {
      if (!dossier.isOverstapdossier || !dossier.inzage || flagged(dossier.inzage, 'inzage')) return [];
      return [
        {
          at: at(dossier.inzage, 'inzage') ?? dossier.inzage,
          en: 'An overstapdossier may only be sent after the parents had inzage: set inzage/inzage to true.',
          nl: 'Een overstapdossier mag pas worden verstuurd na inzage door de ouders: zet inzage/inzage op true.',
        },
      ];
    },
  },
  mustHold({
    id: 'OVa.IZ03',
    family: 'inzage',
    officialIn: ['OV'],
    appliesTo: (dossier) => dossier.isOverstapdossier,
    within: (dossier) => [dossier.inzage],
    when: (inzage) => flagged(inzage, 'inzage'),
    anyOf: [['inzagedatum']],
    en: 'inzage is true, so inzagedatum is required: give the date on which the parents had inzage.',
    nl: 'inzage is true, dus de inzagedatum is verplicht: vul de datum in waarop de ouders inzage hadden.',
  }),
  mustHold({
    id: 'OVa.IZ04',
    family: 'inzage',
    officialIn: ['OV'],
    appliesTo: (dossier) => dossier.isOverstapdossier,
    within: (dossier) => [dossier.inzage],
    when: (inzage) => flagged(inzage, 'inzage'),
    anyOf: [['akkoord']],
    en: 'inzage is true, so akkoord is required: state whether the parents agree with the content (Ja, Nee, Onbekend).',
    nl: 'inzage is true, dus akkoord is verplicht: geef aan of de ouders het eens zijn met de inhoud (Ja, Nee, Onbekend).',
  }),
  mustHold({
    id: 'OVa.IZ05',
    family: 'inzage',
    officialIn: ['OV'],
    appliesTo: (dossier) => dossier.isOverstapdossier && dossier.overstap === 'VOVO',
    within: (dossier) => [dossier.inzage],
    anyOf: [['toestemming']],
    en: 'A VOVO transfer needs inzage/toestemming (Ja, Nee or Onbekend).',
    nl: 'Een VOVO-overstap vereist inzage/toestemming (Ja, Nee of Onbekend).',
  }),
  {
    id: 'BRK.IZ.01',
    family: 'inzage',
    severity: 'error',
    summary: {
      en: 'When the parents do not agree (akkoord = Nee), their reason (redennietakkoord) is included.',
      nl: 'Als de ouders niet akkoord zijn (akkoord = Nee), is hun reden (redennietakkoord) opgenomen.',
    },
    check: (dossier) => {
      if (textAt(dossier.inzage, 'akkoord') !== 'Nee' || textAt(dossier.inzage, 'redennietakkoord'))
        return [];
      return [
        {
          at: at(dossier.inzage, 'akkoord')!,
          en: 'akkoord is Nee: the parents’ reason must be added as redennietakkoord (their zienswijze is part of the dossier).',
          nl: 'akkoord is Nee: de reden van de ouders moet als redennietakkoord worden opgenomen (hun zienswijze hoort bij het dossier).',
        },
      ];
    },
  },
];
