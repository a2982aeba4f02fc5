import { SECRET_EMAIL, SECRET_PHONE } from '../rules/privacy-masking.rules';
import { SeededRandom } from './seeded-random';
import { PLACES, STREET_STEMS, STREET_SUFFIXES } from './vocabulary';
import { XmlNode, el, leaf, list } from './xml-node';

export type Place = (typeof PLACES)[number];

/** A Dutch postcode in the place's range: four digits, two capitals (no S or D, so never SA, SD or SS). */
function postcode(random: SeededRandom, place: Place): string {
  const letters = 'ABCEGHJKLMNPRTVWXZ';
  return `${place.postcode}${random.digits(2)}${random.pick([...letters])}${random.pick([...letters])}`;
}

export function streetName(random: SeededRandom): string {
  return random.pick(STREET_STEMS) + random.pick(STREET_SUFFIXES);
}

export function address(random: SeededRandom, place: Place, soortadres = 'bezoek'): XmlNode {
  return el(
    'adres',
    leaf('soortadres', soortadres),
    leaf('straat', streetName(random)),
    leaf('nummer', random.int(1, 240)),
    random.chance(0.2) ? leaf('toevoeging', random.pick(['a', 'b', 'II', 'bis'])) : null,
    leaf('postcode', postcode(random, place)),
    leaf('plaats', place.plaats),
    leaf('gemeente', place.gemeente),
    { name: 'land', text: '6030', attributes: { omschrijving: 'Nederland' } },
  );
}

/** Dutch area codes of three digits (the rest of a fixed-line number is seven digits). */
const AREA_CODES = [
  '010',
  '013',
  '020',
  '023',
  '024',
  '026',
  '030',
  '033',
  '035',
  '036',
  '038',
  '040',
  '043',
  '045',
];

/** A ten-digit Dutch phone number: mobile (06) or fixed-line with an area code. */
export function phoneNumber(random: SeededRandom, mobile = false): string {
  const number = mobile ? `06${random.digits(8)}` : `${random.pick(AREA_CODES)}${random.digits(7)}`;
  // The placeholder for a secret number must never be a real one by chance.
  return number === SECRET_PHONE ? phoneNumber(random, mobile) : number;
}

export function communicatie(
  soort: 'telefoon' | 'e-mail',
  aanduiding: 'werk' | 'prive' | 'overig',
  nummer: string,
  options: { geheim?: boolean; noodnummer?: boolean } = {},
): XmlNode {
  const geheim = options.geheim ?? false;
  return el(
    'communicatie',
    leaf('soort', soort),
    leaf('aanduiding', aanduiding),
    leaf('nummer', geheim ? (soort === 'telefoon' ? SECRET_PHONE : SECRET_EMAIL) : nummer),
    leaf('geheim', geheim),
    leaf('noodnummer', options.noodnummer ?? false),
  );
}

/** Letters and digits only, lower case, accents dropped: a name as it can stand in an address. */
function plain(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

/** A domain under the reserved .example top-level domain: synthetic people get no real mailbox or site. */
export function exampleDomain(name: string): string {
  return `${plain(name) || 'school'}.example`;
}

export function emailAddress(local: string, domain: string): string {
  return `${plain(local) || 'contact'}@${exampleDomain(domain)}`;
}

export function adreslijst(addresses: XmlNode[]): XmlNode | null {
  return list('adreslijst', addresses);
}

export function communicatielijst(items: Array<XmlNode | null>): XmlNode | null {
  return list('communicatielijst', items);
}
