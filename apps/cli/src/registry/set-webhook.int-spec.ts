import { BROKER_SCHEMA } from '@app/broker-schema';
import { PersistenceModule } from '@app/persistence';
import { RegistryModule, RegistryService } from '@app/registry';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { osoInProcess } from '../../../../test/support/oso-in-process';
import { createSuiteDatabase } from '../../../../test/support/suite-database';

/** `oso registry set-webhook` on a real database, recorded in the exchange log without the URL. */
describe('oso registry set-webhook', () => {
  let url: string;
  let context: INestApplicationContext;
  let database: Client;
  let pkiDir: string;
  const oso = (...args: string[]) =>
    osoInProcess(['registry', ...args], { DATABASE_URL: url, PKI_DIR: pkiDir });

  beforeAll(async () => {
    url = await createSuiteDatabase('set_webhook');
    pkiDir = mkdtempSync(join(tmpdir(), 'oso-set-webhook-'));
    @Module({
      imports: [PersistenceModule.forRoot({ url, startupTimeoutSeconds: 5 }, BROKER_SCHEMA), RegistryModule],
    })
    class MigratedModule {}
    context = await NestFactory.createApplicationContext(MigratedModule, { logger: false });
    await context.get(RegistryService).addVendor({ id: 'hook-las', name: 'Hook LAS' });
    database = new Client({ connectionString: url });
    await database.connect();
  });

  afterAll(async () => {
    await database?.end();
    await context?.close();
    rmSync(pkiDir, { recursive: true, force: true });
  });

  const webhookOf = async (id: string) =>
    (
      await database.query<{ webhook_url: string | null }>('SELECT webhook_url FROM vendors WHERE id = $1', [
        id,
      ])
    ).rows[0].webhook_url;
  const changes = async () =>
    (
      await database.query<{ details: unknown }>(
        `SELECT details FROM exchange_log_entries WHERE event_type = 'vendor_changed' ORDER BY id`,
      )
    ).rows.map((row) => row.details);

  it('sets, repeats without a change, and clears a webhook; the log names the field, never the URL', async () => {
    const hook = 'https://hooks.example.nl/oso/notifications?vendor=hook';
    expect(await oso('set-webhook', 'hook-las', hook)).toMatchObject({
      code: 0,
      stdout: [`vendor hook-las: webhook ${hook}`],
    });
    expect(await webhookOf('hook-las')).toBe(hook);
    // The same URL again changes nothing and records nothing.
    expect((await oso('set-webhook', 'hook-las', hook)).code).toBe(0);
    expect(await oso('set-webhook', 'hook-las', '--clear')).toMatchObject({
      code: 0,
      stdout: ['vendor hook-las: no webhook (polls its inbox)'],
    });
    expect(await webhookOf('hook-las')).toBeNull();
    const logged = await changes();
    expect(logged).toEqual([
      { vendorId: 'hook-las', changed: ['webhook_url'] },
      { vendorId: 'hook-las', changed: ['webhook_url'] },
    ]);
    expect(JSON.stringify(logged)).not.toContain('hooks.example.nl');
  });

  it('refuses plain http, credentials, and a call without URL or --clear, changing nothing', async () => {
    const before = (await changes()).length;
    const http = await oso('set-webhook', 'hook-las', 'http://hooks.example.nl/oso');
    expect(http.code).not.toBe(0);
    expect(http.stderr.join('\n')).toMatch(/INVALID_WEBHOOK_URL: webhook URL must use https/);
    const secret = await oso('set-webhook', 'hook-las', 'https://me:pw@hooks.example.nl/oso');
    expect(secret.stderr.join('\n')).toMatch(/INVALID_WEBHOOK_URL/);
    expect(secret.stderr.join('\n')).not.toContain('pw@');
    expect((await oso('set-webhook', 'hook-las')).code).not.toBe(0);
    expect((await oso('set-webhook', 'hook-las', 'https://x.example.nl/', '--clear')).code).not.toBe(0);
    expect((await oso('set-webhook', 'no-such-las', 'https://x.example.nl/')).stderr.join('\n')).toMatch(
      /UNKNOWN_VENDOR/,
    );
    expect(await webhookOf('hook-las')).toBeNull();
    expect(await changes()).toHaveLength(before);
    // The database refuses what the rule refuses, should a bug bypass it.
    await expect(
      database.query(`UPDATE vendors SET webhook_url = 'http://hooks.example.nl/' WHERE id = 'hook-las'`),
    ).rejects.toThrow(/ck_vendor_webhook_https/);
  });
});
