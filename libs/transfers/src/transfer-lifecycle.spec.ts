import {
  TRANSFER_EVENTS,
  TRANSFER_STATES,
  TransferActor,
  TransferEvent,
  TransferState,
  isFinished,
  nextState,
} from './transfer-lifecycle';

function run(start: TransferState, steps: Array<[TransferEvent, TransferActor]>): TransferState {
  let state = start;
  for (const [event, actor] of steps) {
    const result = nextState(state, event, actor);
    if (!result.ok) throw new Error(`${event} by ${actor} refused in ${state}: ${result.refusal}`);
    state = result.state;
  }
  return state;
}

describe('the transfer lifecycle', () => {
  it('runs the whole way from request to purge', () => {
    expect(
      run('requested', [
        ['stage_version', 'source_vendor'],
        ['await_evidence', 'broker'],
        ['queue_release', 'broker'],
        ['release', 'broker'],
        ['acknowledge_receipt', 'target_vendor'],
        ['purge', 'broker'],
      ]),
    ).toBe('purged');
  });

  it('lets a blocked transfer continue after a new version', () => {
    expect(
      run('requested', [
        ['stage_version', 'source_vendor'],
        ['block', 'broker'],
        ['stage_version', 'source_vendor'],
        ['await_evidence', 'broker'],
      ]),
    ).toBe('awaiting_evidence');
  });

  it('lets new evidence lift a block, and take back a queued release before the worker acts', () => {
    expect(nextState('blocked', 'queue_release', 'broker')).toEqual({ ok: true, state: 'release_queued' });
    expect(nextState('release_queued', 'block', 'broker')).toEqual({ ok: true, state: 'blocked' });
    expect(nextState('release_queued', 'await_evidence', 'broker')).toEqual({
      ok: true,
      state: 'awaiting_evidence',
    });
    for (const state of ['released', 'received', 'withdrawn', 'expired', 'purged'] as const) {
      for (const event of ['queue_release', 'block', 'await_evidence'] as const) {
        expect(nextState(state, event, 'broker').ok).toBe(false);
      }
    }
  });

  it('never releases without the gate having queued the release', () => {
    for (const state of TRANSFER_STATES.filter((candidate) => candidate !== 'release_queued')) {
      expect(nextState(state, 'release', 'broker')).toEqual({
        ok: false,
        refusal: 'TRANSFER_STATE_CONFLICT',
      });
    }
  });

  it('lets only the broker decide on release, and only the target acknowledge or withdraw', () => {
    for (const actor of ['source_vendor', 'target_vendor'] as const) {
      expect(nextState('awaiting_evidence', 'queue_release', actor)).toMatchObject({ ok: false });
      expect(nextState('release_queued', 'release', actor)).toMatchObject({ ok: false });
    }
    expect(nextState('released', 'acknowledge_receipt', 'source_vendor')).toEqual({
      ok: false,
      refusal: 'TRANSFER_ACTOR_NOT_ALLOWED',
    });
    expect(nextState('requested', 'withdraw', 'source_vendor')).toMatchObject({ ok: false });
    expect(nextState('requested', 'stage_version', 'target_vendor')).toMatchObject({ ok: false });
  });

  it('freezes a released dossier: no new version, no withdrawal', () => {
    expect(nextState('released', 'stage_version', 'source_vendor')).toMatchObject({ ok: false });
    expect(nextState('released', 'withdraw', 'target_vendor')).toMatchObject({ ok: false });
  });

  it('purges finished transfers, and a release or block whose term ended; nothing follows a purge', () => {
    for (const state of TRANSFER_STATES) {
      expect(nextState(state, 'purge', 'broker').ok).toBe(
        ['received', 'expired', 'withdrawn', 'released', 'blocked'].includes(state),
      );
    }
    for (const event of TRANSFER_EVENTS) {
      for (const actor of ['source_vendor', 'target_vendor', 'broker'] as const) {
        expect(nextState('purged', event, actor).ok).toBe(false);
      }
    }
    expect(TRANSFER_STATES.filter(isFinished)).toEqual(['received', 'expired', 'withdrawn', 'purged']);
  });

  it('can reach every state from a request', () => {
    const reached = new Set<TransferState>(['requested']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const state of [...reached]) {
        for (const event of TRANSFER_EVENTS) {
          for (const actor of ['source_vendor', 'target_vendor', 'broker'] as const) {
            const result = nextState(state, event, actor);
            if (result.ok && !reached.has(result.state)) {
              reached.add(result.state);
              grew = true;
            }
          }
        }
      }
    }
    expect([...reached].sort()).toEqual([...TRANSFER_STATES].sort());
  });
});
