import { createContentDigest, verifyContentDigest } from './content-digest';

// RFC 9530 §B.1/B.2: the body `{"hello": "world"}` with its published digests.
const BODY = Buffer.from('{"hello": "world"}');
const SHA256 = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:';
const SHA512 =
  'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:';

describe('Content-Digest (RFC 9530)', () => {
  it('produces sha-256 by default, as in the RFC example', () => {
    expect(createContentDigest(BODY)).toBe(SHA256);
    expect(createContentDigest(BODY, 'sha-512')).toBe(SHA512);
  });

  it('accepts sha-256, sha-512 and both, and reports what it verified', () => {
    expect(verifyContentDigest(SHA256, BODY)).toEqual({
      ok: true,
      digests: [{ algorithm: 'sha-256', value: 'X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=' }],
    });
    expect(verifyContentDigest(SHA512, BODY).ok).toBe(true);
    const both = verifyContentDigest(`${SHA512}, ${SHA256}`, BODY);
    expect(both.ok && both.digests.map((d) => d.algorithm)).toEqual(['sha-256', 'sha-512']);
  });

  it('ignores algorithms it does not check next to one it does', () => {
    expect(verifyContentDigest(`md5=:AAAA:, ${SHA256}`, BODY).ok).toBe(true);
  });

  it('refuses a body that differs by one byte', () => {
    const outcome = verifyContentDigest(SHA256, Buffer.from('{"hello": "world!"}'));
    expect(outcome).toMatchObject({ ok: false, refusal: { code: 'CONTENT_DIGEST_MISMATCH' } });
  });

  it('refuses when any checked member is wrong, even if another matches', () => {
    const wrong512 = createContentDigest(Buffer.from('other'), 'sha-512');
    const outcome = verifyContentDigest(`${SHA256}, ${wrong512}`, BODY);
    expect(outcome).toMatchObject({ ok: false, refusal: { code: 'CONTENT_DIGEST_MISMATCH' } });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['only algorithms the broker does not check', 'md5=:HUXZLQLMuI/KZ5KDcJPcOA==:'],
    ['not a dictionary', 'sha-256=X48E9q'],
    ['not a byte sequence', 'sha-256="X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="'],
  ])('refuses a header that is %s as CONTENT_DIGEST_MISSING', (_case, header) => {
    expect(verifyContentDigest(header, BODY)).toMatchObject({
      ok: false,
      refusal: { code: 'CONTENT_DIGEST_MISSING' },
    });
  });

  it('digests an empty body too', () => {
    const empty = Buffer.alloc(0);
    expect(verifyContentDigest(createContentDigest(empty), empty).ok).toBe(true);
    expect(verifyContentDigest(createContentDigest(empty), Buffer.from(' ')).ok).toBe(false);
  });
});
