import { RegistryError } from './registry-error';
import { requireWebhookUrl } from './registry-rules';

function refusal(value: string): string {
  try {
    requireWebhookUrl(value);
  } catch (error) {
    if (error instanceof RegistryError) return `${error.code}: ${error.message}`;
    throw error;
  }
  return 'accepted';
}

describe('a vendor’s webhook URL', () => {
  it('accepts an https URL, normalised as the broker will call it', () => {
    expect(requireWebhookUrl('https://las.example.nl/oso/notifications')).toBe(
      'https://las.example.nl/oso/notifications',
    );
    expect(requireWebhookUrl(' HTTPS://LAS.example.nl:8443 ')).toBe('https://las.example.nl:8443/');
    expect(requireWebhookUrl('https://127.0.0.1:9443/hooks?v=1')).toBe('https://127.0.0.1:9443/hooks?v=1');
  });

  it('refuses plain http, credentials, fragments, relative and over-long URLs, saying why', () => {
    expect(refusal('http://las.example.nl/hook')).toMatch(/^INVALID_WEBHOOK_URL: .*https/);
    expect(refusal('https://user:secret@las.example.nl/hook')).toMatch(/^INVALID_WEBHOOK_URL: .*credentials/);
    expect(refusal('https://las.example.nl/a@b')).toMatch(/^INVALID_WEBHOOK_URL: .*credentials/);
    expect(refusal('https://las.example.nl/hook#x')).toMatch(/^INVALID_WEBHOOK_URL: .*fragment/);
    expect(refusal('/oso/notifications')).toMatch(/^INVALID_WEBHOOK_URL: .*absolute/);
    expect(refusal(`https://las.example.nl/${'a'.repeat(2048)}`)).toMatch(/^INVALID_WEBHOOK_URL: .*2048/);
    // The refusal never repeats a secret the URL held.
    expect(refusal('https://user:secret@las.example.nl/hook')).not.toContain('secret');
  });
});
