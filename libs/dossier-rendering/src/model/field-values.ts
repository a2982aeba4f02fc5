import type { DossierElement } from '@app/oso-dataset/dossier-element';
import { codeListOf, codeMeaning } from '../vocabulary';
import type { RenderedValue } from './rendered-dossier';

/**
 * Names of the elements the schema types as xs:date (or a restriction of it). Element names map to one
 * simple type throughout schemas/oso-dossier-2019.1.xsd, so the name is enough; field-values.spec.ts
 * derives both lists from the schema again, so a schema change cannot leave one behind unnoticed.
 */
export const DATE_ELEMENTS: ReadonlySet<string> = new Set([
  'afnamedatum',
  'arrangement_datum',
  'arrangement_einddatum',
  'begindatum',
  'datum',
  'datum_afname',
  'datumafgerond',
  'datuminschrijving',
  'datumuitschrijving',
  'datumuitslag',
  'einddatum',
  'geboortedatum',
  'inzagedatum',
  'lwoo_einddatum',
  'lwoo_ingangdatum',
  'onderwijssinds',
  'opp_einddatum',
  'opp_ingangdatum',
  'overlijdensdatum',
  'rvcdatum',
  'startdatum',
  'startdatumhuidigonderwijs',
  'tlveinddatum',
  'tlvingangdatum',
  'vertrekdatum',
  'vroegschoolsdatumingang',
  'vroegschoolseinddatum',
]);

/** Names of the elements the schema types as xs:boolean (see DATE_ELEMENTS). */
export const BOOLEAN_ELEMENTS: ReadonlySet<string> = new Set([
  'adresgeheim',
  'afgerond',
  'beroepskeuzetest',
  'contactleerplicht',
  'contactnodig',
  'deelgenomen',
  'deelgenomenaanonderzoek',
  'examenvak',
  'geheim',
  'inzage',
  'lagescoreeindtoets',
  'leerachterstand',
  'lobdossier',
  'medicijngebruik',
  'meerdan25percent',
  'motivatiebrief',
  'noodnummer',
  'overleden',
  'pop',
  'portfolio',
  'rmcmelding',
  'tehuis',
  'vanpeuterspeelzaal',
  'verzorgersaansprakelijk',
  'voorlopigdossier',
  'wettigevertegenwoordiger',
]);

/** What a secret value is shown as: the value itself never enters the model. */
export const SECRET_TEXT = 'geheim';

const XS_DATE = /^(\d{4,})-(\d{2})-(\d{2})(.*)$/;

/** xs:date `2003-03-17` as `17-03-2003`, as Dutch readers write it; a time zone, if any, stays behind it. */
export function formatDate(text: string): string {
  const match = XS_DATE.exec(text);
  if (!match) return text;
  const [, year, month, day, zone] = match;
  return zone ? `${day}-${month}-${year} ${zone}` : `${day}-${month}-${year}`;
}

/** xs:boolean (`true`/`1`, `false`/`0`) in Dutch. */
export function formatBoolean(text: string): string {
  if (text === 'true' || text === '1') return 'ja';
  if (text === 'false' || text === '0') return 'nee';
  return text;
}

/** Whether a boolean element says true (the schema allows `true` and `1`). */
export function isTrue(element: DossierElement | null): boolean {
  if (!element) return false;
  const text = element.text.trim();
  return text === 'true' || text === '1';
}

/** A leaf element's value as shown: trimmed, dates and booleans in Dutch, a code with its meaning. */
export function leafValue(element: DossierElement): RenderedValue {
  const text = element.text.trim();
  if (DATE_ELEMENTS.has(element.name)) return { text: formatDate(text) };
  if (BOOLEAN_ELEMENTS.has(element.name)) return { text: formatBoolean(text) };
  const meaning = text ? codeMeaning(element, text) : null;
  // A meaning that only repeats the code ("Ja — ja") tells the reader nothing.
  if (meaning) return meaning.toLowerCase() !== text.toLowerCase() ? { text, meaning } : { text };
  // A code whose meaning no source gave us (CODES_WITHOUT_KNOWN_MEANING): say it is a code and where its
  // meaning is defined, rather than leave a bare number or guess a level.
  const list = text ? codeListOf(element) : null;
  return list === null ? { text } : { text, meaning: unknownMeaningNote(list) };
}

/** What stands beside a code of list `list` whose meaning the broker does not know. */
export function unknownMeaningNote(list: number): string {
  return `code uit OSO-codelijst ${list}; de betekenis staat in die lijst`;
}

export function secretValue(): RenderedValue {
  return { text: SECRET_TEXT, masked: 'secret' };
}
