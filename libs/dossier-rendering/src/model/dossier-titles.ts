import { type DossierElement, at, child, childrenNamed, textAt } from '@app/oso-dataset/dossier-element';
import { codeMeaning } from '../vocabulary';

/** Page titles per `overdrachtsoort` (code list 29); another value falls back on its code meaning. */
const TITLES: Readonly<Record<string, string>> = {
  overstapdossier: 'Overstapdossier',
  overdrachtbinnenbrin: 'Overdrachtsdossier binnen de school (zelfde BRIN)',
  'swv-dossier': 'Dossier voor het samenwerkingsverband',
};
const DEFAULT_TITLE = 'Leerlingdossier';

export function dossierTitle(root: DossierElement): string {
  const kind = child(root, 'overdrachtsoort');
  const code = kind?.text.trim() ?? '';
  if (TITLES[code]) return TITLES[code];
  const meaning = kind && code ? codeMeaning(kind, code) : null;
  return meaning ?? (code || DEFAULT_TITLE);
}

/** The pupil's name (call name, else first given name, else initials) and the sending school's name. */
export function dossierSubtitle(root: DossierElement): string {
  const school = child(root, 'huidigeschool');
  const pupil = child(school, 'leerling');
  const given =
    textAt(pupil, 'roepnaam') ??
    childrenNamed(pupil, 'voornaam')[0]?.text.trim() ??
    textAt(pupil, 'voorletters-1');
  const name = [given, textAt(pupil, 'voorvoegsel'), textAt(pupil, 'achternaam')].filter(Boolean).join(' ');
  const schoolName = at(school, 'naam')?.text.trim();
  return [name, schoolName].filter(Boolean).join(' · ');
}
