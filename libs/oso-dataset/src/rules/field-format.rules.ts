import { at } from '../dossier-element';
import { BOTH_BUNDLES, DossierRule, RuleBreach } from './dossier-rule';

/**
 * The e-mail address format the standard takes from DUO: allowed characters before the @, a domain of
 * labels that neither start nor end with a hyphen. Like the official check it is anchored only at the
 * end, so it asks for a valid "local@domain" tail.
 */
const EMAIL_TAIL =
  /[a-zA-Z0-9!#$%*+=?^_`{|}~.-]+@[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/;

/** Field values whose format the schema leaves open; the official shared part checks them in both bundles. */
export const FIELD_FORMAT_RULES: DossierRule[] = [
  {
    id: 'OG.01',
    family: 'formats',
    severity: 'error',
    officialIn: BOTH_BUNDLES,
    summary: {
      en: 'An e-mail address (communicatie with soort e-mail) is 4 to 256 characters, has an @ and a valid domain.',
      nl: 'Een e-mailadres (communicatie met soort e-mail) is 4 tot 256 tekens, bevat een @ en een geldig domein.',
    },
    check: (dossier) => {
      const breaches: RuleBreach[] = [];
      for (const communicatie of dossier.elementsNamed('communicatie')) {
        if (at(communicatie, 'soort')?.text !== 'e-mail') continue;
        const nummer = at(communicatie, 'nummer');
        const address = nummer?.text ?? '';
        if (address.length >= 4 && address.length <= 256 && EMAIL_TAIL.test(address)) continue;
        // The address itself is personal data: say what is wrong, not what it is.
        breaches.push({
          at: nummer ?? communicatie,
          en: 'This e-mail address is not valid: 4 to 256 characters, one @, allowed characters before it and a domain such as school.nl after it.',
          nl: 'Dit e-mailadres is ongeldig: 4 tot 256 tekens, een @, toegestane tekens daarvoor en een domein zoals school.nl daarna.',
        });
      }
      return breaches;
    },
  },
  {
    id: 'OG.03',
    family: 'formats',
    severity: 'error',
    officialIn: BOTH_BUNDLES,
    summary: {
      en: 'An LWOO end date (lwoo_einddatum) is a 31 July.',
      nl: 'Een LWOO-einddatum (lwoo_einddatum) valt op 31 juli.',
    },
    check: (dossier) =>
      dossier
        .elementsNamed('lwoo_einddatum')
        .filter((element) => !/[0-9]{4}-07-31/.test(element.text))
        .map((element) => ({
          at: element,
          en: `lwoo_einddatum ${element.text.trim()} is not a 31 July (YYYY-07-31): LWOO ends with a school year.`,
          nl: `lwoo_einddatum ${element.text.trim()} valt niet op 31 juli (EEJJ-07-31): LWOO eindigt met een schooljaar.`,
        })),
  },
];
