import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ExchangeEventInput, InvalidExchangeEventError } from '../entry/exchange-log-entry';
import { openLogTestDatabase } from '../testing/log-test-database';
import { appendExchangeEvents } from './append-exchange-event';

/** A CRL publication numbered `crlNumber`: an entry that says by itself which event it was. */
const published = (crlNumber: number): ExchangeEventInput => ({
  type: 'crl_published',
  at: new Date(),
  actor: { kind: 'broker', id: 'crl-publisher' },
  details: { crlNumber },
});

/**
 * A step's events go into the log with one append (issue #10, "Scale"): in the caller's transaction,
 * every event judged before any is written, and the ids answered in the events' order — the order the
 * vendor's X-Log-Entry names them in.
 */
describe('appending the events of one step together', () => {
  let dataSource: DataSource;
  const crlNumbersById = async (ids: readonly string[]): Promise<number[]> => {
    const rows: Array<{ id: string; n: number }> = await dataSource.query(
      `SELECT id::text AS id, (details->>'crlNumber')::int AS n FROM exchange_log_entries
        WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    const byId = new Map(rows.map((row) => [row.id, row.n]));
    return ids.map((id) => byId.get(id)!);
  };
  const count = async () =>
    Number((await dataSource.query('SELECT count(*) AS n FROM exchange_log_entries'))[0].n);

  beforeAll(async () => {
    dataSource = await openLogTestDatabase('append_events');
  });
  afterAll(async () => {
    await dataSource?.destroy();
  });

  it('answers one id per event, ascending in the events’ order, each naming its own event', async () => {
    const numbers = [7, 3, 9, 1];
    const { entryIds } = await appendExchangeEvents(dataSource.manager, numbers.map(published));
    expect(entryIds).toHaveLength(numbers.length);
    expect([...entryIds].sort((a, b) => Number(BigInt(a) - BigInt(b)))).toEqual(entryIds);
    expect(await crlNumbersById(entryIds)).toEqual(numbers);
  });

  it('keeps the order across statements when a batch is larger than one INSERT takes', async () => {
    const numbers = Array.from({ length: 1_001 }, (_, i) => 1_001 - i);
    const { entryIds } = await appendExchangeEvents(dataSource.manager, numbers.map(published));
    expect(new Set(entryIds).size).toBe(numbers.length);
    expect(await crlNumbersById(entryIds)).toEqual(numbers);
  });

  it('writes nothing when any event of the step breaks the model, and says which field', async () => {
    const before = await count();
    const broken: ExchangeEventInput = {
      type: 'request_created',
      at: new Date(),
      actor: { kind: 'broker', id: 'broker' },
      schools: { source: '00YY00', target: '01XZ00' },
      transferId: randomUUID().toUpperCase(),
    };
    const append = appendExchangeEvents(dataSource.manager, [published(1), broken, published(2)]);
    await expect(append).rejects.toThrow(InvalidExchangeEventError);
    await expect(append).rejects.toThrow('transferId must be a lowercase UUID');
    expect(await count()).toBe(before);
  });

  it('writes nothing and answers no ids for a step without events', async () => {
    const before = await count();
    expect(await appendExchangeEvents(dataSource.manager, [])).toEqual({ entryIds: [] });
    expect(await count()).toBe(before);
  });
});
