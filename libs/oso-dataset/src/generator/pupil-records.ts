import { DossierPlan, sends } from './dossier-plan';
import { emailAddress, phoneNumber } from './contact-parts';
import { enrolmentDate, inSecondaryYears, yearCode } from './school-years';
import { SeededRandom, addDays, schoolYearOf } from './seeded-random';
import { ADVICE_ARGUMENTS, ATTENTION_POINTS, SUPPORT_PLAN_GOALS, TEACHER_NAMES } from './vocabulary';
import { Part, XmlNode, el, leaf, list } from './xml-node';

/** Overstapadvies, VVE, schoolloopbaan, support and absence: the pupil's record before the results. */
export function pupilRecords(plan: DossierPlan): Part[] {
  const { categories } = plan;
  const random = plan.random.fork('records');
  return [
    sends(categories.cat_overstapadvies) ? overstapadvies(plan, random) : null,
    ...(sends(categories.cat_vve) ? vve(plan, random) : []),
    sends(categories.cat_schoolloopbaan) ? schoolloopbaan(plan) : null,
    sends(categories.cat_onderwijsondersteuning) ? onderwijsondersteuning(plan, random) : null,
    sends(categories.cat_verzuim) ? verzuim(random) : null,
  ];
}

function overstapadvies(plan: DossierPlan, random: SeededRandom): XmlNode {
  const towardsSecondary = plan.facts.to === 'VO' && !inSecondaryYears(plan);
  const advies = random.pick(['20', '30', '40', '50', '60', '61']);
  const contact = random.pick(TEACHER_NAMES);
  return el(
    'overstapadvies',
    towardsSecondary ? leaf('advies', advies) : null,
    towardsSecondary
      ? leaf('wensouders', random.chance(0.7) ? advies : random.pick(['40', '50', '60']))
      : null,
    towardsSecondary ? leaf('profiel', random.pick(['basis', 'plus'])) : null,
    leaf('argumentatie', random.pick(ADVICE_ARGUMENTS)),
    leaf('contactnodig', true),
    leaf('contactpersoon', contact),
    leaf('contacttelefoon', phoneNumber(random)),
    leaf('contactemail', emailAddress(contact, 'school')),
    leaf('aandachtspunten', random.pick(ATTENTION_POINTS)),
  );
}

function vve(plan: DossierPlan, random: SeededRandom): XmlNode[] {
  const start = enrolmentDate(plan);
  const end = addDays(start, 365);
  return [
    leaf('vanpeuterspeelzaal', true)!,
    leaf(
      'naampeuterspeelzaal',
      `Peuterspeelzaal ${random.pick(['Het Kabouterhuis', 'De Speeltuin', 'Olleke Bolleke'])}`,
    )!,
    el(
      'voorschools',
      leaf('codevoorschoolsehistorie', random.int(1, 5)),
      leaf('codevoorschoolsprogramma', random.int(1, 15)),
      leaf('voorschoolsemaanden', random.int(6, 24)),
      leaf('codevoorschoolsetoeleider', random.int(1, 9)),
      leaf('codevoorschoolsedeelname', random.int(1, 5)),
      leaf('voorschoolseaanwezigheid', random.int(60, 100)),
    ),
    el(
      'vroegschools',
      leaf('codevroegschoolsprogramma', random.int(1, 15)),
      leaf('vroegschoolsdatumingang', start),
      end < plan.datum ? leaf('vroegschoolseinddatum', end) : null,
    ),
  ];
}

/** The school years at this school, at most the last six, the current one without an end date. */
function schoolloopbaan(plan: DossierPlan): XmlNode | null {
  if (plan.facts.from === 'VS') return null;
  const enrolled = enrolmentDate(plan);
  const current = schoolYearOf(plan.datum);
  const first = Math.max(schoolYearOf(enrolled), current - 5);
  const secondary = inSecondaryYears(plan);
  const entries: XmlNode[] = [];
  for (let year = first; year <= current; year++) {
    const code = yearCode(plan, year);
    const label = secondary ? `${Number(code) - 10}` : code;
    const begin = `${year}-08-01` > enrolled ? `${year}-08-01` : enrolled;
    entries.push(
      el(
        'schoolloopbaan',
        leaf('schooljaar', `${year}-${year + 1}`),
        leaf('groepscode', secondary ? `${label}HV` : `${label}B`),
        leaf('groepsnaam', secondary ? `Klas ${label}` : `Groep ${label}`),
        leaf('jaargroep', code),
        leaf('begindatum', begin),
        year < current ? leaf('einddatum', `${year + 1}-07-31`) : null,
        leaf('brincode', plan.school.brin),
        leaf('vestigingscode', plan.school.vestiging),
        leaf('schoolsoort', plan.school.soort),
      ),
    );
  }
  return list('schoolloopbaanlijst', entries);
}

function onderwijsondersteuning(plan: DossierPlan, random: SeededRandom): XmlNode {
  const special = plan.kind === 'swv-dossier' || plan.school.soort === 'SO' || plan.school.soort === 'VSO';
  const since = addDays(plan.datum, -random.int(200, 400));
  return el(
    'onderwijsondersteuning',
    special
      ? el(
          'diagnose',
          leaf('code', random.pick(['F81.0', 'F81.2', 'F90', 'F84'])),
          leaf('datum', since),
          leaf('doorwie', 'Orthopedagoog'),
          leaf('instantie', 'Onderwijsadviesdienst'),
        )
      : null,
    leaf('medicijngebruik', false),
    sends(plan.categories.cat_handelingsplannen)
      ? el(
          'handelingsplan',
          leaf('startdatum', since),
          leaf('einddatum', addDays(plan.datum, -random.int(5, 60))),
          leaf('isgerichtop', random.pick(SUPPORT_PLAN_GOALS)),
        )
      : null,
    special ? el('opp', leaf('opp_ingangdatum', since)) : null,
    plan.school.soort === 'SO' || plan.school.soort === 'VSO'
      ? el(
          'tlv',
          leaf('tlvingangdatum', since),
          leaf(
            'tlvswvnummer',
            `${plan.facts.from === 'VO' || plan.school.soort === 'VSO' ? 'VO' : 'PO'}${random.digits(4)}`,
          ),
          leaf('tlvcategorie', random.pick(['L', 'M', 'H'])),
          leaf('tlvbeschikkingsnummer', `TLV-${random.digits(6)}`),
        )
      : null,
    plan.facts.from === 'VO' && random.chance(0.3)
      ? el(
          'lwoo',
          leaf('lwoo_ingangdatum', since),
          leaf('lwoo_swvnummer', `VO${random.digits(4)}`),
          leaf('lwoo_beschikkingsnummer', `LWOO-${random.digits(6)}`),
          leaf('lwoo_einddatum', `${schoolYearOf(plan.datum) + 2}-07-31`),
        )
      : null,
  );
}

function verzuim(random: SeededRandom): XmlNode {
  return el(
    'verzuim',
    leaf('dagdelengeoorloofd', random.int(0, 14)),
    leaf('dagdelenongeoorloofd', random.int(0, 3)),
    leaf('meerdan25percent', false),
    leaf('contactleerplicht', false),
  );
}
