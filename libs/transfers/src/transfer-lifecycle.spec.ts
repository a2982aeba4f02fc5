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

  it('holds a match of a version staged ahead until the sender approves or refuses it (#11, item 1)', () => {
    expect(
      run('requested', [
        ['await_approval', 'broker'],
        ['approve_match', 'source_vendor'],
        ['await_evidence', 'broker'],
      ]),
    ).toBe('awaiting_evidence');
    expect(
      run('requested', [
        ['await_approval', 'broker'],
        ['refuse_match', 'source_vendor'],
      ]),
    ).toBe('requested');
    // Only the sender answers a match; nothing but staging for the transfer or approval reaches the gate.
    expect(nextState('awaiting_approval', 'approve_match', 'broker')).toMatchObject({ ok: false });
    expect(nextState('awaiting_approval', 'approve_match', 'target_vendor')).toMatchObject({ ok: false });
    for (const event of ['queue_release', 'block', 'await_evidence', 'release'] as const) {
      expect(nextState('awaiting_approval', event, 'broker').ok).toBe(false);
    }
    // A newer version staged ahead takes a named transfer back to the sender, before release only.
    expect(nextState('release_queued', 'await_approval', 'source_vendor')).toEqual({
      ok: true,
      state: 'awaiting_approval',
    });
    expect(nextState('released', 'await_approval', 'broker').ok).toBe(false);
    expect(nextState('awaiting_approval', 'withdraw', 'target_vendor').ok).toBe(true);
    expect(nextState('awaiting_approval', 'expire', 'broker').ok).toBe(true);
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

  it('lets the sender retract the version before release: the request waits for a dossier again', () => {
    for (const state of ['dossier_staged', 'awaiting_evidence', 'blocked', 'release_queued'] as const) {
      expect(nextState(state, 'retract_version', 'source_vendor')).toEqual({ ok: true, state: 'requested' });
      expect(nextState(state, 'retract_version', 'target_vendor')).toMatchObject({ ok: false });
      expect(nextState(state, 'retract_version', 'broker')).toMatchObject({ ok: false });
    }
    for (const state of ['requested', 'released', 'received', 'withdrawn', 'expired', 'purged'] as const) {
      expect(nextState(state, 'retract_version', 'source_vendor')).toMatchObject({ ok: false });
    }
  });

  it('takes a corrected version after release through the gate again, from the sender only', () => {
    expect(
      run('released', [
        ['stage_correction', 'source_vendor'],
        ['await_evidence', 'broker'],
        ['queue_release', 'broker'],
        ['release', 'broker'],
      ]),
    ).toBe('released');
    expect(nextState('received', 'stage_correction', 'source_vendor')).toEqual({
      ok: true,
      state: 'dossier_staged',
    });
    expect(nextState('released', 'stage_correction', 'target_vendor')).toMatchObject({ ok: false });
    for (const state of TRANSFER_STATES.filter(
      (candidate) => !['released', 'received'].includes(candidate),
    )) {
      expect(nextState(state, 'stage_correction', 'source_vendor')).toMatchObject({ ok: false });
    }
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
