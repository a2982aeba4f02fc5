import type { EntityManager } from 'typeorm';
import { EntryTrail, TransferEventRecorder, TransferLogEvent } from './transfer-events';

/** A use case's trail: a step's events go to the recorder together, and the answer names their ids. */
describe('EntryTrail', () => {
  const manager = {} as EntityManager;
  const event = (transferId: string): TransferLogEvent => ({
    type: 'withdrawn',
    at: new Date('2026-12-02T12:00:00Z'),
    actor: { kind: 'broker', id: null, side: null },
    schools: { source: '00YY00', target: '01XZ00' },
    transferId,
    versionHash: null,
    step: 'withdraw',
    fromState: 'requested',
    toState: 'withdrawn',
  });
  /** Records by handing out the next ids, and remembers each call's events. */
  const counting = () => {
    const calls: string[][] = [];
    let next = 10;
    const recorder: TransferEventRecorder = {
      record: async (_manager, events) => {
        calls.push(events.map((recorded) => recorded.transferId as string));
        return events.map(() => String(next++));
      },
    };
    return { recorder, calls };
  };

  it('hands the recorder the events noted since the last call, once, in order, and answers their ids', async () => {
    const { recorder, calls } = counting();
    const trail = new EntryTrail(recorder);
    trail.add(event('a'));
    trail.add(event('b'));
    await trail.recordIn(manager);
    trail.add(event('c'));
    await trail.recordIn(manager);
    await trail.recordIn(manager);
    expect(calls).toEqual([['a', 'b'], ['c']]);
    expect(trail.answer('done')).toEqual({ result: 'done', logEntries: ['10', '11', '12'] });
  });

  it('refuses to answer for events it noted but never recorded: they would be changes the log lacks', () => {
    const trail = new EntryTrail(counting().recorder);
    trail.add(event('a'));
    expect(() => trail.answer('done')).toThrow('a step answered with events it did not record');
  });
});
