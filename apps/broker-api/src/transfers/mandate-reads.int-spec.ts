import {
  Exchange,
  SOURCE_SCHOOL,
  TARGET_SCHOOL,
  startExchange,
} from '../../../../test/support/exchange-fixture';

/**
 * The exchange reads mandates from the registry cache (#13): a mandate withdrawn or granted by another
 * process (as `oso` does) must decide the very next request, and the side of a mandate must still count.
 */
describe('the exchange judges mandates from the cache as the registry has them now', () => {
  let setup: Exchange;

  beforeAll(async () => {
    setup = await startExchange({ suite: 'mandate_reads' });
  });

  afterAll(async () => {
    await setup?.close();
  });

  it('hides a transfer from its sender on the request after the mandate is withdrawn, and shows it again', async () => {
    const { po, vo } = setup.clients;
    const pupil = { bsn: '111222333', geboortedatum: '2011-05-01' };
    const requested = await vo.post('/v1/transfers', {
      targetSchool: TARGET_SCHOOL,
      sourceSchool: SOURCE_SCHOOL,
      pupil,
    });
    expect(requested.status).toBe(201);
    const path = `/v1/transfers/${requested.body.id as string}`;
    const listed = async () =>
      ((await po.get('/v1/transfers?role=source')).body.items as Array<{ id: string }>).map(
        (item) => item.id,
      );

    expect((await po.get(path)).status).toBe(200);
    expect(await listed()).toEqual([requested.body.id]);

    await setup.pki.registry.revokeMandate({ schoolCode: SOURCE_SCHOOL, vendorId: 'po-las' });
    const hidden = await po.get(path);
    expect([hidden.status, hidden.body.error]).toEqual([404, 'TRANSFER_NOT_FOUND']);
    expect(await listed()).toEqual([]);

    // A receiving-side mandate does not make the vendor the sender.
    await setup.pki.registry.grantMandate({ schoolCode: SOURCE_SCHOOL, vendorId: 'po-las', side: 'target' });
    expect((await po.get(path)).status).toBe(404);
    expect(await listed()).toEqual([]);

    await setup.pki.registry.revokeMandate({ schoolCode: SOURCE_SCHOOL, vendorId: 'po-las' });
    await setup.pki.registry.grantMandate({ schoolCode: SOURCE_SCHOOL, vendorId: 'po-las', side: 'source' });
    expect((await po.get(path)).status).toBe(200);
    expect(await listed()).toEqual([requested.body.id]);
    // The receiver was never affected.
    expect((await vo.get(path)).status).toBe(200);
  });
});
