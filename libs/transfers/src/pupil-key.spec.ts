import { hashPupilKey, pupilKeyProblem } from './pupil-key';

const secret = Buffer.alloc(32, 7);

describe('pupil key', () => {
  it('accepts a BSN or an onderwijsnummer with a birth date', () => {
    expect(pupilKeyProblem({ bsn: '269326728', geboortedatum: '2003-03-17' })).toBeNull();
    expect(pupilKeyProblem({ onderwijsnummer: '100000009', geboortedatum: '2003-03-17' })).toBeNull();
  });

  it.each([
    [{ geboortedatum: '2003-03-17' }, /exactly one/],
    [{ bsn: '269326728', onderwijsnummer: '100000009', geboortedatum: '2003-03-17' }, /exactly one/],
    [{ bsn: '123456789', geboortedatum: '2003-03-17' }, /elfproef/],
    [{ onderwijsnummer: '12345', geboortedatum: '2003-03-17' }, /9 digits/],
    [{ bsn: '269326728', geboortedatum: '2003-02-30' }, /YYYY-MM-DD/],
    [{ bsn: '269326728', geboortedatum: '17-03-2003' }, /YYYY-MM-DD/],
  ])('refuses %j', (key, problem) => {
    const message = pupilKeyProblem(key);
    expect(message).toMatch(problem);
    expect(message).not.toContain('269326728');
  });

  it('hashes the same pupil the same way, and different keys or secrets differently', () => {
    const key = { bsn: '269326728', geboortedatum: '2003-03-17' };
    const hash = hashPupilKey(key, secret);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashPupilKey({ ...key }, secret)).toBe(hash);
    expect(hashPupilKey({ ...key, geboortedatum: '2003-03-18' }, secret)).not.toBe(hash);
    expect(hashPupilKey({ onderwijsnummer: '269326728', geboortedatum: '2003-03-17' }, secret)).not.toBe(
      hash,
    );
    expect(hashPupilKey(key, Buffer.alloc(32, 8))).not.toBe(hash);
    expect(hash).not.toContain('269326728');
  });
});
