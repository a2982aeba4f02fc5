import { DossierValidationPool } from '@app/oso-dataset/dossier-validation-pool';
import { generateDossier } from '@app/oso-dataset/generator';
import { sixteenthBirthday } from '@app/release-gate';
import { DEMO_DAYS, DEMO_DOSSIERS, DEMO_REMARKS, generatedDemoDossier } from './demo-dossiers';

/**
 * The demo's dossiers agree with what the demo records for them: each is valid (the broker stages only
 * valid dossiers), its own `inzage` block names the inzage the demo records, a VO dossier says toestemming
 * Ja, and only the pupil of scenario 5 is 16 at the inzage (the others' parents decide).
 */
describe('the demo dossiers', () => {
  let pool: DossierValidationPool;
  beforeAll(() => {
    pool = new DossierValidationPool({ threads: 1 });
  });
  afterAll(() => pool.close());

  it.each(Object.entries(DEMO_DOSSIERS))(
    '%s: valid, and its inzage block agrees with the demo',
    async (name, recipe) => {
      const generated = generateDossier(recipe);
      const verdict = await pool.validate(Buffer.from(generated.xml, 'utf8'), { today: '2026-12-01' });
      expect([name, verdict.errors]).toEqual([name, []]);
      const inzage = verdict.facts?.inzage;
      expect(inzage?.inzage).toBe('true');
      expect(inzage?.inzagedatum).toBe(DEMO_DAYS.inzage);
      expect(inzage?.toestemming).toBe(recipe.profile === 'VOVO' ? 'Ja' : null);
      // Every act is dated after the inzage and on or before the dossier's date: all in the past.
      expect(DEMO_DAYS.inzage < DEMO_DAYS.consent && DEMO_DAYS.consent < DEMO_DAYS.later).toBe(true);
      expect(DEMO_DAYS.later <= generated.date).toBe(true);
      const sixteenAtInzage = sixteenthBirthday(generated.pupil.geboortedatum) <= DEMO_DAYS.inzage;
      expect([name, sixteenAtInzage]).toEqual([name, name === 'pupilOf16']);
    },
  );

  it('scenario 1 carries the parents’ remarks in its inzage block, and the demo records the same text', async () => {
    const dossier = await generatedDemoDossier('poToVo');
    expect(dossier.remarks).toBe(DEMO_REMARKS);
    expect(dossier.bytes.toString('utf8')).toContain(`<redennietakkoord>${DEMO_REMARKS}</redennietakkoord>`);
    expect(dossier.inzageDate).toBe(DEMO_DAYS.inzage);
  });

  it('gives each scenario its own pupil', () => {
    const numbers = Object.values(DEMO_DOSSIERS).map((recipe) => generateDossier(recipe).pupil.bsn);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
