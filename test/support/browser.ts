import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { ClientCredentials } from './test-pki';

/** Debian's Chromium (`apt-get install chromium`): the browser the page's tests drive. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests keep their screenshots (gitignored), one folder per suite. */
export function screenshotDir(suite: string): string {
  const dir = join(__dirname, '..', '..', 'test-results', suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A real headless Chromium. A missing browser fails the suite with what to install: a browser test that
 * skips itself proves nothing. `--no-sandbox` because tests run as root here, which Chromium's sandbox
 * refuses.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/**
 * A browser profile holding one client certificate for the broker at `https://localhost:<port>`, as an
 * auditor's browser with the certificate installed. `ignoreHTTPSErrors` is for the broker's SERVER
 * certificate only: Playwright presents client certificates through a proxy in this Node process, which
 * checks the server against Node's built-in roots, and Node 20 cannot add the test CA to those after
 * start-up (NODE_EXTRA_CA_CERTS is read at launch). Tests check the server certificate's issuer instead.
 */
export async function contextWithCertificate(
  browser: Browser,
  port: number,
  credentials: ClientCredentials,
  options: { locale?: string; timezoneId?: string } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    ignoreHTTPSErrors: true,
    clientCertificates: [{ origin: brokerOrigin(port), cert: credentials.cert, key: credentials.key }],
    locale: options.locale ?? 'nl-NL',
    timezoneId: options.timezoneId ?? 'Europe/Amsterdam',
    viewport: { width: 1500, height: 1000 },
  });
}

export function brokerOrigin(port: number): string {
  return `https://localhost:${port}`;
}
