import { RegistryService } from '@app/registry';
import { DataSource } from 'typeorm';
import { RunningBroker, startBroker } from '../../../../test/support/broker-fixture';
import {
  Exchange,
  SOURCE_SCHOOL,
  TARGET_SCHOOL,
  startExchange,
} from '../../../../test/support/exchange-fixture';
import { VendorClient } from '../../../../test/support/vendor-client';

/**
 * Schools are read from the registry cache on the exchange's hot paths (#13). A school registered,
 * renamed or moved to another board by another process (as `oso` does) must count on the very next
 * request, on every broker process.
 */
describe('the exchange reads schools from the cache as the registry has them now', () => {
  let setup: Exchange;
  let second: RunningBroker;
  let voOnSecond: VendorClient;

  beforeAll(async () => {
    setup = await startExchange({ suite: 'school_reads' });
    // A second broker-api on the same database: a process of its own, as under BROKER_API_PROCESSES.
    second = await startBroker({ DATABASE_URL: setup.databaseUrl, PKI_DIR: setup.pki.dir });
    voOnSecond = new VendorClient(second.port, setup.credentials.vo, setup.pki.caCertificate);
  });

  afterAll(async () => {
    await voOnSecond?.close();
    await second?.close();
    await setup?.close();
  });

  const request = (client: VendorClient, sourceSchool: string, bsn: string) =>
    client.post('/v1/transfers', {
      targetSchool: TARGET_SCHOOL,
      sourceSchool,
      pupil: { bsn, geboortedatum: '2011-05-01' },
    });

  it('shows a renamed school on the next request of both processes', async () => {
    const requested = await request(setup.clients.vo, SOURCE_SCHOOL, '111222333');
    expect(requested.status).toBe(201);
    const path = `/v1/transfers/${requested.body.id as string}`;
    const targetName = async (client: VendorClient) => {
      const view = await client.get(path);
      expect(view.status).toBe(200);
      return (view.body.targetSchool as { name: string }).name;
    };
    expect(await targetName(setup.clients.vo)).toBe('Het College');
    expect(await targetName(voOnSecond)).toBe('Het College');

    await setup.pki.registry.changeSchool({ code: TARGET_SCHOOL, name: 'Het Nieuwe College' });
    expect(await targetName(setup.clients.vo)).toBe('Het Nieuwe College');
    expect(await targetName(voOnSecond)).toBe('Het Nieuwe College');
  });

  it('accepts a school registered after it was refused as unknown, on both processes', async () => {
    const late = '02AB00';
    for (const client of [setup.clients.vo, voOnSecond]) {
      const refused = await request(client, late, '123456708');
      expect([refused.status, refused.body.error]).toEqual([422, 'UNKNOWN_SCHOOL']);
    }
    await setup.pki.registry.addSchool({ code: late, name: 'De Late', sector: 'PO', bevoegdGezag: '41234' });
    expect((await request(setup.clients.vo, late, '123456708')).status).toBe(201);
    expect((await request(voOnSecond, late, '123456721')).status).toBe(201);
  });

  it('answers a school moved to another board with its new board in both processes', async () => {
    const school = await setup.pki.registry.findSchool(SOURCE_SCHOOL);
    for (const broker of [setup.broker, second]) {
      const registry = broker.app.get(RegistryService);
      const cached = await registry.schoolById(school.id);
      // Served from memory: the same object again, not a fresh row.
      expect(await registry.schoolById(school.id)).toBe(cached);
      expect(await registry.findSchool(SOURCE_SCHOOL)).toBe(await registry.findSchool(SOURCE_SCHOOL));
    }
    await setup.pki.registry.changeSchool({ code: SOURCE_SCHOOL, bevoegdGezag: '47654' });
    for (const broker of [setup.broker, second]) {
      const registry = broker.app.get(RegistryService);
      expect((await registry.schoolById(school.id)).bevoegdGezag).toBe('47654');
      expect((await registry.findSchool(SOURCE_SCHOOL)).bevoegdGezag).toBe('47654');
      const [inTransaction] = await broker.app
        .get(DataSource)
        .transaction((manager) => registry.schoolsWithIds([school.id], manager));
      expect(inTransaction.bevoegdGezag).toBe('47654');
    }
  });
});
