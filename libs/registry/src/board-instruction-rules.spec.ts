import { effectiveInstruction, type DatedInstruction } from './board-instruction-rules';

/** Which of a board's instructions of one kind holds at a moment: decision date first, then recording. */
const at = (iso: string) => new Date(iso);
const instruction = (id: string, effectiveFrom: string, recordedAt: string): DatedInstruction => ({
  id,
  effectiveFrom,
  recordedAt: at(recordedAt),
});

describe('the board instruction in effect', () => {
  const early = instruction('a', '2026-01-10', '2026-01-11T09:00:00Z');
  const later = instruction('b', '2026-03-01', '2026-03-02T09:00:00Z');

  it('is none when the board gave none: the default applies', () => {
    expect(effectiveInstruction([], at('2026-06-01T12:00:00Z'))).toBeNull();
  });

  it('is the one with the latest decision date that has come', () => {
    expect(effectiveInstruction([later, early], at('2026-06-01T12:00:00Z'))?.id).toBe('b');
    expect(effectiveInstruction([later, early], at('2026-02-01T12:00:00Z'))?.id).toBe('a');
  });

  it('does not hold yet when dated ahead: future-dated is not yet in effect', () => {
    const ahead = instruction('c', '2026-09-01', '2026-06-01T09:00:00Z');
    expect(effectiveInstruction([early, ahead], at('2026-08-31T12:00:00Z'))?.id).toBe('a');
    expect(effectiveInstruction([ahead], at('2026-08-31T12:00:00Z'))).toBeNull();
    expect(effectiveInstruction([early, ahead], at('2026-09-01T12:00:00Z'))?.id).toBe('c');
  });

  it('starts on the Dutch calendar day of the decision, not UTC’s', () => {
    const ahead = instruction('c', '2026-09-01', '2026-06-01T09:00:00Z');
    // 31 August 22:30 UTC is already 1 September 00:30 in Amsterdam (summer time).
    expect(effectiveInstruction([ahead], at('2026-08-31T22:30:00Z'))?.id).toBe('c');
    expect(effectiveInstruction([ahead], at('2026-08-31T21:30:00Z'))).toBeNull();
  });

  it('is not undone by a backdated decision recorded afterwards', () => {
    const backdated = instruction('d', '2026-02-01', '2026-04-01T09:00:00Z');
    expect(effectiveInstruction([early, later, backdated], at('2026-06-01T12:00:00Z'))?.id).toBe('b');
  });

  it('of two decisions of the same day, is the one recorded last', () => {
    const first = instruction('e', '2026-05-01', '2026-05-01T09:00:00Z');
    const second = instruction('f', '2026-05-01', '2026-05-01T10:00:00Z');
    expect(effectiveInstruction([second, first], at('2026-06-01T12:00:00Z'))?.id).toBe('f');
  });

  it('ignores what was recorded after the moment asked about', () => {
    const recordedLater = instruction('g', '2026-01-01', '2026-07-01T09:00:00Z');
    expect(effectiveInstruction([recordedLater], at('2026-06-01T12:00:00Z'))).toBeNull();
  });
});
