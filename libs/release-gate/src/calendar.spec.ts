import { calendarDate, dutchDateOf, sixteenthBirthday } from './calendar';
import { exchangeRouteOf } from './exchange-route';

describe('the gate’s calendar', () => {
  it.each([
    ['2008-02-29', '2024-02-29'],
    ['2084-02-29', '2100-03-01'],
    ['2010-12-31', '2026-12-31'],
    ['2011-01-01', '2027-01-01'],
  ])('someone born %s turns 16 on %s', (birth, sixteenth) => {
    expect(sixteenthBirthday(birth)).toBe(sixteenth);
  });

  it.each([
    ['2026-12-01T22:59:59Z', '2026-12-01'], // 23:59:59 in winter (UTC+1)
    ['2026-12-01T23:00:00Z', '2026-12-02'],
    ['2026-06-30T21:59:59Z', '2026-06-30'], // 23:59:59 in summer (UTC+2)
    ['2026-06-30T22:00:00Z', '2026-07-01'],
  ])('the instant %s falls on %s in the Netherlands', (instant, date) => {
    expect(dutchDateOf(new Date(instant))).toBe(date);
  });

  it('refuses an invalid instant rather than guess a date', () => {
    expect(() => dutchDateOf(new Date('not a date'))).toThrow(RangeError);
  });

  it.each([
    ['2026-11-20', '2026-11-20'],
    ['2026-11-20+01:00', '2026-11-20'],
    ['2026-02-29', null],
    ['2024-02-29', '2024-02-29'],
    ['2026-13-01', null],
    ['20-11-2026', null],
    [null, null],
  ])('reads %s as the calendar date %s', (text, date) => {
    expect(calendarDate(text)).toBe(date);
  });
});

describe('exchangeRouteOf', () => {
  it.each([
    ['POVO', 'PO', { rules: 'PO', sendingSector: 'PO', receivingLevel: 'VO' }],
    ['POVO', 'SO', { rules: 'PO', sendingSector: 'SO', receivingLevel: 'VO' }],
    ['VOMBO', 'VO', { rules: 'VO', sendingSector: 'VO', receivingLevel: 'MBO' }],
    ['VOWO', 'VSO', { rules: 'VO', sendingSector: 'VSO', receivingLevel: 'HO' }],
    ['WECMBO', 'VSO', { rules: 'VO', sendingSector: 'VSO', receivingLevel: 'MBO' }],
    ['WECWEC', 'SO', { rules: 'PO', sendingSector: 'SO', receivingLevel: 'WEC' }],
  ] as const)('%s from a %s school follows the %o', (profile, sector, route) => {
    expect(exchangeRouteOf(profile, sector)).toEqual(route);
  });

  it.each([
    ['VSPO', 'PO'],
    ['POSWV', 'PO'],
    ['OVERIG', 'VO'],
    ['WECVO', 'VO'],
    ['VOVO', 'MBO'],
    ['', 'PO'],
  ] as const)('%s from a %s school has no release rules here', (profile, sector) => {
    expect(exchangeRouteOf(profile, sector)).toEqual({ misfit: expect.any(String) });
  });
});
