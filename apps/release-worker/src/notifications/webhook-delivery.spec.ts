import { failureOf } from './webhook-delivery';

describe('a failed webhook attempt as a code', () => {
  it('names the kind of failure, never the message (which may quote the host)', () => {
    const withCode = (code: string) => Object.assign(new Error('connect to las.example.nl failed'), { code });
    expect(failureOf(withCode('ECONNREFUSED'))).toBe('connection_refused');
    expect(failureOf(withCode('ETIMEDOUT'))).toBe('timeout');
    expect(failureOf(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe('timeout');
    expect(failureOf(withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toBe('tls_failed');
    expect(failureOf(withCode('ERR_TLS_CERT_ALTNAME_INVALID'))).toBe('tls_failed');
    expect(failureOf(withCode('DEPTH_ZERO_SELF_SIGNED_CERT'))).toBe('tls_failed');
    expect(failureOf(withCode('ENOTFOUND'))).toBe('network_error');
    expect(failureOf(withCode('ECONNRESET'))).toBe('network_error');
  });
});
