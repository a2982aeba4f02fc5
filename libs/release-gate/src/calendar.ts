/**
 * Calendar dates as the law counts them: acts (inzage, consent) happen on a day, not at an instant, and the
 * dossier's `inzagedatum` is an xs:date. Dates are 'YYYY-MM-DD' strings, which compare correctly as text.
 */
export type CalendarDate = string;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})/;
/** The day an act dated in the Netherlands falls on: `now` is read on the Dutch calendar, not UTC's. */
const DUTCH_TIME_ZONE = 'Europe/Amsterdam';
const AGE_OF_OWN_DECISION = 16;

const dutchDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: DUTCH_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? isLeapYear(year)
      ? 29
      : 28
    : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * The calendar date at the start of `text` (an xs:date may carry a time zone: '2026-03-01+01:00'), or null
 * when it is not a real date.
 */
export function calendarDate(text: string | null | undefined): CalendarDate | null {
  const match = text ? DATE_PATTERN.exec(text.trim()) : null;
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** Today's date in the Netherlands at the instant `now`. */
export function dutchDateOf(now: Date): CalendarDate {
  if (Number.isNaN(now.getTime())) throw new RangeError('now is not a valid instant');
  return dutchDay.format(now);
}

/**
 * The day the pupil turns 16 and decides for themself. Someone born on 29 February turns 16 on 1 March in
 * a year without that day (the day after 28 February, when the anniversary has passed); since 16 is a
 * multiple of 4 that only happens across a century year that is not a leap year (born 2084 → 2100).
 */
export function sixteenthBirthday(birthDate: CalendarDate): CalendarDate {
  const [year, month, day] = birthDate.split('-').map(Number);
  const target = year + AGE_OF_OWN_DECISION;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (month === 2 && day === 29 && !isLeapYear(target)) return `${String(target).padStart(4, '0')}-03-01`;
  return `${String(target).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}
