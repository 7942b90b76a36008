import { getShortestPaths } from 'xstate/graph';
import { RESERVED_STATES } from '../../../workflows/labels';
import {
  allowedEvents,
  applyEvent,
  buildDossierMachine,
  initialSnapshot,
  stateValueOf,
  type DossierContext,
  type DossierEvent,
  type DossierMachine,
  type PersistedSnapshot,
} from '../../../workflows/procedure/machine';
import { definitionWithSteps, exampleDefinition } from './fixtures';

const ALL_EVENTS: DossierEvent[] = [
  { type: 'FORWARD' },
  { type: 'RETURN', comment: 'Thiếu chữ ký' },
  { type: 'REQUEST_SUPPLEMENT', comment: 'Thiếu tờ trình' },
  { type: 'SUPPLEMENT_RECEIVED' },
  { type: 'REFUSE', comment: 'Không đủ điều kiện' },
  { type: 'EXTEND', comment: 'Xin lỗi', dueAt: '2027-05-10T10:00:00+07:00' },
  { type: 'RETURN_RESULT' },
  { type: 'WITHDRAW', comment: 'Công dân rút hồ sơ' },
];

/** Every state value reachable from the start, by a shortest-path traversal. */
function reachableStates(machine: DossierMachine): Set<string> {
  const paths = getShortestPaths(machine, {
    events: ALL_EVENTS,
    // supplementCount grows without bound; past 2 it changes nothing the machine decides on.
    serializeState: (s) =>
      JSON.stringify([s.value, s.context.supplementStep, s.context.extended, Math.min(s.context.supplementCount, 2)]),
  });
  return new Set(paths.map((path) => String(path.state.value)));
}

/** Sends events one by one through a JSON round-trip, as the service does per request. */
function walk(
  machine: DossierMachine,
  events: DossierEvent[],
): { state: string; context: DossierContext; snapshot: PersistedSnapshot } {
  let snapshot = initialSnapshot(machine);
  let context = snapshot.context as DossierContext;
  for (const event of events) {
    const result = applyEvent(machine, JSON.parse(JSON.stringify(snapshot)) as PersistedSnapshot, event);
    if (!result.ok) throw new Error(`${event.type} refused in ${stateValueOf(snapshot)}`);
    snapshot = result.snapshot;
    context = result.context;
  }
  return { state: stateValueOf(snapshot), context, snapshot };
}

const ev = (type: DossierEvent['type']) => ({ type }) as DossierEvent;

describe('dossier machine built from a definition', () => {
  const machine = buildDossierMachine(exampleDefinition());

  it('has one state per step in order, then the reserved states', () => {
    expect(Object.keys(machine.states)).toEqual(['review', 'check', 'sign', 'number', ...RESERVED_STATES]);
    expect(stateValueOf(initialSnapshot(machine))).toBe('review');
    expect(initialSnapshot(machine).context).toEqual({ supplementStep: null, supplementCount: 0, extended: false });
  });

  it.each([1, 4])('reaches every state of a %i-step machine', (count) => {
    const m = buildDossierMachine(definitionWithSteps(count));
    expect(reachableStates(m)).toEqual(new Set(Object.keys(m.states)));
  });

  it('reaches every state of the design.md example', () => {
    expect(reachableStates(machine)).toEqual(new Set(Object.keys(machine.states)));
  });

  it('forwards step by step to result_ready, then returns the result', () => {
    const path = ['review', 'check', 'sign', 'number', 'result_ready'];
    path.slice(1).forEach((expected, i) => {
      expect(walk(machine, Array(i + 1).fill(ev('FORWARD'))).state).toBe(expected);
    });
    const done = walk(machine, [...Array(4).fill(ev('FORWARD')), ev('RETURN_RESULT')]);
    expect(done.state).toBe('returned');
    expect(done.snapshot.status).toBe('done');
  });

  it('offers RETURN at every step but the first, and it goes to the previous step', () => {
    expect(allowedEvents(machine, initialSnapshot(machine))).toEqual([
      'FORWARD',
      'REQUEST_SUPPLEMENT',
      'REFUSE',
      'EXTEND',
      'WITHDRAW',
    ]);
    expect(applyEvent(machine, initialSnapshot(machine), ev('RETURN'))).toEqual({ ok: false });
    const atSign = walk(machine, [ev('FORWARD'), ev('FORWARD')]);
    expect(allowedEvents(machine, atSign.snapshot)).toContain('RETURN');
    expect(walk(machine, [ev('FORWARD'), ev('FORWARD'), ev('RETURN')]).state).toBe('check');
  });

  it('returns a supplement to the step that asked, and counts a second request', () => {
    const waiting = walk(machine, [ev('FORWARD'), ev('FORWARD'), ev('REQUEST_SUPPLEMENT')]);
    expect(waiting.state).toBe('waiting_supplement');
    expect(waiting.context).toEqual({ supplementStep: 'sign', supplementCount: 1, extended: false });
    expect(allowedEvents(machine, waiting.snapshot)).toEqual(['SUPPLEMENT_RECEIVED', 'WITHDRAW']);

    const back = walk(machine, [ev('FORWARD'), ev('FORWARD'), ev('REQUEST_SUPPLEMENT'), ev('SUPPLEMENT_RECEIVED')]);
    expect(back.state).toBe('sign');
    expect(back.context).toEqual({ supplementStep: null, supplementCount: 1, extended: false });

    const second = walk(machine, [
      ev('REQUEST_SUPPLEMENT'),
      ev('SUPPLEMENT_RECEIVED'),
      ev('FORWARD'),
      ev('REQUEST_SUPPLEMENT'),
    ]);
    expect(second.context).toEqual({ supplementStep: 'check', supplementCount: 2, extended: false });
    expect(
      walk(machine, [
        ev('REQUEST_SUPPLEMENT'),
        ev('SUPPLEMENT_RECEIVED'),
        ev('FORWARD'),
        ev('REQUEST_SUPPLEMENT'),
        ev('SUPPLEMENT_RECEIVED'),
      ]).state,
    ).toBe('check');
  });

  it('allows EXTEND once, keeping the dossier at its step', () => {
    const extended = walk(machine, [ev('FORWARD'), ev('EXTEND')]);
    expect(extended.state).toBe('check');
    expect(extended.context.extended).toBe(true);
    expect(allowedEvents(machine, extended.snapshot)).not.toContain('EXTEND');
    expect(applyEvent(machine, extended.snapshot, ev('EXTEND'))).toEqual({ ok: false });
    // Still refused later, at another step.
    expect(
      applyEvent(machine, walk(machine, [ev('FORWARD'), ev('EXTEND'), ev('FORWARD')]).snapshot, ev('EXTEND')).ok,
    ).toBe(false);
  });

  it('does not EXTEND while waiting for a supplement or after the result is ready', () => {
    expect(allowedEvents(machine, walk(machine, [ev('REQUEST_SUPPLEMENT')]).snapshot)).not.toContain('EXTEND');
    expect(allowedEvents(machine, walk(machine, Array(4).fill(ev('FORWARD'))).snapshot)).toEqual([
      'RETURN_RESULT',
      'WITHDRAW',
    ]);
  });

  it('lets the citizen withdraw from waiting_supplement and result_ready', () => {
    expect(walk(machine, [ev('REQUEST_SUPPLEMENT'), ev('WITHDRAW')]).state).toBe('withdrawn');
    expect(walk(machine, [...Array(4).fill(ev('FORWARD')), ev('WITHDRAW')]).state).toBe('withdrawn');
  });

  it.each([
    ['returned', [...Array(4).fill(ev('FORWARD')), ev('RETURN_RESULT')]],
    ['refused', [ev('FORWARD'), ev('REFUSE')]],
    ['withdrawn', [ev('WITHDRAW')]],
  ])('accepts nothing in the final state %s', (state, events) => {
    const final = walk(machine, events);
    expect(final.state).toBe(state);
    expect(allowedEvents(machine, final.snapshot)).toEqual([]);
    for (const event of ALL_EVENTS) expect(applyEvent(machine, final.snapshot, event)).toEqual({ ok: false });
  });

  it('a one-step machine forwards straight to result_ready and has no RETURN', () => {
    const one = buildDossierMachine(definitionWithSteps(1));
    expect(allowedEvents(one, initialSnapshot(one))).not.toContain('RETURN');
    expect(walk(one, [ev('FORWARD')]).state).toBe('result_ready');
    expect(walk(one, [ev('REQUEST_SUPPLEMENT'), ev('SUPPLEMENT_RECEIVED')]).state).toBe('step_1');
  });

  it('leaves the stored snapshot untouched when an event is refused or applied', () => {
    const before = initialSnapshot(machine);
    const copy = JSON.parse(JSON.stringify(before));
    applyEvent(machine, before, ev('FORWARD'));
    applyEvent(machine, before, ev('RETURN'));
    expect(before).toEqual(copy);
  });

  it('throws on a snapshot whose state the machine does not have', () => {
    const corrupt = { ...initialSnapshot(machine), value: 'approve' };
    expect(() => allowedEvents(machine, corrupt)).toThrow('Cannot restore snapshot');
  });
});
