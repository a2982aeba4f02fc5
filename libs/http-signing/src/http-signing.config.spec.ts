import { ConfigError } from '@app/config';
import { readHttpSigningConfig } from './http-signing.config';

describe('http-signing configuration', () => {
  it('accepts signatures up to 5 minutes old by default', () => {
    expect(readHttpSigningConfig({})).toEqual({ maxAgeSeconds: 300 });
    expect(readHttpSigningConfig({ SIGNATURE_MAX_AGE_SECONDS: '' })).toEqual({ maxAgeSeconds: 300 });
  });

  it('reads SIGNATURE_MAX_AGE_SECONDS', () => {
    expect(readHttpSigningConfig({ SIGNATURE_MAX_AGE_SECONDS: '120' })).toEqual({ maxAgeSeconds: 120 });
  });

  it.each(['0', '-5', '1.5', 'five', '3601'])('refuses %s, naming the variable', (value) => {
    expect(() => readHttpSigningConfig({ SIGNATURE_MAX_AGE_SECONDS: value })).toThrow(ConfigError);
    expect(() => readHttpSigningConfig({ SIGNATURE_MAX_AGE_SECONDS: value })).toThrow(
      /SIGNATURE_MAX_AGE_SECONDS/,
    );
  });
});
