import { childrenNamed, pathOf, textAt } from '../dossier-element';
import { DossierRule } from './dossier-rule';
import { OVERSTAPDOSSIER, SWV_DOSSIER, TransferKind, flagged, mustHold, thePupil } from './presence-rules';

/** Someone is answerable for the pupil: the parents (then at least one is named) or an institution. */
function liableParentsRule(kind: TransferKind): DossierRule {
  return mustHold({
    id: `${kind.prefix}.OV01`,
    family: 'verzorgers',
    appliesTo: kind.applies,
    within: thePupil,
    when: (leerling) => flagged(leerling, 'verzorgersaansprakelijk'),
    anyOf: [['verzorger']],
    en: `In ${kind.en} with verzorgersaansprakelijk = true, at least one verzorger is given.`,
    nl: `In ${kind.nl} met verzorgersaansprakelijk = true is minimaal één verzorger opgenomen.`,
  });
}

/** Parents and guardians, and who is answerable for the pupil. */
export const VERZORGER_RULES: DossierRule[] = [
  mustHold({
    id: 'OVa.LL15',
    family: 'verzorgers',
    appliesTo: OVERSTAPDOSSIER.applies,
    within: thePupil,
    anyOf: [['verzorgersaansprakelijk']],
    en: 'In an overstapdossier the pupil states whether the parents are answerable (verzorgersaansprakelijk).',
    nl: 'In een overstapdossier staat bij de leerling of de verzorgers aansprakelijk zijn (verzorgersaansprakelijk).',
  }),
  mustHold({
    id: 'OVa.AI01',
    family: 'verzorgers',
    appliesTo: (dossier) => dossier.isOverstapdossier && ['POPO', 'POVO'].includes(dossier.overstap),
    within: thePupil,
    when: (leerling) => !flagged(leerling, 'verzorgersaansprakelijk'),
    anyOf: [['aansprakelijkeinstelling']],
    en: 'In a POPO or POVO overstapdossier where the parents are not answerable, the answerable institution (aansprakelijkeinstelling) is given.',
    nl: 'In een POPO- of POVO-overstapdossier waarin de verzorgers niet aansprakelijk zijn, is de aansprakelijke instelling (aansprakelijkeinstelling) opgenomen.',
  }),
  liableParentsRule(OVERSTAPDOSSIER),
  liableParentsRule(SWV_DOSSIER),
  {
    id: 'BRK.VZ.01',
    family: 'verzorgers',
    severity: 'error',
    summary: {
      en: 'A verzorger with an overlijdensdatum is marked overleden = true.',
      nl: 'Een verzorger met een overlijdensdatum heeft overleden = true.',
    },
    check: (dossier) =>
      childrenNamed(dossier.leerling, 'verzorger')
        .filter((verzorger) => textAt(verzorger, 'overlijdensdatum') && !flagged(verzorger, 'overleden'))
        .map((verzorger) => ({
          at: verzorger,
          en: `${pathOf(verzorger)} has an overlijdensdatum but is not marked overleden = true.`,
          nl: `${pathOf(verzorger)} heeft een overlijdensdatum maar niet overleden = true.`,
        })),
  },
];
