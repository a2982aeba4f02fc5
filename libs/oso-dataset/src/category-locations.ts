/**
 * Where each category (hoofdblok) of `categorie_uitlevering` lives in a dossier: the blocks whose presence
 * means the category was sent, and under which parent. A fact of the standard, in one place: the
 * category rules (OS.catNN) look for these blocks, and the generator writes and breaks them. The grouping
 * follows the standard's schema and its validator's opt-out checks (the answerable parties belong to
 * cat_oudersverzorgers, the VO-MBO results to cat_vombo), and every official example, full and opt-out,
 * agrees with it. cat_school and cat_leerling are the dossier's core and have no opt-out check.
 */
export interface CategoryLocation {
  /** The parent the blocks stand under: the dossier root, `leerling`, or its `onderwijsondersteuning`. */
  under: 'root' | 'leerling' | 'ondersteuning';
  names: readonly string[];
}

export const CATEGORY_LOCATIONS: Readonly<Record<string, CategoryLocation>> = {
  cat_metadata: { under: 'root', names: ['metadata', 'overdrachtsoort'] },
  cat_ouderinzage: { under: 'root', names: ['inzage'] },
  cat_oudersverzorgers: {
    under: 'leerling',
    names: ['verzorger', 'verzorgersaansprakelijk', 'aansprakelijkeinstelling'],
  },
  cat_vve: {
    under: 'leerling',
    names: ['voorschools', 'vroegschools', 'vanpeuterspeelzaal', 'naampeuterspeelzaal'],
  },
  cat_schoolloopbaan: { under: 'leerling', names: ['schoolloopbaanlijst'] },
  cat_overstapadvies: { under: 'leerling', names: ['overstapadvies'] },
  cat_onderwijsondersteuning: { under: 'leerling', names: ['onderwijsondersteuning'] },
  cat_verzuim: { under: 'leerling', names: ['verzuim'] },
  cat_eindtoetsbo: { under: 'leerling', names: ['eindtoets_basisonderwijs'] },
  cat_toetsresultaten: { under: 'leerling', names: ['toetslijst'] },
  cat_handelingsplannen: { under: 'ondersteuning', names: ['handelingsplan'] },
  cat_cijferlijsten: { under: 'leerling', names: ['cijferlijstlijst'] },
  cat_vombo: {
    under: 'leerling',
    names: [
      'bevorderd',
      'examenresultaat',
      'resultaatvakkenvo',
      'certificaat',
      'competenties',
      'stage',
      'overigvombo',
    ],
  },
  cat_bijlagedocs: { under: 'leerling', names: ['overigdocumentlijst'] },
};

/** The sixteen categories in the order of `categorie_uitlevering`: the order rules report and renderings show. */
export const CATEGORY_ORDER = [
  'cat_metadata',
  'cat_ouderinzage',
  'cat_school',
  'cat_leerling',
  'cat_oudersverzorgers',
  'cat_vve',
  'cat_schoolloopbaan',
  'cat_overstapadvies',
  'cat_onderwijsondersteuning',
  'cat_verzuim',
  'cat_eindtoetsbo',
  'cat_toetsresultaten',
  'cat_handelingsplannen',
  'cat_cijferlijsten',
  'cat_vombo',
  'cat_bijlagedocs',
] as const;
export type CategoryName = (typeof CATEGORY_ORDER)[number];
