import { at, pathOf } from '../dossier-element';
import { BOTH_BUNDLES, DossierRule } from './dossier-rule';
import { OVERSTAPDOSSIER, SWV_DOSSIER, TransferKind, flagged, mustHold, thePupil } from './presence-rules';

/** Someone is answerable for the pupil: the parents (then at least one is named) or an institution. */
function liableParentsRule(kind: TransferKind): DossierRule {
  return mustHold({
    id: `${kind.prefix}.OV01`,
    family: 'verzorgers',
    // Checked in the official pupil template (is any verzorger named?), which both bundles reach.
    officialIn: [kind.bundle],
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
    officialIn: ['OV'],
    appliesTo: OVERSTAPDOSSIER.applies,
    within: thePupil,
    anyOf: [['verzorgersaansprakelijk']],
    en: 'In an overstapdossier the pupil states whether the parents are answerable (verzorgersaansprakelijk).',
    nl: 'In een overstapdossier staat bij de leerling of de verzorgers aansprakelijk zijn (verzorgersaansprakelijk).',
  }),
  mustHold({
    id: 'OVa.AI01',
    family: 'verzorgers',
    officialIn: ['OV'],
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
    // Data minimisation: a date of death only where the verzorger is marked deceased. The shared part
    // of the official validator checks every verzorger of the dossier, so it runs in both bundles.
    id: 'OG.04',
    family: 'verzorgers',
    severity: 'error',
    officialIn: BOTH_BUNDLES,
    summary: {
      en: 'A verzorger has an overlijdensdatum only when marked overleden = true.',
      nl: 'Een verzorger heeft alleen een overlijdensdatum als overleden = true.',
    },
    check: (dossier) =>
      dossier
        .elementsNamed('verzorger')
        .filter((verzorger) => at(verzorger, 'overlijdensdatum') !== null && !flagged(verzorger, 'overleden'))
        .map((verzorger) => ({
          // The date itself is personal data: say where, not what.
          at: at(verzorger, 'overlijdensdatum')!,
          en: `${pathOf(verzorger)} has an overlijdensdatum but overleden is missing or not true: leave the date out, or mark the verzorger overleden = true.`,
          nl: `${pathOf(verzorger)} heeft een overlijdensdatum maar overleden ontbreekt of is niet true: laat de datum weg, of zet overleden = true.`,
        })),
  },
];
