import { at, holdsData, textAt } from '../dossier-element';
import { DossierRule } from './dossier-rule';

/** The BSN's elfproef: weights 9..2 and -1 over the nine digits; the sum is a non-zero multiple of 11. */
export function passesElfproef(bsn: string): boolean {
  if (!/^[0-9]{9}$/.test(bsn)) return false;
  let sum = 0;
  for (let index = 0; index < 8; index++) sum += Number(bsn[index]) * (9 - index);
  sum -= Number(bsn[8]);
  return sum !== 0 && sum % 11 === 0;
}

/** Pupil identity and the privacy of a secret address. */
export const PUPIL_RULES: DossierRule[] = [
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
  {
    id: 'BRK.LL.02',
    family: 'pupil',
    severity: 'error',
    summary: {
      en: 'A secret address (adresgeheim = true) is not sent: no address of the pupil in the dossier.',
      nl: 'Een geheim adres (adresgeheim = true) wordt niet meegestuurd: geen adres van de leerling in het dossier.',
    },
    check: (dossier) => {
      const secret = textAt(dossier.leerling, 'adresgeheim');
      if (secret !== 'true' && secret !== '1') return [];
      return ['adreslijst', 'adresbuitenland']
        .map((name) => at(dossier.leerling, name))
        .filter((element) => element !== null && holdsData(element))
        .map((element) => ({
          at: element!,
          en: 'adresgeheim is true: the pupil’s address must be left out of the dossier.',
          nl: 'adresgeheim is true: het adres van de leerling moet uit het dossier worden weggelaten.',
        }));
    },
  },
];
