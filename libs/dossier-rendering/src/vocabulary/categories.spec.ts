import { CATEGORY_ORDER, categoryTitle, notSentNotice } from './categories';
import { looksLikeALabel } from './testing/vocabulary-test-support';

describe('category titles and not-sent notices', () => {
  it('gives every category its own Dutch title', () => {
    const titles = CATEGORY_ORDER.map(categoryTitle);
    expect(titles.filter((title) => !looksLikeALabel(title))).toEqual([]);
    expect(new Set(titles).size).toBe(CATEGORY_ORDER.length);
    expect(categoryTitle('cat_overstapadvies')).toBe('Overstapadvies');
    expect(categoryTitle('cat_oudersverzorgers')).toBe('Ouders en verzorgers');
  });

  it('says a forbidden category is left out by data minimisation', () => {
    const notice = notSentNotice('cat_onderwijsondersteuning', 'VERBODEN');
    expect(notice.startsWith('Onderwijsondersteuning: niet meegestuurd')).toBe(true);
    expect(notice).toContain('mag deze categorie niet worden meegestuurd (dataminimalisatie)');
    expect(notice).not.toContain('opt-out');
  });

  it('says an opted-out category is the school’s own choice', () => {
    const notice = notSentNotice('cat_verzuim', 'OPT-UIT');
    expect(notice.startsWith('Verzuim: niet meegestuurd')).toBe(true);
    expect(notice).toContain('de school heeft ervoor gekozen');
    expect(notice).toContain('(opt-out)');
    expect(notice).not.toContain('dataminimalisatie');
  });

  it('writes one sentence per category and delivery, none with the raw delivery value', () => {
    for (const category of CATEGORY_ORDER) {
      for (const delivery of ['VERBODEN', 'OPT-UIT'] as const) {
        const notice = notSentNotice(category, delivery);
        expect(notice).toMatch(/^[A-Z].*\.$/);
        expect(notice).not.toContain(delivery);
        expect(notice).not.toContain(category);
      }
    }
  });
});
