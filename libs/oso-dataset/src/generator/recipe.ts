import type { TransferKind } from './profiles';

/** What a dossier should be like; everything left out comes from the seed. */
export interface DossierRecipe {
  /** Transfer profile, a value of code list 16: 'POPO', 'POVO', 'VOVO', 'VOMBO', 'WECVO', 'POSWV', … */
  profile: string;
  /** Default: swv-dossier for *SWV, overstapdossier for POPO/POVO/VOVO, otherwise overdrachtbinnenbrin. */
  transferKind?: TransferKind;
  /** Default 1; the same recipe and seed give byte-identical XML. */
  seed?: number;
  /** Default: from the seed, a BSN that passes the elfproef (or an onderwijsnummer, see identifiedBy). */
  pupil?: { bsn?: string; onderwijsnummer?: string; geboortedatum?: string };
  /** When `pupil` gives no number: which number the pupil gets. Default 'bsn'. */
  identifiedBy?: 'bsn' | 'onderwijsnummer';
  /** The sending school (huidigeschool); `soort` e.g. 'SO' or 'VSO' for special education. */
  school?: { brin?: string; vestiging?: string; soort?: string };
  inzage?: {
    /** false: the parents have not seen the dossier (yet). */
    inzage?: boolean;
    datum?: string;
    akkoord?: 'Ja' | 'Nee' | 'Onbekend';
    /** The parents' remarks (redennietakkoord): true for generated text, or the text itself. */
    remarks?: string | boolean;
    toestemming?: 'Ja' | 'Nee' | 'Onbekend';
    voorlopig?: boolean;
  };
  /** true: every category the profile lets the school opt out of; or names such as 'verzuim'. */
  optOut?: boolean | string[];
  /** A secret address for the pupil and the parents: no addresses, phone and e-mail as placeholders. */
  secretAddress?: boolean;
  /** Text attachments (cat_bijlagedocs), each `bytesEach` bytes once decoded. Default: one of 1 KiB. */
  attachments?: { count: number; bytesEach?: number };
  /** metadata/datum (YYYY-MM-DD); default derived from the seed, in a past school year. */
  date?: string;
  /** An id of ALL_RULES: the dossier then breaks that rule (see breakableRules). */
  breakRule?: string;
}

export interface GeneratedDossier {
  /** UTF-8 XML text. */
  xml: string;
  profile: string;
  transferKind: TransferKind;
  /** The pupil's number and birth date (a swv-dossier's XML leaves the number out, as PaO.LL12 demands). */
  pupil: { bsn?: string; onderwijsnummer?: string; geboortedatum: string };
  school: { brin: string; vestiging?: string };
  /** metadata/datum. */
  date: string;
  brokenRule?: string;
  /** Rules that necessarily break with `brokenRule` (e.g. its category's table entry); usually none. */
  alsoBroken?: string[];
}
