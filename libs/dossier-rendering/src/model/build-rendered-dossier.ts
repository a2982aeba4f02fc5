import { type DossierElement, child, pathOf } from '@app/oso-dataset/dossier-element';
import { readDossierIndexed } from '@app/oso-dataset/read-dossier-tree';
import { type RenderingChoice, SHORT_HASH_LENGTH } from '../rendering-choice';
import { RenderingError } from '../rendering-error';
import { CATEGORY_ORDER, type CategoryName, categoryTitle, notSentNotice } from '../vocabulary';
import { ATTACHMENT_ELEMENT, attachmentOf } from './dossier-attachments';
import { dossierSections } from './dossier-sections';
import { dossierSubtitle, dossierTitle } from './dossier-titles';
import { type WalkContext, sectionBlocks } from './dossier-walk';
import { leafFields } from './leaf-fields';
import {
  EMPTY_SECTION_NOTICE,
  INZAGE_SHOWN_ABOVE,
  SPECIAL_CATEGORY_LEFT_OUT,
  WITHOUT_SPECIAL_CATEGORIES_NOTICE,
  ZIENSWIJZE_HEADING,
  forVerzorgerNotice,
} from './form-notices';
import type {
  RenderedAttachment,
  RenderedDossier,
  RenderedField,
  RenderedSection,
  RenderedZienswijze,
} from './rendered-dossier';

/** Who the version is, as the broker (or the CLI) knows it: shown on every page. */
export interface VersionIdentity {
  versionNumber: number | null;
  /** Canonical SHA-256 (hex) of the version. */
  contentHash: string;
}

/** Health data, diagnoses and support plans: special categories of personal data (AVG art. 9). */
export const SPECIAL_CATEGORIES: ReadonlySet<CategoryName> = new Set([
  'cat_onderwijsondersteuning',
  'cat_handelingsplannen',
]);

const DELIVERY_VALUES = ['VERPLICHT', 'OPTIONEEL', 'VERBODEN', 'OPT-UIT'] as const;
type Delivery = (typeof DELIVERY_VALUES)[number];

const VERZORGER = 'verzorger';
const INZAGE = 'inzage';
const REMARKS = 'redennietakkoord';

/**
 * Reads a validated dossier version into the model both renderers draw. Throws RenderingError
 * ('VERZORGER_NOT_IN_DOSSIER') when `for-verzorger` names a position without a verzorger.
 */
export function buildRenderedDossier(
  bytes: Buffer,
  identity: VersionIdentity,
  choice: RenderingChoice,
): RenderedDossier {
  const tree = readDossierIndexed(bytes);
  const root = tree.root;
  const verzorgers = tree.byName.get(VERZORGER) ?? [];
  const contactsLeftOut = new Set<DossierElement>();
  if (choice.form === 'for-verzorger') {
    const position = choice.verzorger;
    if (!Number.isInteger(position) || position < 1 || position > verzorgers.length) {
      throw new RenderingError(
        'VERZORGER_NOT_IN_DOSSIER',
        `This dossier version has no verzorger at position ${String(position)}: it holds ` +
          `${verzorgers.length} verzorger element(s), numbered from 1 in document order.`,
      );
    }
    verzorgers.forEach((verzorger, index) => index !== position - 1 && contactsLeftOut.add(verzorger));
  }
  const withoutSpecial = choice.form === 'without-special-categories';
  // Numbered among all attachments, in every form; this form decodes none of them.
  const documents = tree.byName.get(ATTACHMENT_ELEMENT) ?? [];
  const attachments: RenderedAttachment[] = withoutSpecial
    ? []
    : documents.map((document, index) => attachmentOf(document, index + 1));
  const attachmentByElement = withoutSpecial
    ? null
    : new Map(documents.map((document, index) => [document, attachments[index]]));

  const { elements, claims } = dossierSections(root);
  const table = child(child(root, 'metadata'), 'categorie_uitlevering');
  const zienswijze = zienswijzeOf(child(root, INZAGE));
  const sections = CATEGORY_ORDER.map((category): RenderedSection => {
    const context: WalkContext = {
      claimedElsewhere: (element) => {
        const claimed = claims.get(element);
        return claimed !== undefined && claimed !== category;
      },
      attachments: attachmentByElement,
      contactsLeftOut,
    };
    const delivery = deliveryOf(child(table, category));
    const notSent = delivery === 'VERBODEN' || delivery === 'OPT-UIT' ? delivery : null;
    const base = { category, title: categoryTitle(category), delivery };
    if (withoutSpecial && SPECIAL_CATEGORIES.has(category)) {
      return notSent
        ? { ...base, status: 'not-sent', notice: notSentNotice(category, notSent), blocks: [] }
        : { ...base, status: 'left-out', notice: SPECIAL_CATEGORY_LEFT_OUT, blocks: [] };
    }
    const title = categoryTitle(category);
    // A part named like its category (metadata in "Over dit dossier") needs no second heading.
    let blocks = sectionBlocks(elements.get(category)!, context).flatMap((block) =>
      block.kind === 'group' && block.heading === title ? block.blocks : [block],
    );
    if (category === 'cat_ouderinzage' && zienswijze && blocks.length > 0) {
      blocks = [{ kind: 'notice', tone: 'info', text: INZAGE_SHOWN_ABOVE }];
    }
    // Data in a category the table says was not sent cannot be in a valid dossier; if it is, it is
    // shown under the notice rather than lost.
    if (notSent) return { ...base, status: 'not-sent', notice: notSentNotice(category, notSent), blocks };
    return blocks.length > 0
      ? { ...base, status: 'shown', notice: null, blocks }
      : { ...base, status: 'empty', notice: EMPTY_SECTION_NOTICE, blocks };
  });

  return {
    identity: {
      versionNumber: identity.versionNumber,
      contentHash: identity.contentHash,
      shortHash: identity.contentHash.slice(0, SHORT_HASH_LENGTH),
    },
    choice,
    title: dossierTitle(root),
    subtitle: dossierSubtitle(root),
    formNotice:
      choice.form === 'without-special-categories'
        ? WITHOUT_SPECIAL_CATEGORIES_NOTICE
        : choice.form === 'for-verzorger'
          ? forVerzorgerNotice(choice.verzorger)
          : null,
    zienswijze,
    sections,
    attachments,
  };
}

function deliveryOf(element: DossierElement | null): Delivery | null {
  const text = element?.text.trim();
  return DELIVERY_VALUES.find((value) => value === text) ?? null;
}

/** Every field of the inzage block, and the parents' own words. */
function zienswijzeOf(inzage: DossierElement | null): RenderedZienswijze | null {
  if (!inzage) return null;
  const fields: RenderedField[] = [];
  const visit = (element: DossierElement, path: string) => {
    for (const kid of element.children) {
      const kidPath = `${path}/${kid.name}`;
      if (kid.children.length === 0) fields.push(...leafFields(kid, element, kidPath));
      else visit(kid, kidPath);
    }
  };
  visit(inzage, pathOf(inzage));
  const remarks = child(inzage, REMARKS)?.text.trim();
  return { heading: ZIENSWIJZE_HEADING, fields, remarks: remarks ? remarks : null };
}
