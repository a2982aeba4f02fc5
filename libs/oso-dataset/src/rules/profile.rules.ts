import { at } from '../dossier-element';
import { DossierRule } from './dossier-rule';

/**
 * The transfer profile (overstap) and the kind of transfer (overdrachtsoort) must tell the same story.
 * Ours (BRK): the official examples all agree with it, but the official rule set is not known to check it.
 */
export const PROFILE_RULES: DossierRule[] = [
  {
    id: 'BRK.PR.01',
    family: 'profile',
    severity: 'error',
    summary: {
      en: 'A swv-dossier has a samenwerkingsverband profile (…SWV), and such a profile is a swv-dossier.',
      nl: 'Een swv-dossier heeft een samenwerkingsverbandprofiel (…SWV), en zo’n profiel is een swv-dossier.',
    },
    check: (dossier) => {
      const swvProfile = dossier.overstap.endsWith('SWV');
      const swvDossier = dossier.overdrachtsoort === 'swv-dossier';
      if (swvProfile === swvDossier) return [];
      return [
        {
          at: at(dossier.root, 'overdrachtsoort') ?? '/dossier/overdrachtsoort',
          en: `overdrachtsoort ${dossier.overdrachtsoort} does not fit transfer profile ${dossier.overstap}.`,
          nl: `overdrachtsoort ${dossier.overdrachtsoort} past niet bij overstapprofiel ${dossier.overstap}.`,
        },
      ];
    },
  },
];
