import { createHash } from 'node:crypto';
import { DossierValidationPool } from '../dossier-validation-pool';
import { DossierVerdict } from '../dossier-verdict';
import { ALL_CATEGORIES } from '../rules/category.rules';
import { passesElfproef } from '../rules/pupil.rules';
import { SECRET_EMAIL, SECRET_PHONE } from '../rules/privacy-masking.rules';
import { DossierRecipe, GENERATABLE_PROFILES, GeneratorError, generateDossier } from './index';
import { categoryTable, defaultTransferKind, optOutCategories, profileFacts } from './profiles';
import { passesOnderwijsnummerProef } from './pupil-numbers';
import { SeededRandom } from './seeded-random';

/** The day verdicts are given in these tests; default dossier dates lie in school years 2022–2024. */
const TODAY = '2026-11-22';
/** The broker's own validation (schema by libxml2, then the strict rules), on a worker thread of the built code. */
let pool: DossierValidationPool;
beforeAll(() => {
  pool = new DossierValidationPool({ threads: 1 });
});
afterAll(() => pool.close());
const verdictOf = (xml: string): Promise<DossierVerdict> =>
  pool.validate(Buffer.from(xml, 'utf8'), { today: TODAY });
const findingsOf = (verdict: DossierVerdict) =>
  [...verdict.errors, ...verdict.warnings].map(
    (finding) => `${finding.rule} at ${finding.path}: ${finding.message}`,
  );

/** The main options, each on its own; every profile must stay valid with each of them. */
const MAIN_OPTIONS: Array<[string, Partial<DossierRecipe>]> = [
  ['defaults', {}],
  ['every opt-out', { optOut: true }],
  ['a secret address', { secretAddress: true }],
  ['an onderwijsnummer', { identifiedBy: 'onderwijsnummer' }],
  ['the parents’ remarks', { inzage: { remarks: true } }],
  ['consent Nee, akkoord Onbekend', { inzage: { toestemming: 'Nee', akkoord: 'Onbekend' } }],
  ['a provisional dossier', { inzage: { voorlopig: true } }],
  ['three attachments of 50 kB', { attachments: { count: 3, bytesEach: 50_000 } }],
  ['no attachments', { attachments: { count: 0 } }],
  [
    'a chosen birth date and school',
    { pupil: { geboortedatum: '2011-02-28' }, school: { brin: '07QZ', vestiging: '03' }, date: '2024-05-17' },
  ],
];

describe.each(GENERATABLE_PROFILES.map((profile) => [profile]))('a generated %s dossier', (profile) => {
  it.each(MAIN_OPTIONS)(
    'with %s passes the schema and the strict rules without a finding',
    async (_, options) => {
      for (const seed of [1, 2, 3]) {
        const dossier = generateDossier({ profile, seed, ...options });
        const verdict = await verdictOf(dossier.xml);
        expect(findingsOf(verdict)).toEqual([]);
        expect(verdict).toMatchObject({ valid: true, profile, findingsOmitted: 0 });
        expect(verdict.facts?.overdrachtsoort).toBe(defaultTransferKind(profile));
      }
    },
  );
});

describe('what the recipe asks for', () => {
  it('is reproducible: the same recipe and seed give the same bytes, another seed another dossier', () => {
    const recipe: DossierRecipe = { profile: 'POVO', seed: 7, optOut: ['verzuim'], secretAddress: true };
    expect(generateDossier(recipe).xml).toBe(generateDossier({ ...recipe }).xml);
    expect(generateDossier({ ...recipe, seed: 8 }).xml).not.toBe(generateDossier(recipe).xml);
    // The same on every machine and in every time zone: a fixed digest for one recipe.
    expect(
      createHash('sha256')
        .update(generateDossier({ profile: 'POVO', seed: 7 }).xml)
        .digest('hex'),
    ).toBe(GOLDEN_POVO_SEED_7);
  });

  it('gives the pupil and the school that were asked for, where the broker reads them', async () => {
    const pupil = { bsn: '111222333', geboortedatum: '2012-10-09' };
    const dossier = generateDossier({ profile: 'POVO', pupil, school: { brin: '00YY', vestiging: '00' } });
    expect(dossier).toMatchObject({ profile: 'POVO', pupil, school: { brin: '00YY', vestiging: '00' } });
    const facts = (await verdictOf(dossier.xml)).facts!;
    expect(facts.school).toEqual({ brin: '00YY', vestiging: '00' });
    expect(facts.pupil).toMatchObject({ bsn: '111222333', geboortedatum: '2012-10-09' });

    const byNumber = generateDossier({ profile: 'VOVO', pupil: { onderwijsnummer: '101234567' } });
    expect(byNumber.pupil.onderwijsnummer).toBe('101234567');
    expect((await verdictOf(byNumber.xml)).facts!.pupil).toMatchObject({
      onderwijsnummer: '101234567',
      bsn: null,
    });
  });

  it('makes up valid numbers: BSNs pass the elfproef, onderwijsnummers their own proef and not the elfproef', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const bsn = generateDossier({ profile: 'POPO', seed }).pupil.bsn!;
      expect(passesElfproef(bsn)).toBe(true);
      const number = generateDossier({ profile: 'POPO', seed, identifiedBy: 'onderwijsnummer' }).pupil
        .onderwijsnummer!;
      expect(passesOnderwijsnummerProef(number)).toBe(true);
      expect(passesElfproef(number)).toBe(false);
    }
  });

  it('gives a pupil of the profile’s age, born before the dossier’s date', () => {
    for (const profile of GENERATABLE_PROFILES) {
      const [youngest, oldest] = profileFacts(profile).age;
      for (let seed = 1; seed <= 20; seed++) {
        const { pupil, date } = generateDossier({ profile, seed });
        const age = Number(date.slice(0, 4)) - Number(pupil.geboortedatum.slice(0, 4));
        expect(age).toBeGreaterThanOrEqual(youngest);
        expect(age).toBeLessThanOrEqual(oldest + 1);
        expect(pupil.geboortedatum < date).toBe(true);
      }
    }
  });

  it('opts out of every category the profile allows, and really leaves their data out', async () => {
    const dossier = generateDossier({ profile: 'POVO', optOut: true });
    const optional = optOutCategories(categoryTable('overstapdossier', profileFacts('POVO')));
    expect(optional).toEqual(
      expect.arrayContaining(['cat_verzuim', 'cat_toetsresultaten', 'cat_bijlagedocs']),
    );
    for (const category of optional) expect(dossier.xml).toContain(`<${category}>OPT-UIT</${category}>`);
    for (const block of ['<verzuim>', '<toetslijst>', '<overigdocumentlijst>', '<cijferlijstlijst>'])
      expect(dossier.xml).not.toContain(block);
    expect((await verdictOf(dossier.xml)).valid).toBe(true);
    const some = generateDossier({ profile: 'POVO', optOut: ['verzuim', 'cat_cijferlijsten'] }).xml;
    expect(some).toContain('<cat_verzuim>OPT-UIT</cat_verzuim>');
    expect(some).not.toContain('<verzuim>');
    expect(some).toContain('<toetslijst>');
    expect(ALL_CATEGORIES.filter((category) => some.includes(`<${category}>OPT-UIT`))).toHaveLength(2);
  });

  it('reports the categories a valid dossier holds, names only: opted-out ones are not among them', async () => {
    const full = (await verdictOf(generateDossier({ profile: 'POVO' }).xml)).facts!.heldCategories;
    const some = (
      await verdictOf(generateDossier({ profile: 'POVO', optOut: ['verzuim', 'cat_cijferlijsten'] }).xml)
    ).facts!.heldCategories;
    expect(full).toEqual(
      expect.arrayContaining(['cat_school', 'cat_leerling', 'cat_verzuim', 'cat_cijferlijsten']),
    );
    expect(some).toEqual(full.filter((category) => !['cat_verzuim', 'cat_cijferlijsten'].includes(category)));
    // In the table's order, and nothing but category names.
    expect(full).toEqual(ALL_CATEGORIES.filter((category) => full.includes(category)));
  });

  it('keeps a secret address secret: no address of pupil or parents, placeholders for phone and e-mail', () => {
    const { xml } = generateDossier({ profile: 'POPO', secretAddress: true });
    const pupil = xml.slice(xml.indexOf('<leerling>'));
    expect(pupil).toMatch(/<adresgeheim>true<\/adresgeheim>/);
    expect(pupil).not.toContain('<soortadres>gba</soortadres>');
    expect(xml.match(/<adreslijst>/g)).toHaveLength(2); // the school's and the GP's, nobody else's
    expect(pupil).toContain(`<nummer>${SECRET_PHONE}</nummer>`);
    expect(pupil).toContain(`<nummer>${SECRET_EMAIL}</nummer>`);
  });

  it('writes the inzage asked for: remarks as redennietakkoord, consent, no inzage yet', async () => {
    const withRemarks = generateDossier({ profile: 'POVO', inzage: { remarks: 'Wij zien het anders.' } }).xml;
    expect(withRemarks).toContain('<akkoord>Nee</akkoord>');
    expect(withRemarks).toContain('<redennietakkoord>Wij zien het anders.</redennietakkoord>');
    const generated = generateDossier({ profile: 'POVO', inzage: { remarks: true, akkoord: 'Ja' } }).xml;
    expect(generated).toMatch(/<akkoord>Ja<\/akkoord>\s*<redennietakkoord>[^<]{20,}</);
    expect(generateDossier({ profile: 'VOVO', inzage: { toestemming: 'Nee' } }).xml).toContain(
      '<toestemming>Nee</toestemming>',
    );
    expect(generateDossier({ profile: 'POPO' }).xml).not.toContain('<toestemming>');
    const notSeen = generateDossier({
      profile: 'POPO',
      transferKind: 'overdrachtbinnenbrin',
      inzage: { inzage: false },
    });
    expect(notSeen.xml).toMatch(/<inzage>false<\/inzage>/);
    expect(notSeen.xml).not.toContain('<inzagedatum>');
    expect(findingsOf(await verdictOf(notSeen.xml))).toEqual([]);
  });

  it('attaches as many text files of the asked size as asked', async () => {
    const { xml } = generateDossier({ profile: 'VOVO', attachments: { count: 4, bytesEach: 12_345 } });
    const contents = [...xml.matchAll(/<bestandsinhoud>([^<]*)<\/bestandsinhoud>/g)].map((match) => match[1]);
    expect(contents).toHaveLength(4);
    for (const content of contents) expect(Buffer.from(content, 'base64')).toHaveLength(12_345);
    expect((await verdictOf(xml)).facts!.attachments).toHaveLength(4);
  });

  it('generates binnen-BRIN and special-education variants', async () => {
    const binnenBrin = generateDossier({
      profile: 'POPO',
      transferKind: 'overdrachtbinnenbrin',
      school: { brin: '12AB' },
    });
    expect(await verdictOf(binnenBrin.xml)).toMatchObject({
      valid: true,
      facts: { overdrachtsoort: 'overdrachtbinnenbrin' },
    });
    expect(binnenBrin.xml.match(/<brincode>12AB<\/brincode>/g)!.length).toBeGreaterThan(1);
    const fromSo = generateDossier({ profile: 'POVO', school: { soort: 'SO' } });
    expect(fromSo.xml).toContain('<soort>SO</soort>');
    expect(findingsOf(await verdictOf(fromSo.xml))).toEqual([]);
    expect(generateDossier({ profile: 'WECMBO' }).xml).toContain('<soort>VSO</soort>');
  });

  it.each<[string, DossierRecipe, RegExp]>([
    ['an unknown profile', { profile: 'POXX' }, /cannot be generated; choose one of/],
    [
      'VOMBO as overstapdossier',
      { profile: 'VOMBO', transferKind: 'overstapdossier' },
      /only for POPO, POVO and VOVO/,
    ],
    ['a swv profile between schools', { profile: 'POSWV', transferKind: 'overstapdossier' }, /PaO.SO03/],
    ['an overstapdossier without inzage', { profile: 'POVO', inzage: { inzage: false } }, /OVa.IZ02/],
    [
      'akkoord Nee without remarks',
      { profile: 'POVO', inzage: { akkoord: 'Nee', remarks: false } },
      /BRK.IZ.01/,
    ],
    ['an invalid BSN', { profile: 'POVO', pupil: { bsn: '123456789' } }, /elfproef/],
    [
      'an opt-out the profile forbids',
      { profile: 'POVO', optOut: ['ouderinzage'] },
      /cat_ouderinzage VERPLICHT, which no opt-out changes/,
    ],
    [
      'attachments in an opted-out category',
      { profile: 'POVO', optOut: ['bijlagedocs'], attachments: { count: 1 } },
      /cat_bijlagedocs/,
    ],
    [
      'a birth after the dossier',
      { profile: 'POVO', date: '2024-05-01', pupil: { geboortedatum: '2024-06-01' } },
      /before the dossier date/,
    ],
    [
      'inzage after the dossier',
      { profile: 'POVO', date: '2024-05-01', inzage: { datum: '2024-05-02' } },
      /BRK.META.02/,
    ],
  ])('refuses %s with a clear error', (_, recipe, message) => {
    expect(() => generateDossier(recipe)).toThrow(GeneratorError);
    expect(() => generateDossier(recipe)).toThrow(message);
  });

  it('makes a valid dossier, or refuses with a GeneratorError, for any mix of options', async () => {
    const random = new SeededRandom(2026);
    const outcomes = { valid: 0, refused: 0 };
    for (let index = 0; index < 400; index++) {
      const recipe: DossierRecipe = { profile: random.pick(GENERATABLE_PROFILES), seed: random.int(0, 1e6) };
      if (random.chance(0.3)) recipe.optOut = random.chance(0.5) ? true : [random.pick(ALL_CATEGORIES)];
      if (random.chance(0.3)) recipe.secretAddress = true;
      if (random.chance(0.3)) recipe.identifiedBy = 'onderwijsnummer';
      if (random.chance(0.3))
        recipe.inzage = {
          remarks: random.chance(0.5) || undefined,
          akkoord: random.pick(['Ja', 'Nee', 'Onbekend', undefined] as const),
          toestemming: random.pick(['Ja', 'Nee', 'Onbekend', undefined] as const),
        };
      if (random.chance(0.2))
        recipe.attachments = { count: random.int(0, 3), bytesEach: random.int(1, 5000) };
      if (random.chance(0.3))
        recipe.date = `20${random.int(15, 25)}-0${random.int(1, 9)}-1${random.int(0, 9)}`;
      if (random.chance(0.2)) recipe.school = { soort: random.pick(['BAO', 'SBO', 'SO', 'VO', 'VSO']) };
      if (random.chance(0.2))
        recipe.transferKind = random.pick([
          'overstapdossier',
          'overdrachtbinnenbrin',
          'swv-dossier',
        ] as const);
      let xml: string;
      try {
        xml = generateDossier(recipe).xml;
      } catch (error) {
        expect(error).toBeInstanceOf(GeneratorError);
        outcomes.refused++;
        continue;
      }
      expect({ recipe, findings: findingsOf(await verdictOf(xml)) }).toEqual({ recipe, findings: [] });
      outcomes.valid++;
    }
    expect(outcomes.valid).toBeGreaterThan(200);
  });

  it('never repeats a given number in an error', () => {
    expect(() => generateDossier({ profile: 'POVO', pupil: { bsn: '123456789' } })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('123456789') }),
    );
  });
});

/** sha256 of `generateDossier({ profile: 'POVO', seed: 7 }).xml`; changes only when the generator does. */
const GOLDEN_POVO_SEED_7 = '425e4520aa4edb5086f2e4cf1ff4c15a6e082c6f55815b116dfa62b0f7e95e7b';
