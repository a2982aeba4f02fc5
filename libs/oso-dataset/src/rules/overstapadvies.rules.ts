import { at } from '../dossier-element';
import { DossierUnderReview } from './dossier-under-review';
import { DossierRule, NOT_REACHED } from './dossier-rule';
import { OVERSTAPDOSSIER, flagged, mustHold } from './presence-rules';

const everyAdvies = (dossier: DossierUnderReview) => dossier.elementsNamed('overstapadvies');

/**
 * The sending school's advice for the next school, and whom the new school can call about it. OA02–OA05
 * sit in the official overstapadvies template, below the pupil, which the OV bundle never reaches: the
 * standard states them, so strict runs them; the official validator does not.
 */
export const OVERSTAPADVIES_RULES: DossierRule[] = [
  mustHold({
    id: 'OVa.OA01',
    family: 'overstapadvies',
    // Checked in the official pupil template, which the OV bundle reaches.
    officialIn: ['OV'],
    appliesTo: OVERSTAPDOSSIER.applies,
    within: (dossier) => [dossier.leerling],
    anyOf: [['overstapadvies']],
    en: 'An overstapdossier has the overstapadvies block.',
    nl: 'Een overstapdossier bevat het blok overstapadvies.',
  }),
  // Special-education schools (soort SO) are exempt: their pupils need not get a VO advice.
  mustHold({
    id: 'OVa.OA02',
    family: 'overstapadvies',
    officialIn: NOT_REACHED,
    appliesTo: (dossier) =>
      dossier.isOverstapdossier && dossier.overstap === 'POVO' && at(dossier.school, 'soort')?.text !== 'SO',
    within: everyAdvies,
    anyOf: [['advies']],
    en: 'A POVO overstapdossier carries the school’s advice for secondary school (overstapadvies/advies, code list 2), except from an SO school.',
    nl: 'Een POVO-overstapdossier bevat het schooladvies voor het voortgezet onderwijs (overstapadvies/advies, codelijst 2), behalve van een SO-school.',
  }),
  mustHold({
    id: 'OVa.OA03',
    family: 'overstapadvies',
    officialIn: NOT_REACHED,
    appliesTo: OVERSTAPDOSSIER.applies,
    within: everyAdvies,
    anyOf: [['contactnodig']],
    en: 'In an overstapdossier the overstapadvies states whether contact is needed (contactnodig).',
    nl: 'In een overstapdossier geeft het overstapadvies aan of contact nodig is (contactnodig).',
  }),
  mustHold({
    id: 'OVa.OA04',
    family: 'overstapadvies',
    officialIn: NOT_REACHED,
    appliesTo: OVERSTAPDOSSIER.applies,
    within: everyAdvies,
    when: (advies) => flagged(advies, 'contactnodig'),
    anyOf: [['contactpersoon']],
    en: 'contactnodig is true, so the overstapadvies names a contact person (contactpersoon).',
    nl: 'contactnodig is true, dus het overstapadvies noemt een contactpersoon (contactpersoon).',
  }),
  mustHold({
    id: 'OVa.OA05',
    family: 'overstapadvies',
    officialIn: NOT_REACHED,
    appliesTo: OVERSTAPDOSSIER.applies,
    within: everyAdvies,
    when: (advies) => flagged(advies, 'contactnodig'),
    anyOf: [['contacttelefoon']],
    en: 'contactnodig is true, so the overstapadvies gives a phone number (contacttelefoon).',
    nl: 'contactnodig is true, dus het overstapadvies geeft een telefoonnummer (contacttelefoon).',
  }),
];
