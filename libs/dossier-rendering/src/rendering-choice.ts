/**
 * What a reader asks to see of a version: in which format, and in which form. The forms exist because
 * not every reader may see every part (issue #12): staff without a need for special categories of personal
 * data, and one parent who must not get the other verzorger's contact details.
 */
export const RENDERING_FORMATS = ['html', 'pdf'] as const;
export type RenderingFormat = (typeof RENDERING_FORMATS)[number];

export const RENDERING_FORMS = ['complete', 'without-special-categories', 'for-verzorger'] as const;
export type RenderingForm = (typeof RENDERING_FORMS)[number];

/**
 * - `complete`: everything the version holds, except what the dossier marks secret (never shown).
 * - `without-special-categories`: without health data, diagnoses and support plans
 *   (cat_onderwijsondersteuning, cat_handelingsplannen) and without any attachment; each marked as left out.
 * - `for-verzorger`: the inzage copy for one parent: everything, but the other verzorgers' contact details
 *   (addresses, phone numbers, e-mail) left out. `verzorger` is the 1-based position of that parent among
 *   the dossier's `verzorger` elements, in document order.
 */
export type RenderingChoice =
  | { form: 'complete' }
  | { form: 'without-special-categories' }
  | { form: 'for-verzorger'; verzorger: number };

export const COMPLETE_RENDERING: RenderingChoice = { form: 'complete' };

/** How many hex digits of the content hash the rendering shows as its short form, on every page. */
export const SHORT_HASH_LENGTH = 8;

/**
 * The Content-Security-Policy a served HTML rendering goes with. The page is self-contained and must run
 * nothing (no scripts, no fetches; styles and data images only); it is sandboxed, but may still hand the
 * reader its attachments, each a download of its own (`allow-downloads`).
 */
export const RENDERED_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox allow-downloads";
