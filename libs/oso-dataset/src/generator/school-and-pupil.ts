import { DossierPlan, sends } from './dossier-plan';
import {
  Place,
  address,
  adreslijst,
  communicatie,
  communicatielijst,
  emailAddress,
  exampleDomain,
  phoneNumber,
} from './contact-parts';
import { pupilRecords } from './pupil-records';
import { pupilResults } from './pupil-results';
import { attachmentList } from './attachments';
import { enrolmentDate } from './school-years';
import { SeededRandom } from './seeded-random';
import {
  FIRST_NAMES,
  PARENT_FIRST_NAMES,
  PLACES,
  SCHOOL_KIND_LABELS,
  SCHOOL_NAME_STEMS,
  SURNAMES,
  TEACHER_NAMES,
} from './vocabulary';
import { Part, XmlNode, cloneNode, el, leaf } from './xml-node';

/** Who the pupil is, drawn once so that the pupil, the GBA block and the parents agree. */
export interface Family {
  firstNames: string[];
  voorvoegsel: string | undefined;
  achternaam: string;
  geslacht: string;
  place: Place;
  homeAddress: XmlNode;
}

export function drawFamily(random: SeededRandom): Family {
  const [voorvoegsel, achternaam] = random.pick(SURNAMES);
  const firstNames = [random.pick(FIRST_NAMES)];
  if (random.chance(0.6)) firstNames.push(random.pick(FIRST_NAMES.filter((name) => name !== firstNames[0])));
  const place = random.pick(PLACES);
  return {
    firstNames,
    voorvoegsel,
    achternaam,
    geslacht: random.pick(['1', '2']),
    place,
    homeAddress: address(random, place, 'gba'),
  };
}

/** The sending school (huidigeschool) and, inside it, the pupil. */
export function huidigeschool(plan: DossierPlan): XmlNode {
  const random = plan.random.fork('school-details');
  const stem = random.pick(SCHOOL_NAME_STEMS);
  const label =
    SCHOOL_KIND_LABELS[plan.school.soort ?? ''] ?? SCHOOL_KIND_LABELS[plan.facts.from] ?? 'School';
  const place = random.pick(PLACES);
  return el(
    'huidigeschool',
    leaf('naam', `${label} ${stem}`),
    adreslijst([address(random, place, 'bezoek')]),
    communicatielijst([
      communicatie('telefoon', 'werk', phoneNumber(random)),
      communicatie('e-mail', 'werk', emailAddress('administratie', stem)),
    ]),
    leaf('brincode', plan.school.brin),
    leaf('vestigingscode', plan.school.vestiging),
    leaf('aanleverpunt', '1'),
    leaf('soort', plan.school.soort),
    leaf('naamdirecteur', random.pick(TEACHER_NAMES)),
    leaf('website', `https://www.${exampleDomain(stem)}`),
    leerling(plan),
  );
}

function leerling(plan: DossierPlan): XmlNode {
  const random = plan.random.fork('leerling');
  const family = drawFamily(random);
  const { pupil, facts, categories } = plan;
  const secret = plan.secretAddress;
  const initials = family.firstNames.map((name) => `${name[0]}.`).join('');
  const [year, month, day] = pupil.geboortedatum.split('-');
  const primaryLevel = facts.from === 'PO' || facts.from === 'VS' || plan.school.soort === 'SO';
  const swv = plan.kind === 'swv-dossier';
  const parents = sends(categories.cat_oudersverzorgers);
  const enrolled = enrolmentDate(plan);
  const parts: Part[] = [
    ...family.firstNames.map((name) => leaf('voornaam', name)),
    leaf('voorletters-1', initials),
    leaf('voorvoegsel', family.voorvoegsel),
    leaf('achternaam', family.achternaam),
    leaf('roepnaam', family.firstNames[0]),
    leaf('geboortedatum', pupil.geboortedatum),
    leaf('geslacht', family.geslacht),
    leaf('adresgeheim', secret),
    secret ? null : adreslijst([family.homeAddress]),
    communicatielijst([
      communicatie('telefoon', 'prive', phoneNumber(random), { geheim: secret, noodnummer: true }),
    ]),
    el(
      'gba',
      ...family.firstNames.map((name) => leaf('gbavoornaam', name)),
      leaf('gbavoorvoegsel', family.voorvoegsel),
      leaf('gbaachternaam', family.achternaam),
      leaf('gbageboortedatum', `${day}-${month}-${year}`),
    ),
    // A swv-dossier must not identify the pupil (PaO.LL12).
    swv ? null : leaf('onderwijsnummer', pupil.onderwijsnummer),
    swv ? null : leaf('bsn', pupil.bsn),
    leaf('leerlingid', `LL${random.digits(6)}`),
    leaf('onderwijssinds', enrolled),
    leaf('startdatumhuidigonderwijs', enrolled),
    leaf('datuminschrijving', enrolled),
    primaryLevel ? leaf('leerlinggewicht', '0.00') : null,
    primaryLevel ? leaf('nnca', '0') : null,
    leaf('tehuis', false),
    huisarts(random, family),
    parents ? leaf('verzorgersaansprakelijk', true) : null,
    ...pupilRecords(plan),
    ...pupilResults(plan, 'before-parents'),
    sends(categories.cat_bijlagedocs) ? attachmentList(plan) : null,
    ...(parents ? verzorgers(random, family, secret) : []),
    ...pupilResults(plan, 'after-parents'),
  ];
  return el('leerling', ...parts);
}

function huisarts(random: SeededRandom, family: Family): XmlNode {
  const [voorvoegsel, achternaam] = random.pick(SURNAMES);
  return el(
    'huisarts',
    leaf('voorletters-1', `${random.pick(PARENT_FIRST_NAMES)[0]}.`),
    leaf('voorvoegsel', voorvoegsel),
    leaf('achternaam', achternaam),
    adreslijst([address(random, family.place, 'bezoek')]),
    communicatielijst([communicatie('telefoon', 'werk', phoneNumber(random))]),
  );
}

function verzorgers(random: SeededRandom, family: Family, secret: boolean): XmlNode[] {
  const count = random.chance(0.7) ? 2 : 1;
  const result: XmlNode[] = [];
  for (let index = 0; index < count; index++) {
    const voornaam = random.pick(PARENT_FIRST_NAMES);
    result.push(
      el(
        'verzorger',
        leaf('voornaam', voornaam),
        leaf('voorletters-1', `${voornaam[0]}.`),
        leaf('voorvoegsel', family.voorvoegsel),
        leaf('achternaam', family.achternaam),
        leaf('geslacht', index === 0 ? '2' : '1'),
        leaf('adresgeheim', secret),
        secret ? null : adreslijst([cloneNode(family.homeAddress)]),
        communicatielijst([
          communicatie('telefoon', 'prive', phoneNumber(random, true), {
            geheim: secret,
            noodnummer: index === 0,
          }),
          communicatie('e-mail', 'prive', emailAddress(voornaam, family.achternaam), { geheim: secret }),
        ]),
        leaf('relatietotkind', index === 0 ? '1' : '2'),
        leaf('wettigevertegenwoordiger', true),
      ),
    );
  }
  return result;
}
