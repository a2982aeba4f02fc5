import { MandateEntity } from './mandate.entity';
import { normalizeSerial } from './certificate-serial';
import { isMandateActive } from './registry.service';
import { InvalidSchoolCodeError, formatSchoolCode, parseSchoolCode } from './school-code';

describe('school codes (BRIN + vestiging)', () => {
  it.each([
    ['12AB00', { brin: '12AB', vestiging: '00' }],
    [' 12ab01 ', { brin: '12AB', vestiging: '01' }],
  ])('parses %j', (input, expected) => {
    expect(parseSchoolCode(input)).toEqual(expected);
    expect(formatSchoolCode(parseSchoolCode(input))).toBe(`${expected.brin}${expected.vestiging}`);
  });

  it.each(['12AB', '12AB0', '12AB000', 'AB1200', '1ABC00', '12A100', '12AB0X', ''])('refuses %j', (input) => {
    expect(() => parseSchoolCode(input)).toThrow(InvalidSchoolCodeError);
  });
});

describe('isMandateActive', () => {
  const at = new Date('2026-06-01T12:00:00Z');
  const mandate = (fields: Partial<MandateEntity>): MandateEntity =>
    Object.assign(new MandateEntity(), {
      validFrom: new Date('2026-01-01T00:00:00Z'),
      validUntil: null,
      revokedAt: null,
      ...fields,
    });

  it('is active from its start, open-ended', () => expect(isMandateActive(mandate({}), at)).toBe(true));
  it('is not active before its start', () =>
    expect(isMandateActive(mandate({ validFrom: new Date('2026-07-01T00:00:00Z') }), at)).toBe(false));
  it('is not active from its end on', () =>
    expect(isMandateActive(mandate({ validUntil: at }), at)).toBe(false));
  it('is not active once revoked', () => expect(isMandateActive(mandate({ revokedAt: at }), at)).toBe(false));
});

describe('normalizeSerial', () => {
  it.each([
    ['0A1B', 'a1b'],
    ['0a:1b', 'a1b'],
    ['0x00FF', 'ff'],
    ['3ADA79', '3ada79'],
    ['0', '0'],
  ])('%s → %s', (input, expected) => expect(normalizeSerial(input)).toBe(expected));
});
