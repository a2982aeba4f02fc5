import { readPkiConfig } from './pki.config';

describe('readPkiConfig key types', () => {
  it('defaults both key types to P-256', () => {
    const config = readPkiConfig({});
    expect(config.clientKeyType).toBe('p256');
    expect(config.serverKeyType).toBe('p256');
  });

  it('takes rsa-2048 for either', () => {
    const config = readPkiConfig({ PKI_CLIENT_KEY_TYPE: 'rsa-2048', PKI_SERVER_KEY_TYPE: 'rsa-2048' });
    expect(config).toMatchObject({ clientKeyType: 'rsa-2048', serverKeyType: 'rsa-2048' });
  });

  it('refuses a key type it cannot issue, naming the setting', () => {
    expect(() => readPkiConfig({ PKI_CLIENT_KEY_TYPE: 'ed448' })).toThrow(/PKI_CLIENT_KEY_TYPE/);
  });
});
