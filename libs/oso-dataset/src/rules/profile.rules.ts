import { at } from '../dossier-element';
import { DossierRule } from './dossier-rule';
import { mustNotHold } from './presence-rules';

/**
 * The transfer profile (`overstap`) and the kind of transfer (`overdrachtsoort`), and the blocks a
 * profile may not carry. Each bundle of the official validator refuses a kind of transfer that is not
 * its own, so a profile and a kind that contradict each other never pass.
 */
const OV_PROFILES = ['POPO', 'POVO', 'VOVO'];

export const PROFILE_RULES: DossierRule[] = [
  {
    id: 'OVa.OS01',
    family: 'profile',
    severity: 'error',
    officialIn: ['OV'],
    summary: {
      en: 'An overstapdossier states its transfer profile (metadata/overstap).',
      nl: 'Een overstapdossier vermeldt de soort overstap (metadata/overstap).',
    },
    check: (dossier) =>
      dossier.isOverstapdossier && !at(dossier.metadata, 'overstap')
        ? [
            {
              at: dossier.metadata ?? '/dossier/metadata',
              en: 'An overstapdossier needs metadata/overstap (POPO, POVO or VOVO).',
              nl: 'Een overstapdossier vereist metadata/overstap (POPO, POVO of VOVO).',
            },
          ]
        : [],
  },
  {
    id: 'OVa.OS02',
    family: 'profile',
    severity: 'error',
    officialIn: ['OV'],
    summary: {
      en: 'The profile of an overstapdossier is POPO, POVO or VOVO.',
      nl: 'De soort overstap van een overstapdossier is POPO, POVO of VOVO.',
    },
    check: (dossier) => {
      const overstap = at(dossier.metadata, 'overstap');
      if (!dossier.isOverstapdossier || !overstap || OV_PROFILES.includes(overstap.text)) return [];
      return [
        {
          at: overstap,
          en: `An overstapdossier has profile POPO, POVO or VOVO, not "${overstap.text}".`,
          nl: `Een overstapdossier heeft soort overstap POPO, POVO of VOVO, niet "${overstap.text}".`,
        },
      ];
    },
  },
  {
    id: 'OVa.OS03',
    family: 'profile',
    severity: 'error',
    officialIn: ['OV'],
    summary: {
      en: 'A transfer between schools is an overstapdossier or an overdrachtbinnenbrin.',
      nl: 'Een overdracht tussen scholen is een overstapdossier of een overdrachtbinnenbrin.',
    },
    check: (dossier) => {
      if (
        dossier.bundle !== 'OV' ||
        ['overstapdossier', 'overdrachtbinnenbrin'].includes(dossier.overdrachtsoort)
      )
        return [];
      return [
        {
          at: at(dossier.root, 'overdrachtsoort') ?? '/dossier/overdrachtsoort',
          en: `Profile ${dossier.overstap || '(none)'} is a transfer between schools: overdrachtsoort must be overstapdossier or overdrachtbinnenbrin, not "${dossier.overdrachtsoort}".`,
          nl: `Soort overstap ${dossier.overstap || '(geen)'} is een overdracht tussen scholen: overdrachtsoort moet overstapdossier of overdrachtbinnenbrin zijn, niet "${dossier.overdrachtsoort}".`,
        },
      ];
    },
  },
  {
    id: 'PaO.SO03',
    family: 'profile',
    severity: 'error',
    officialIn: ['PaO'],
    summary: {
      en: 'A dossier with profile POSWV or VOSWV is a swv-dossier.',
      nl: 'Een dossier met soort overstap POSWV of VOSWV is een swv-dossier.',
    },
    check: (dossier) =>
      dossier.bundle === 'PaO' && dossier.overdrachtsoort !== 'swv-dossier'
        ? [
            {
              at: at(dossier.root, 'overdrachtsoort') ?? '/dossier/overdrachtsoort',
              en: `Profile ${dossier.overstap} is a request to a samenwerkingsverband: overdrachtsoort must be swv-dossier.`,
              nl: `Soort overstap ${dossier.overstap} is een aanvraag bij een samenwerkingsverband: overdrachtsoort moet swv-dossier zijn.`,
            },
          ]
        : [],
  },
  // Pre-school (VVE) data is only for the move to another primary school.
  ...(['voorschools', 'vroegschools'] as const).map((block, index) =>
    mustNotHold({
      id: `OVa.VV0${index + 1}`,
      family: 'profile',
      officialIn: ['OV'],
      appliesTo: (dossier) => dossier.isOverstapdossier && dossier.overstap !== 'POPO',
      within: (dossier) => [dossier.leerling],
      paths: [[block]],
      en: `${block} is only allowed in a POPO overstapdossier.`,
      nl: `${block} is alleen toegestaan in een POPO-overstapdossier.`,
    }),
  ),
  ...(['vanpeuterspeelzaal', 'naampeuterspeelzaal', 'voorschools', 'vroegschools'] as const).map(
    (block, index) =>
      mustNotHold({
        id: `PaO.VV0${index + 1}`,
        family: 'profile',
        officialIn: ['PaO'],
        appliesTo: (dossier) => dossier.isSwvDossier && dossier.overstap === 'VOSWV',
        within: (dossier) => [dossier.leerling],
        paths: [[block]],
        en: `${block} is not allowed in a VOSWV swv-dossier.`,
        nl: `${block} is niet toegestaan in een VOSWV-swv-dossier.`,
      }),
  ),
  // A primary school's request carries no secondary-school results, nor (yet) an eindtoets.
  ...(
    [
      ['PaO.EB01', 'eindtoets_basisonderwijs'],
      ['PaO.VM01', 'bevorderd'],
      ['PaO.VM02', 'examenresultaat'],
      ['PaO.VM03', 'resultaatvakkenvo'],
      ['PaO.VM04', 'certificaat'],
      ['PaO.VM05', 'competenties'],
      ['PaO.VM06', 'stage'],
      ['PaO.VM07', 'overigvombo'],
    ] as const
  ).map(([id, block]) =>
    mustNotHold({
      id,
      family: 'profile',
      officialIn: ['PaO'],
      appliesTo: (dossier) => dossier.isSwvDossier && dossier.overstap === 'POSWV',
      within: (dossier) => [dossier.leerling],
      paths: [[block]],
      en: `${block} is not allowed in a POSWV swv-dossier.`,
      nl: `${block} is niet toegestaan in een POSWV-swv-dossier.`,
    }),
  ),
];
