import { at, textAt } from '../dossier-element';
import { DossierRule } from './dossier-rule';
import { OVERSTAPDOSSIER, SWV_DOSSIER, TransferKind, flagged, mustHold, thePupil } from './presence-rules';

/** The BSN's elfproef: weights 9..2 and -1 over the nine digits; the sum is a non-zero multiple of 11. */
export function passesElfproef(bsn: string): boolean {
  if (!/^[0-9]{9}$/.test(bsn)) return false;
  let sum = 0;
  for (let index = 0; index < 8; index++) sum += Number(bsn[index]) * (9 - index);
  sum -= Number(bsn[8]);
  return sum !== 0 && sum % 11 === 0;
}

/** Who the pupil is and where the pupil lives, as every dossier of this kind must say. */
function identityRules(kind: TransferKind): DossierRule[] {
  const pupilField = (number: string, field: string, en: string, nl: string) =>
    mustHold({
      id: `${kind.prefix}.LL${number}`,
      family: 'pupil',
      officialIn: [kind.bundle],
      appliesTo: kind.applies,
      within: (dossier) => [dossier.leerling],
      anyOf: [[field]],
      en: `In ${kind.en} the pupil has ${en} (${field}).`,
      nl: `In ${kind.nl} heeft de leerling ${nl} (${field}).`,
    });
  return [
    pupilField('01', 'voornaam', 'at least one first name', 'minimaal één voornaam'),
    pupilField('02', 'geboortedatum', 'a full birth date', 'een volledige geboortedatum'),
    pupilField(
      '04',
      'adresgeheim',
      'the indication whether the address is secret',
      'de indicatie of het adres geheim is',
    ),
    mustHold({
      id: `${kind.prefix}.LL05`,
      family: 'pupil',
      officialIn: [kind.bundle],
      appliesTo: kind.applies,
      within: (dossier) => [dossier.leerling],
      when: (leerling) => !flagged(leerling, 'adresgeheim'),
      anyOf: [['adreslijst', 'adres'], ['adresbuitenland']],
      en: `In ${kind.en} a pupil whose address is not secret has a Dutch or foreign address (adreslijst/adres or adresbuitenland).`,
      nl: `In ${kind.nl} heeft een leerling met een niet-geheim adres een Nederlands of buitenlands adres (adreslijst/adres of adresbuitenland).`,
    }),
    // The standard numbers this rule SL01 as well, like the school's address; ours is SB01 to stay unique.
    mustHold({
      id: `${kind.prefix}.SB01`,
      family: 'pupil',
      officialIn: [kind.bundle],
      appliesTo: kind.applies,
      within: (dossier) => [dossier.leerling],
      anyOf: [['schoolloopbaanlijst', 'schoolloopbaan']],
      en: `In ${kind.en} the pupil has at least one schoolloopbaan entry (schoolloopbaanlijst/schoolloopbaan).`,
      nl: `In ${kind.nl} heeft de leerling minimaal één schoolloopbaan (schoolloopbaanlijst/schoolloopbaan).`,
    }),
  ];
}

/** Pupil identity: name, birth date, address, the national number, and the BSN's elfproef. */
export const PUPIL_RULES: DossierRule[] = [
  ...identityRules(OVERSTAPDOSSIER),
  ...identityRules(SWV_DOSSIER),
  mustHold({
    id: 'OVa.LL12',
    family: 'pupil',
    officialIn: ['OV'],
    appliesTo: OVERSTAPDOSSIER.applies,
    within: thePupil,
    anyOf: [['bsn'], ['onderwijsnummer']],
    en: 'In an overstapdossier the pupil has a BSN or an onderwijsnummer.',
    nl: 'In een overstapdossier heeft de leerling een BSN of een onderwijsnummer.',
  }),
  mustHold({
    id: 'OVa.LL13',
    family: 'pupil',
    officialIn: ['OV'],
    appliesTo: (dossier) => dossier.isOverstapdossier && dossier.overstap === 'POVO',
    within: thePupil,
    anyOf: [['leerlingid']],
    en: 'In a POVO overstapdossier the pupil has the sending school’s pupil code (leerlingid).',
    nl: 'In een POVO-overstapdossier heeft de leerling de leerlingcode van de school (leerlingid).',
  }),
  mustHold({
    id: 'OVa.LL14',
    family: 'pupil',
    officialIn: ['OV'],
    appliesTo: OVERSTAPDOSSIER.applies,
    within: thePupil,
    anyOf: [['datuminschrijving']],
    en: 'In an overstapdossier the pupil has a date of enrolment (datuminschrijving).',
    nl: 'In een overstapdossier heeft de leerling een inschrijfdatum (datuminschrijving).',
  }),
  {
    id: 'BRK.LL.01',
    family: 'pupil',
    severity: 'error',
    summary: {
      en: 'A BSN passes the elfproef (11-test).',
      nl: 'Een BSN voldoet aan de elfproef.',
    },
    check: (dossier) => {
      const bsn = textAt(dossier.leerling, 'bsn');
      if (bsn === null || passesElfproef(bsn)) return [];
      // Never echo the number itself: it is personal data.
      return [
        {
          at: at(dossier.leerling, 'bsn')!,
          en: 'The pupil’s BSN fails the elfproef; check the number in the LAS.',
          nl: 'Het BSN van de leerling voldoet niet aan de elfproef; controleer het nummer in het LAS.',
        },
      ];
    },
  },
];
