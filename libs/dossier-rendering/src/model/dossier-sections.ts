import { CATEGORY_LOCATIONS } from '@app/oso-dataset/category-locations';
import { type DossierElement, child, pathOf } from '@app/oso-dataset/dossier-element';
import { CATEGORY_ORDER, type CategoryName } from '../vocabulary';

/**
 * Which category each part of a dossier belongs to, as libs/oso-dataset/src/category-locations.ts says
 * (the one place that knows it). An element no category claims belongs to the category of its parent:
 * the school's own fields to cat_school, the pupil's own fields to cat_leerling, the rest of the
 * onderwijsondersteuning to cat_onderwijsondersteuning, so that nothing is lost.
 */
export interface DossierSections {
  /** The elements each category shows, in document order (siblings under one parent), with their paths. */
  elements: ReadonlyMap<CategoryName, { element: DossierElement; path: string }[]>;
  /** The category of every element that starts a category's part. */
  claims: ReadonlyMap<DossierElement, CategoryName>;
}

type Under = 'root' | 'leerling' | 'ondersteuning';

const CLAIMS_BY_PARENT: Readonly<Record<Under, ReadonlyMap<string, CategoryName>>> = (() => {
  const index: Record<Under, Map<string, CategoryName>> = {
    root: new Map(),
    leerling: new Map(),
    ondersteuning: new Map(),
  };
  for (const [category, location] of Object.entries(CATEGORY_LOCATIONS)) {
    for (const name of location.names) index[location.under].set(name, category as CategoryName);
  }
  return index;
})();

const SCHOOL = 'huidigeschool';
const PUPIL = 'leerling';
const SUPPORT = 'onderwijsondersteuning';

export function dossierSections(root: DossierElement): DossierSections {
  const elements = new Map<CategoryName, { element: DossierElement; path: string }[]>(
    CATEGORY_ORDER.map((category) => [category, []]),
  );
  const claims = new Map<DossierElement, CategoryName>();
  const rootPath = `/${root.name}`;
  const claim = (element: DossierElement, category: CategoryName, parentPath: string, step: string) => {
    claims.set(element, category);
    elements.get(category)!.push({ element, path: `${parentPath}/${step}` });
  };
  const school = child(root, SCHOOL);
  const pupil = child(school, PUPIL);
  const support = child(pupil, SUPPORT);
  forEachChild(root, (element, step) => {
    if (element === school) claims.set(element, 'cat_school');
    else claim(element, CLAIMS_BY_PARENT.root.get(element.name) ?? 'cat_metadata', rootPath, step);
  });
  if (school) {
    const schoolPath = `${rootPath}/${SCHOOL}`;
    forEachChild(school, (element, step) => {
      if (element === pupil) claims.set(element, 'cat_leerling');
      else claim(element, 'cat_school', schoolPath, step);
    });
  }
  if (pupil) {
    const pupilPath = pathOf(pupil);
    forEachChild(pupil, (element, step) =>
      claim(element, CLAIMS_BY_PARENT.leerling.get(element.name) ?? 'cat_leerling', pupilPath, step),
    );
  }
  if (support) {
    const supportPath = pathOf(support);
    forEachChild(support, (element, step) => {
      const category = CLAIMS_BY_PARENT.ondersteuning.get(element.name);
      // The rest of the onderwijsondersteuning is walked inside it, in its own section.
      if (category) claim(element, category, supportPath, step);
    });
  }
  return { elements, claims };
}

/** Each child with its path step (`adres[2]`), worked out in one pass. */
function forEachChild(parent: DossierElement, visit: (element: DossierElement, step: string) => void): void {
  const counts = new Map<string, number>();
  for (const element of parent.children) counts.set(element.name, (counts.get(element.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const element of parent.children) {
    const position = (seen.get(element.name) ?? 0) + 1;
    seen.set(element.name, position);
    visit(element, counts.get(element.name)! > 1 ? `${element.name}[${position}]` : element.name);
  }
}
