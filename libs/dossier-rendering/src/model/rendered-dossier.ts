import type { RenderingChoice } from '../rendering-choice';

/**
 * The one reading of a dossier version that both the HTML page and the PDF are made from, so that what the
 * parents saw and what the receiving school reads cannot differ (issue #12). Built from the exact bytes of
 * a validated version; every text in it is Dutch and ready to show. Values the dossier marks secret, and
 * parts a form leaves out, never enter the model: a renderer cannot show what it was not given.
 */
export interface RenderedDossier {
  identity: RenderedIdentity;
  choice: RenderingChoice;
  /** The page title, e.g. "Overstapdossier" (from `overdrachtsoort`). */
  title: string;
  /** One line under the title: the pupil's name and the sending school, as the dossier gives them. */
  subtitle: string;
  /** What this form leaves out, in one or two Dutch sentences; null for the complete form. */
  formNotice: string | null;
  /** The parents' (or the 16+ pupil's) inzage and remarks, shown first and prominently; null when absent. */
  zienswijze: RenderedZienswijze | null;
  /** One section per category of `categorie_uitlevering`, in the standard's order (see CATEGORY_ORDER). */
  sections: RenderedSection[];
  /** Every attachment this form shows, in document order (also referenced from their sections). */
  attachments: RenderedAttachment[];
}

/** Shown on every page (header or footer of each printed/PDF page, and at the top of the HTML page). */
export interface RenderedIdentity {
  /** The broker's version number in the pupil's line; null when rendered offline (CLI, not a broker version). */
  versionNumber: number | null;
  /** SHA-256 (hex) of the canonical XML: the versionHash the inzage evidence names. */
  contentHash: string;
  /** Its first SHORT_HASH_LENGTH hex digits. */
  shortHash: string;
}

export interface RenderedZienswijze {
  heading: string;
  /** Every field of the inzage block, labelled (inzage, inzagedatum, akkoord, redennietakkoord, toestemming…). */
  fields: RenderedField[];
  /** The parents' own words (`redennietakkoord`), shown as a quotation; null when they gave none. */
  remarks: string | null;
}

export type SectionStatus =
  /** Data of the category is in the dossier and shown. */
  | 'shown'
  /** The table says VERBODEN or OPT-UIT: nothing was sent; `notice` gives the reason. */
  | 'not-sent'
  /** Sent, but this form leaves it out; `notice` says so. */
  | 'left-out'
  /** Allowed (VERPLICHT/OPTIONEEL) but the dossier holds no data of it. */
  | 'empty';

export interface RenderedSection {
  /** The `cat_…` name. */
  category: string;
  /** Dutch title of the category. */
  title: string;
  /** The category's entry in `categorie_uitlevering`; null when the table does not name it. */
  delivery: 'VERPLICHT' | 'OPTIONEEL' | 'VERBODEN' | 'OPT-UIT' | null;
  status: SectionStatus;
  /** Dutch explanation for not-sent, left-out and empty sections; null when shown. */
  notice: string | null;
  blocks: RenderedBlock[];
}

export type RenderedBlock =
  RenderedFieldList | RenderedTable | RenderedGroup | RenderedNotice | RenderedAttachmentRef;

/** Label–value rows: the fields of one element. */
export interface RenderedFieldList {
  kind: 'fields';
  fields: RenderedField[];
}

/** Repeated elements of one kind (test results, grades, absences…) as a table with column headers. */
export interface RenderedTable {
  kind: 'table';
  caption: string;
  columns: string[];
  rows: RenderedValue[][];
}

/** A nested element (an address, a verzorger, a plan) with its own heading. */
export interface RenderedGroup {
  kind: 'group';
  heading: string;
  blocks: RenderedBlock[];
}

/** A Dutch sentence in place of data: secret, left out by this form, or not sent. */
export interface RenderedNotice {
  kind: 'notice';
  tone: 'secret' | 'left-out' | 'not-sent' | 'info';
  text: string;
}

export interface RenderedAttachmentRef {
  kind: 'attachment';
  attachment: RenderedAttachment;
}

export interface RenderedField {
  label: string;
  value: RenderedValue;
  /** Where the value sits in the dossier (`/dossier/leerling/achternaam`); for tests and tooltips. */
  path: string;
}

export interface RenderedValue {
  /**
   * The value as shown: text as in the dossier, a date as dd-mm-jjjj, a boolean as "ja"/"nee", a code as
   * the code itself. For a secret value: the Dutch word for secret, never the value.
   */
  text: string;
  /** The meaning of a coded value, shown next to the code; absent for uncoded values. */
  meaning?: string;
  /** Set when `text` stands in for a value the model does not hold. */
  masked?: 'secret' | 'left-out';
}

export interface RenderedAttachment {
  /** 1-based position among all attachments (`document` elements) of the dossier, in document order; the
   *  same number in every form and in the API (`…/attachments/{number}`). */
  number: number;
  fileName: string;
  description: string | null;
  /** Judged from the bytes (magic numbers), not from the file name; `application/octet-stream` if unknown. */
  mediaType: string;
  /** Size of the decoded content. */
  byteLength: number;
  /** The decoded content: for a download link in the HTML and an embedded file in the PDF. */
  content: Buffer;
  /** Where it sits in the dossier. */
  path: string;
}
