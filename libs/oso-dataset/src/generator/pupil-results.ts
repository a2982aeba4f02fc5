import { oldestAllowedTestDate } from '../rules/tests.rules';
import { DossierPlan, sends } from './dossier-plan';
import { enrolmentDate, inSecondaryYears, yearCode } from './school-years';
import { SeededRandom, addDays, schoolYearOf } from './seeded-random';
import { SUBJECTS, TEACHER_NAMES, TEST_CATALOGUE } from './vocabulary';
import { Part, XmlNode, el, leaf, list } from './xml-node';

/**
 * Test results: the eindtoets, tracking tests and report grades come before the parents in the
 * pupil's sequence, the VO-MBO results after them.
 */
export function pupilResults(plan: DossierPlan, where: 'before-parents' | 'after-parents'): Part[] {
  const random = plan.random.fork(`results-${where}`);
  const { categories } = plan;
  if (plan.facts.from === 'VS') return [];
  if (where === 'after-parents') return sends(categories.cat_vombo) ? vombo(plan, random) : [];
  return [
    sends(categories.cat_eindtoetsbo) ? eindtoets(plan, random) : null,
    sends(categories.cat_toetsresultaten) ? toetslijst(plan, random) : null,
    sends(categories.cat_cijferlijsten) ? cijferlijst(plan, random) : null,
  ];
}

/** The eindtoets was taken in April of group 8: this school year's, or the one before VO began. */
function eindtoetsDate(plan: DossierPlan, random: SeededRandom): string | null {
  const springOfGroup8 = inSecondaryYears(plan)
    ? Number(enrolmentDate(plan).slice(0, 4))
    : plan.facts.to === 'VO'
      ? schoolYearOf(plan.datum) + 1
      : null;
  if (springOfGroup8 === null) return null;
  const date = `${springOfGroup8}-04-${String(random.int(15, 22))}`;
  return date <= plan.datum ? date : null;
}

function eindtoets(plan: DossierPlan, random: SeededRandom): XmlNode | null {
  const datumAfname = eindtoetsDate(plan, random);
  if (!datumAfname) return null;
  const niveau = () => random.pick(['01', '02', '03']);
  return el(
    'eindtoets_basisonderwijs',
    el(
      'eindtoetsresultaat',
      leaf('toetssoort', random.pick(['0011', '0012', '0013', '0014', '0016'])),
      leaf('toetsniveau', 'G'),
      leaf('datum_afname', datumAfname),
      leaf('wettelijke_ontheffing', 'N'),
      leaf('standaardscore', random.int(520, 548)),
      leaf('toets_advies', random.pick(['vmbo-gt/havo', 'havo', 'havo/vwo', 'vwo', 'vmbo-kb'])),
      el(
        'onderdelen',
        el(
          'onderdeel',
          leaf('onderdeelcode', '8000'),
          leaf('onderdeelomschrijving', 'Taal'),
          leaf('ond_referentieniveau', niveau()),
          el('domeinen', el('domein', leaf('domeincode', '8050'), leaf('dom_referentieniveau', niveau()))),
        ),
        el(
          'onderdeel',
          leaf('onderdeelcode', '8001'),
          leaf('onderdeelomschrijving', 'Rekenen'),
          leaf('ond_referentieniveau', niveau()),
          el('domeinen', el('domein', leaf('domeincode', '8051'), leaf('dom_referentieniveau', niveau()))),
        ),
      ),
    ),
    leaf('deelgenomen', true),
  );
}

/** Up to three tracking tests, newest first, none older than a POVO dossier may carry (OVa.TR04). */
function toetslijst(plan: DossierPlan, random: SeededRandom): XmlNode | null {
  const oldest = [oldestAllowedTestDate(plan.datum), enrolmentDate(plan)].sort()[1];
  const tests: XmlNode[] = [];
  for (let index = 0; index < 3; index++) {
    const afnamedatum = addDays(plan.datum, -(20 + index * 150 + random.int(0, 20)));
    if (afnamedatum < oldest) break;
    const test = TEST_CATALOGUE[(index + random.int(0, 3)) % TEST_CATALOGUE.length];
    const opgaven = random.int(30, 60);
    tests.push(
      el(
        'toets',
        el(
          'toetsidentificatie',
          leaf('eldtoetscode', test.code),
          leaf('leergebied', test.leergebied),
          leaf('toetsnaam', test.naam),
        ),
        el(
          'afname',
          leaf('afnamedatum', afnamedatum),
          leaf('jaargroep', yearCode(plan, schoolYearOf(afnamedatum))),
          el(
            'afgenomendoor',
            leaf('naammedewerker', random.pick(TEACHER_NAMES)),
            leaf('functie', 'Leerkracht'),
          ),
        ),
        el(
          'resultaat',
          el(
            'toetsscore',
            leaf('aantalopgaven', opgaven),
            leaf('aantalgoed', random.int(Math.floor(opgaven / 2), opgaven)),
            leaf('vaardigheidsscore', random.int(120, 260)),
          ),
          el(
            'referentiescore',
            leaf('codereferentiescore', 'Percentiel'),
            leaf('codevergelijkingsgroep', 'Landelijk'),
            leaf('waarde', random.int(10, 95)),
          ),
        ),
      ),
    );
  }
  return list('toetslijst', tests);
}

function cijferlijst(plan: DossierPlan, random: SeededRandom): XmlNode {
  const subjects = SUBJECTS.slice(0, inSecondaryYears(plan) ? 5 : 3);
  return el(
    'cijferlijstlijst',
    el(
      'cijferlijst',
      el(
        'cijferlijstTypelijst',
        ...subjects.flatMap((subject) => [
          leaf('naam', subject),
          el('score', leaf('waarde', (random.int(55, 90) / 10).toFixed(1))),
        ]),
      ),
      leaf('afnamedatum', addDays(plan.datum, -random.int(10, 40))),
      leaf('jaargroep', yearCode(plan, schoolYearOf(plan.datum))),
      leaf('periode', 'Rapport 2'),
    ),
  );
}

/** Promotion for every VO pupil; for a move to MBO, HBO or WO also the exam, subjects and orientation. */
function vombo(plan: DossierPlan, random: SeededRandom): XmlNode[] {
  const leerjaar = yearCode(plan, schoolYearOf(plan.datum));
  const bevorderd = el(
    'bevorderd',
    leaf('elementcode', random.pick(['0140', '0150', '0160'])),
    leaf('leerjaar', leerjaar),
  );
  if (!['MBO', 'HBO', 'WO'].includes(plan.facts.to)) return [bevorderd];
  const examYear = schoolYearOf(plan.datum) + 1;
  const resultsOut = plan.datum >= `${examYear}-06-15`;
  return [
    bevorderd,
    el(
      'examenresultaat',
      leaf('soortdiploma', plan.facts.to === 'MBO' ? 'VMBO-KB' : 'HAVO'),
      leaf('examenjaar', examYear),
      resultsOut ? leaf('datumuitslag', `${examYear}-06-14`) : null,
      resultsOut ? leaf('examenuitslag', 'geslaagd') : null,
    ),
    el(
      'resultaatvakkenvo',
      leaf('vakcode', 'NETL'),
      leaf('afgerond', true),
      leaf('examenvak', true),
      leaf('beoordelingexamenvak', 'voldoende'),
    ),
    el(
      'resultaatvakkenvo',
      leaf('vakcode', 'WISK'),
      leaf('afgerond', false),
      leaf('examenvak', true),
      leaf('eindcijferse', (random.int(55, 85) / 10).toFixed(1)),
    ),
    el(
      'stage',
      leaf('begindatum', addDays(plan.datum, -120)),
      leaf('einddatum', addDays(plan.datum, -110)),
      leaf('soortstage', 'Snuffelstage'),
      leaf('functierol', random.pick(['Assistent in de zorg', 'Monteur in opleiding', 'Medewerker winkel'])),
    ),
    el(
      'overigvombo',
      leaf(
        'keuzevervolgopleiding',
        random.pick(['Verzorgende IG', 'Elektrotechniek', 'Handel', 'Bouwkunde']),
      ),
      leaf('beroepskeuzetest', true),
      leaf('portfolio', true),
      leaf('pop', false),
      leaf('motivatiebrief', true),
      leaf('lobdossier', true),
    ),
  ];
}
