import { type DossierElement, child } from '@app/oso-dataset/dossier-element';
import { fieldLabel } from '../vocabulary';
import { ATTACHMENT_ELEMENT } from './dossier-attachments';
import { isTrue, secretValue } from './field-values';
import { isFlat, isListOfFlatItems, tableOf } from './flat-tables';
import { ATTACHMENT_LEFT_OUT, CONTACT_DETAILS_LEFT_OUT } from './form-notices';
import { leafFields } from './leaf-fields';
import type { RenderedAttachment, RenderedBlock, RenderedField } from './rendered-dossier';

/**
 * The generic walk from dossier elements to blocks: every leaf becomes a field (or a table cell), every
 * attribute a field of its own, repeated flat elements a table, other nested elements a group. No list of
 * fields: what the dossier holds is what is shown, except the values the dossier marks secret and the
 * parts the form leaves out, which are replaced before they reach the model.
 */
export interface WalkContext {
  /** The elements a category other than the one being walked claims: skipped here, shown in their own section. */
  claimedElsewhere(element: DossierElement): boolean;
  /** The attachment of each `document`; null when the form leaves every attachment out. */
  attachments: ReadonlyMap<DossierElement, RenderedAttachment> | null;
  /** Verzorgers whose contact details the form leaves out. */
  contactsLeftOut: ReadonlySet<DossierElement>;
}

/** What a secret address (`adresgeheim`) covers of its person. */
const ADDRESS_ELEMENTS: ReadonlySet<string> = new Set(['adreslijst', 'postcode4adres', 'adresbuitenland']);
/** What the inzage copy for one verzorger leaves out of the others. */
const CONTACT_ELEMENTS: ReadonlySet<string> = new Set([...ADDRESS_ELEMENTS, 'communicatielijst']);

/**
 * The blocks of a section made of these sibling elements (all under one parent: the root, the school, the
 * pupil…), in document order, each with its path.
 */
export function sectionBlocks(
  elements: readonly { element: DossierElement; path: string }[],
  context: WalkContext,
): RenderedBlock[] {
  // A section of one nested element (overstapadvies, verzuim, toetslijst…) shows its content directly:
  // the section's title already names it.
  if (elements.length === 1 && elements[0].element.children.length > 0) {
    return contentOf(elements[0].element, elements[0].path, context);
  }
  const kids = elements.map(({ element }) => element);
  return walkSiblings(kids, kids[0]?.parent ?? null, (index) => elements[index].path, context);
}

/** The blocks of one element's children: a table for a list of flat items, else the walk. */
function contentOf(element: DossierElement, path: string, context: WalkContext): RenderedBlock[] {
  return listOrContent(element, path, context).blocks;
}

function listOrContent(
  element: DossierElement,
  path: string,
  context: WalkContext,
): { blocks: RenderedBlock[]; list: boolean } {
  const kids = element.children.filter((kid) => !context.claimedElsewhere(kid));
  const steps = stepsOf(kids);
  const pathAt = (index: number) => `${path}/${steps[index]}`;
  if (isListOfFlatItems(element, kids)) {
    const paths = kids.map((_, index) => pathAt(index));
    return { blocks: [tableOf(kids, paths, fieldLabel(element), context)], list: true };
  }
  return { blocks: walkSiblings(kids, element, pathAt, context), list: false };
}

function walkSiblings(
  kids: readonly DossierElement[],
  owner: DossierElement | null,
  pathAt: (index: number) => string,
  context: WalkContext,
): RenderedBlock[] {
  const walk = new BlockWalk(context);
  const counts = countByName(kids);
  const positions = new Map<string, number>();
  for (let index = 0; index < kids.length; index++) {
    const kid = kids[index];
    const position = (positions.get(kid.name) ?? 0) + 1;
    positions.set(kid.name, position);
    walk.add(kid, owner, pathAt(index), position, counts.get(kid.name)!, kids, pathAt);
  }
  return walk.finish();
}

class BlockWalk {
  private readonly blocks: RenderedBlock[] = [];
  private fields: RenderedField[] | null = null;
  /** Names already shown as one table, or as one mask, among these siblings. */
  private readonly done = new Set<string>();

  constructor(private readonly context: WalkContext) {}

  add(
    element: DossierElement,
    owner: DossierElement | null,
    path: string,
    position: number,
    count: number,
    siblings: readonly DossierElement[],
    pathAt: (index: number) => string,
  ): void {
    const context = this.context;
    if (element.name === ATTACHMENT_ELEMENT) {
      const attachment = context.attachments?.get(element);
      this.push(
        attachment
          ? { kind: 'attachment', attachment }
          : { kind: 'notice', tone: 'left-out', text: ATTACHMENT_LEFT_OUT },
      );
      return;
    }
    if (owner && context.contactsLeftOut.has(owner) && CONTACT_ELEMENTS.has(element.name)) {
      if (!this.once('left-out contacts')) return;
      this.push({ kind: 'notice', tone: 'left-out', text: CONTACT_DETAILS_LEFT_OUT });
      return;
    }
    if (owner && ADDRESS_ELEMENTS.has(element.name) && isTrue(child(owner, 'adresgeheim'))) {
      if (!this.once(`secret ${element.name}`)) return;
      this.field({ label: fieldLabel(element), value: secretValue(), path });
      return;
    }
    if (element.children.length === 0) {
      for (const field of leafFields(element, owner, path)) this.field(field);
      return;
    }
    if (count > 1 && isFlat(element)) {
      const key = `table ${element.name}`;
      if (this.done.has(key)) return;
      const items: DossierElement[] = [];
      const paths: string[] = [];
      siblings.forEach((sibling, index) => {
        if (sibling.name !== element.name) return;
        items.push(sibling);
        paths.push(pathAt(index));
      });
      // Mixed items (some nested) are each a group of their own, like any repeated element.
      if (items.every(isFlat)) {
        this.done.add(key);
        this.push(tableOf(items, paths, fieldLabel(element), context));
        return;
      }
    }
    const { blocks: content, list } = listOrContent(element, path, context);
    if (content.length === 0) return;
    if (list) {
      // A list wrapper (adreslijst, schoolloopbaanlijst): its table is captioned with its name.
      this.push(content[0]);
      return;
    }
    const heading = count > 1 ? `${fieldLabel(element)} ${position}` : fieldLabel(element);
    this.push({ kind: 'group', heading, blocks: content });
  }

  finish(): RenderedBlock[] {
    this.fields = null;
    return this.blocks;
  }

  private once(key: string): boolean {
    if (this.done.has(key)) return false;
    this.done.add(key);
    return true;
  }

  private field(field: RenderedField): void {
    if (!this.fields) {
      this.fields = [];
      this.blocks.push({ kind: 'fields', fields: this.fields });
    }
    this.fields.push(field);
  }

  private push(block: RenderedBlock): void {
    this.fields = null;
    this.blocks.push(block);
  }
}

function countByName(elements: readonly DossierElement[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const element of elements) counts.set(element.name, (counts.get(element.name) ?? 0) + 1);
  return counts;
}

/** The path steps (`adres[2]`) of siblings, worked out in one pass. */
function stepsOf(elements: readonly DossierElement[]): string[] {
  const counts = countByName(elements);
  const seen = new Map<string, number>();
  return elements.map((element) => {
    const position = (seen.get(element.name) ?? 0) + 1;
    seen.set(element.name, position);
    return counts.get(element.name)! > 1 ? `${element.name}[${position}]` : element.name;
  });
}
