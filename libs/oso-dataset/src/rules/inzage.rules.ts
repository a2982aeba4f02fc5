import { at, textAt } from '../dossier-element';
import { DossierRule } from './dossier-rule';

/** The inzage block: the parents (or the pupil of 16+) saw the dossier, when, and what they said. */
export const INZAGE_RULES: DossierRule[] = [
  {
    id: 'OSO.IZ.01',
    family: 'inzage',
    severity: 'error',
    summary: {
      en: 'An overstapdossier has an inzage block stating that the parents had inzage (inzage = true).',
      nl: 'Een overstapdossier bevat een inzageblok waaruit blijkt dat de ouders inzage hebben gehad (inzage = true).',
    },
    check: (dossier) => {
      if (dossier.overdrachtsoort !== 'overstapdossier') return [];
      const seen = textAt(dossier.inzage, 'inzage');
      if (seen === 'true' || seen === '1') return [];
      return [
        {
          at: dossier.inzage ? (at(dossier.inzage, 'inzage') ?? dossier.inzage) : '/dossier/inzage',
          en: 'An overstapdossier may only be sent after the parents had inzage: set inzage/inzage to true.',
          nl: 'Een overstapdossier mag pas worden verstuurd na inzage door de ouders: zet inzage/inzage op true.',
        },
      ];
    },
  },
  {
    id: 'OSO.IZ.02',
    family: 'inzage',
    severity: 'error',
    summary: {
      en: 'When there was inzage, its date (inzagedatum) is given.',
      nl: 'Als er inzage is geweest, is de inzagedatum ingevuld.',
    },
    check: (dossier) => {
      const seen = textAt(dossier.inzage, 'inzage');
      if ((seen !== 'true' && seen !== '1') || textAt(dossier.inzage, 'inzagedatum')) return [];
      return [
        {
          at: dossier.inzage!,
          en: 'inzage is true but inzagedatum is missing: give the date on which the parents had inzage.',
          nl: 'inzage is true maar de inzagedatum ontbreekt: vul de datum in waarop de ouders inzage hadden.',
        },
      ];
    },
  },
  {
    id: 'OSO.IZ.03',
    family: 'inzage',
    severity: 'error',
    summary: {
      en: 'A VOVO transfer states toestemming (the parents’ consent).',
      nl: 'Bij een VOVO-overstap is toestemming ingevuld.',
    },
    check: (dossier) => {
      if (dossier.overstap !== 'VOVO' || textAt(dossier.inzage, 'toestemming')) return [];
      return [
        {
          at: dossier.inzage ?? '/dossier/inzage',
          en: 'A VOVO transfer needs inzage/toestemming (Ja, Nee or Onbekend).',
          nl: 'Een VOVO-overstap vereist inzage/toestemming (Ja, Nee of Onbekend).',
        },
      ];
    },
  },
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
