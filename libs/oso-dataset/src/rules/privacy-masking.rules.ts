import { DossierElement, at } from '../dossier-element';
import { DossierRule, NOT_REACHED, RuleBreach } from './dossier-rule';
import { RuleBundle } from './dossier-under-review';
import {
  BINNEN_BRIN,
  OVERSTAPDOSSIER,
  SWV_DOSSIER,
  TransferKind,
  everyVerzorger,
  flagged,
  mustNotHold,
  thePupil,
} from './presence-rules';

/**
 * Privacy masking: what a dossier must leave out (data minimisation), what a secret address means
 * (no address at all), and how secret phone numbers and e-mail addresses are passed on (only as the
 * standard's placeholders, so the receiving school knows there is one but not what it is).
 */
export const SECRET_PHONE = '9999999999';
export const SECRET_EMAIL = 'geheim@geheim.geheim';

function forbiddenPupilField(
  id: string,
  kind: TransferKind,
  field: string,
  what: { en: string; nl: string },
) {
  return mustNotHold({
    id,
    family: 'privacy',
    officialIn: [kind.bundle],
    appliesTo: kind.applies,
    within: thePupil,
    paths: [[field]],
    en: `${what.en} (${field}) must not be sent in ${kind.en}.`,
    nl: `${what.nl} (${field}) mag niet worden meegestuurd in ${kind.nl}.`,
  });
}

function secretAddressRules(kind: TransferKind, ids: { adres: string; buitenland: string }) {
  return [
    mustNotHold({
      id: ids.adres,
      family: 'privacy',
      officialIn: [kind.bundle],
      appliesTo: kind.applies,
      within: thePupil,
      when: (leerling) => flagged(leerling, 'adresgeheim'),
      paths: [['adreslijst', 'adres']],
      en: `The pupil’s address is secret (adresgeheim = true): ${kind.en} must not hold any of the pupil’s addresses.`,
      nl: `Het adres van de leerling is geheim (adresgeheim = true): ${kind.nl} mag geen adres van de leerling bevatten.`,
    }),
    mustNotHold({
      id: ids.buitenland,
      family: 'privacy',
      officialIn: [kind.bundle],
      appliesTo: kind.applies,
      within: thePupil,
      when: (leerling) => flagged(leerling, 'adresgeheim'),
      paths: [['adresbuitenland']],
      en: `The pupil’s address is secret (adresgeheim = true): ${kind.en} must not hold a foreign address (adresbuitenland).`,
      nl: `Het adres van de leerling is geheim (adresgeheim = true): ${kind.nl} mag geen buitenlands adres (adresbuitenland) bevatten.`,
    }),
  ];
}

/** The rule lives in the official verzorger template, which only the PaO bundle reaches. */
function secretVerzorgerAddressRule(
  id: string,
  kind: TransferKind,
  officialIn: readonly RuleBundle[],
): DossierRule {
  return mustNotHold({
    id,
    family: 'privacy',
    officialIn,
    appliesTo: kind.applies,
    within: everyVerzorger,
    when: (verzorger) => flagged(verzorger, 'adresgeheim'),
    paths: [['adreslijst', 'adres']],
    en: `This verzorger’s address is secret (adresgeheim = true): ${kind.en} must not hold any of their addresses.`,
    nl: `Het adres van deze verzorger is geheim (adresgeheim = true): ${kind.nl} mag geen adres van deze verzorger bevatten.`,
  });
}

/** A secret phone number or e-mail address is sent only as the standard's placeholder. */
function secretCommunicationRule(id: string, kind: TransferKind): DossierRule {
  return {
    id,
    family: 'privacy',
    severity: 'error',
    // The official pupil template checks every communicatie of the dossier, so it runs in both bundles.
    officialIn: [kind.bundle],
    summary: {
      en: `In ${kind.en} a secret phone number is ${SECRET_PHONE} and a secret e-mail address ${SECRET_EMAIL}.`,
      nl: `In ${kind.nl} is een geheim telefoonnummer ${SECRET_PHONE} en een geheim e-mailadres ${SECRET_EMAIL}.`,
    },
    check: (dossier) => {
      if (!kind.applies(dossier)) return [];
      const breaches: RuleBreach[] = [];
      for (const communicatie of dossier.elementsNamed('communicatie')) {
        const breach = secretCommunicationBreach(communicatie);
        if (breach) breaches.push(breach);
      }
      return breaches;
    },
  };
}

function secretCommunicationBreach(communicatie: DossierElement): RuleBreach | null {
  if (!flagged(communicatie, 'geheim')) return null;
  const soort = at(communicatie, 'soort')?.text;
  const nummer = at(communicatie, 'nummer');
  const placeholder = soort === 'telefoon' ? SECRET_PHONE : soort === 'e-mail' ? SECRET_EMAIL : null;
  if (placeholder === null || nummer?.text === placeholder) return null;
  // The real number is exactly what must not travel, so the message never repeats it.
  return {
    at: nummer ?? communicatie,
    en: `This ${soort} is secret (geheim = true): send ${placeholder} instead of the real value.`,
    nl: `Deze ${soort} is geheim (geheim = true): stuur ${placeholder} in plaats van de echte waarde.`,
  };
}

const BIRTH_MONTH = { en: 'Only a birth month', nl: 'Alleen een geboortemaand' };
const POSTCODE4 = {
  en: 'A 4-digit postcode instead of an address',
  nl: 'Een postcode van 4 cijfers in plaats van een adres',
};
const BIRTH_PLACE = { en: 'The pupil’s place of birth', nl: 'De geboorteplaats van de leerling' };
const NATIONALITY = { en: 'The pupil’s nationality', nl: 'De nationaliteit van de leerling' };

export const PRIVACY_MASKING_RULES: DossierRule[] = [
  forbiddenPupilField('OVa.LL03', OVERSTAPDOSSIER, 'geboortemaand', BIRTH_MONTH),
  forbiddenPupilField('OVb.LL01', BINNEN_BRIN, 'geboortemaand', BIRTH_MONTH),
  forbiddenPupilField('PaO.LL03', SWV_DOSSIER, 'geboortemaand', BIRTH_MONTH),
  forbiddenPupilField('OVa.LL07', OVERSTAPDOSSIER, 'postcode4adres', POSTCODE4),
  forbiddenPupilField('OVb.LL03', BINNEN_BRIN, 'postcode4adres', POSTCODE4),
  forbiddenPupilField('PaO.LL07', SWV_DOSSIER, 'postcode4adres', POSTCODE4),
  forbiddenPupilField('OVa.LL10', OVERSTAPDOSSIER, 'geboorteplaats', BIRTH_PLACE),
  forbiddenPupilField('PaO.LL10', SWV_DOSSIER, 'geboorteplaats', BIRTH_PLACE),
  forbiddenPupilField('OVa.LL11', OVERSTAPDOSSIER, 'nationaliteit', NATIONALITY),
  forbiddenPupilField('PaO.LL11', SWV_DOSSIER, 'nationaliteit', NATIONALITY),
  // A samenwerkingsverband decides on support without knowing who the pupil is.
  mustNotHold({
    id: 'PaO.LL12',
    family: 'privacy',
    officialIn: ['PaO'],
    appliesTo: SWV_DOSSIER.applies,
    within: thePupil,
    paths: [['bsn'], ['onderwijsnummer']],
    en: 'A swv-dossier must not identify the pupil: leave out the BSN and the onderwijsnummer.',
    nl: 'Een swv-dossier mag de leerling niet identificeren: laat het BSN en het onderwijsnummer weg.',
  }),
  ...secretAddressRules(OVERSTAPDOSSIER, { adres: 'OVa.LL06', buitenland: 'OVa.LL09' }),
  ...secretAddressRules(BINNEN_BRIN, { adres: 'OVb.LL02', buitenland: 'OVb.LL05' }),
  ...secretAddressRules(SWV_DOSSIER, { adres: 'PaO.LL06', buitenland: 'PaO.LL09' }),
  secretVerzorgerAddressRule('OVa.OV03', OVERSTAPDOSSIER, NOT_REACHED),
  secretVerzorgerAddressRule('OVb.OV01', BINNEN_BRIN, NOT_REACHED),
  secretVerzorgerAddressRule('PaO.OV03', SWV_DOSSIER, ['PaO']),
  secretCommunicationRule('OVa.LL08', OVERSTAPDOSSIER),
  secretCommunicationRule('OVb.LL04', BINNEN_BRIN),
  secretCommunicationRule('PaO.LL08', SWV_DOSSIER),
  mustNotHold({
    id: 'PaO.OV05',
    family: 'privacy',
    officialIn: ['PaO'],
    appliesTo: SWV_DOSSIER.applies,
    within: everyVerzorger,
    paths: [['banknummer']],
    en: 'A swv-dossier must not hold a verzorger’s bank account number (banknummer).',
    nl: 'Een swv-dossier mag geen bankrekeningnummer (banknummer) van een verzorger bevatten.',
  }),
];
