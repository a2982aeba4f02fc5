import { DossierRule } from './dossier-rule';
import { OVERSTAPDOSSIER, SWV_DOSSIER, TransferKind, mustHold } from './presence-rules';

/** The sending school can be reached: an address and a way to contact it. */
function schoolRules(kind: TransferKind): DossierRule[] {
  return [
    mustHold({
      id: `${kind.prefix}.SL01`,
      family: 'school',
      officialIn: [kind.bundle],
      appliesTo: kind.applies,
      within: (dossier) => [dossier.school],
      anyOf: [['adreslijst', 'adres']],
      en: `In ${kind.en} the school (huidigeschool) has at least one address (adreslijst/adres).`,
      nl: `In ${kind.nl} heeft de school (huidigeschool) minimaal één adres (adreslijst/adres).`,
    }),
    mustHold({
      id: `${kind.prefix}.SL02`,
      family: 'school',
      officialIn: [kind.bundle],
      appliesTo: kind.applies,
      within: (dossier) => [dossier.school],
      anyOf: [['communicatielijst', 'communicatie']],
      en: `In ${kind.en} the school (huidigeschool) has at least one phone number or e-mail address (communicatielijst/communicatie).`,
      nl: `In ${kind.nl} heeft de school (huidigeschool) minimaal één telefoonnummer of e-mailadres (communicatielijst/communicatie).`,
    }),
  ];
}

export const SCHOOL_RULES: DossierRule[] = [...schoolRules(OVERSTAPDOSSIER), ...schoolRules(SWV_DOSSIER)];
