/**
 * A light, read-only element tree of a dossier that the business rules walk. `readDossierIndexed` builds
 * it first, before libxml2 parses the same bytes (refusing a shape past its limits on the way); the
 * rules read it only once libxml2 has found the dossier well-formed and schema-valid, so it only has to
 * be correct for well-formed XML, and fast.
 */
export interface DossierElement {
  /** Local name, without prefix. */
  readonly name: string;
  readonly namespace: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly DossierElement[];
  /**
   * The element's own character data (text and CDATA directly inside it), entities decoded. Runs of
   * pure whitespace between child elements are left out.
   */
  readonly text: string;
  readonly parent: DossierElement | null;
  /** Offset of the start tag in the source text; turned into a line number only when reported. */
  readonly offset: number;
}

/** An XPath-like location for messages: `/dossier/huidigeschool/leerling/adreslijst/adres[2]/postcode`. */
export function pathOf(element: DossierElement): string {
  let path = '';
  for (let node: DossierElement | null = element; node; node = node.parent) {
    path = `/${node.parent ? stepOf(node, node.parent) : node.name}${path}`;
  }
  return path;
}

/** Parents with more children than this get their steps worked out once (see `stepsOf`). */
const MANY_CHILDREN = 64;

function stepOf(node: DossierElement, parent: DossierElement): string {
  if (parent.children.length > MANY_CHILDREN) return stepsOf(parent).get(node)!;
  // The position among same-named siblings, counted without building the list of them.
  let position = 0;
  let sameNamed = 0;
  for (const sibling of parent.children) {
    if (sibling.name !== node.name) continue;
    sameNamed++;
    if (sibling === node) position = sameNamed;
  }
  return sameNamed > 1 ? `${node.name}[${position}]` : node.name;
}

/**
 * The path steps (`adres[2]`) of all children of a large parent, worked out once in one pass: a dossier
 * with thousands of same-named siblings, each with a finding, must not cost a count per finding. Only
 * such parents are cached, so ordinary dossiers add nothing for the garbage collector to trace.
 */
const stepCache = new WeakMap<DossierElement, Map<DossierElement, string>>();

function stepsOf(parent: DossierElement): Map<DossierElement, string> {
  let steps = stepCache.get(parent);
  if (steps) return steps;
  const counts = new Map<string, number>();
  for (const sibling of parent.children) counts.set(sibling.name, (counts.get(sibling.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  steps = new Map();
  for (const sibling of parent.children) {
    const position = (seen.get(sibling.name) ?? 0) + 1;
    seen.set(sibling.name, position);
    steps.set(sibling, counts.get(sibling.name)! > 1 ? `${sibling.name}[${position}]` : sibling.name);
  }
  stepCache.set(parent, steps);
  return steps;
}

export function child(element: DossierElement | null | undefined, name: string): DossierElement | null {
  if (!element) return null;
  // A plain loop: the rules call this thousands of times per dossier, and `find` costs a closure each.
  const children = element.children;
  for (let index = 0; index < children.length; index++) {
    if (children[index].name === name) return children[index];
  }
  return null;
}

export function childrenNamed(element: DossierElement | null | undefined, name: string): DossierElement[] {
  return element ? element.children.filter((candidate) => candidate.name === name) : [];
}

/** The element at a path of child names below `element`, or null. */
export function at(element: DossierElement | null | undefined, ...names: string[]): DossierElement | null {
  let current = element ?? null;
  for (let index = 0; current !== null && index < names.length; index++)
    current = child(current, names[index]);
  return current;
}

/** Trimmed text of the element at the path, or null when the element is absent. */
export function textAt(element: DossierElement | null | undefined, ...names: string[]): string | null {
  const found = at(element, ...names);
  return found ? found.text.trim() : null;
}

/** Whether the element is the last of the names in `suffix`, under parents named by the ones before it. */
export function endsWithPath(element: DossierElement, suffix: readonly string[]): boolean {
  let node: DossierElement | null = element;
  for (let index = suffix.length - 1; index >= 0; index--) {
    if (!node || node.name !== suffix[index]) return false;
    node = node.parent;
  }
  return true;
}
