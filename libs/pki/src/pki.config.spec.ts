import { readPkiConfig } from './pki.config';

describe('readPkiConfig key types', () => {
  it('defaults both key types to RSA-2048', () => {
    const config = readPkiConfig({});
    expect(config.clientKeyType).toBe('rsa-2048');
    expect(config.serverKeyType).toBe('rsa-2048');
  });

  it('takes p256 for either', () => {
    const config = readPkiConfig({ PKI_CLIENT_KEY_TYPE: 'p256', PKI_SERVER_KEY_TYPE: 'p256' });
    expect(config).toMatchObject({ clientKeyType: 'p256', serverKeyType: 'p256' });
  });

  it('refuses a key type it cannot issue, naming the setting', () => {
    expect(() => readPkiConfig({ PKI_CLIENT_KEY_TYPE: 'ed448' })).toThrow(/PKI_CLIENT_KEY_TYPE/);
  });
});
