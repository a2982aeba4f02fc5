import { DossierValidationPool } from '@app/oso-dataset';
import { passesElfproef } from '@app/oso-dataset/generator';
import { DOSSIER_SIZES, DossierSize, SeasonDossiers, SeasonRoute } from './season-dossiers';

/** The season's per-pupil copies of a template are valid dossiers (strict, on the broker's pool) of their own pupil and school. */
describe('SeasonDossiers', () => {
  let pool: DossierValidationPool;

  beforeAll(() => {
    pool = new DossierValidationPool({ threads: 1 });
  });
  afterAll(() => pool.close());

  it.each([
    ['po-vo', 'small', '12AB03'],
    ['vo-vo', 'medium', '34CD00'],
    ['vo-vo-16', 'small', '56EF01'],
  ] as Array<[SeasonRoute, DossierSize, string]>)(
    'a %s dossier (%s) for school %s validates strictly and names the pupil and the school',
    async (route, size, school) => {
      const dossier = new SeasonDossiers(20_000_000).forPupil(route, size, school);
      const verdict = await pool.validate(dossier.bytes);
      expect(verdict.errors).toEqual([]);
      expect(verdict.valid).toBe(true);
      expect(verdict.facts?.pupil?.bsn).toBe(dossier.pupil.bsn);
      expect(verdict.facts?.pupil?.geboortedatum).toBe(dossier.pupil.geboortedatum);
      const text = dossier.bytes.toString('utf8');
      expect(text).not.toContain('99ZZ');
      expect(text).toContain(`<brincode>${school.slice(0, 4)}</brincode>`);
    },
  );

  it('gives every pupil a BSN of their own that passes the elfproef, so every copy is new content', () => {
    const dossiers = new SeasonDossiers(20_000_000);
    const copies = Array.from({ length: 500 }, () => dossiers.forPupil('po-vo', 'small', '12AB00'));
    const numbers = copies.map((copy) => copy.pupil.bsn);
    expect(new Set(numbers).size).toBe(copies.length);
    expect(numbers.every(passesElfproef)).toBe(true);
    expect(new Set(copies.map((copy) => copy.bytes.toString('base64'))).size).toBe(copies.length);
  });

  it('makes the typical size about the official POVO example’s (≈170 KB)', () => {
    const bytes = new SeasonDossiers(20_000_000).forPupil('po-vo', 'typical', '12AB00').bytes.length;
    expect(DOSSIER_SIZES.typical.count * DOSSIER_SIZES.typical.bytesEach).toBeGreaterThan(100_000);
    expect(bytes).toBeGreaterThan(150_000);
    expect(bytes).toBeLessThan(250_000);
  });
});
