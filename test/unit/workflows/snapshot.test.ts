import fc from 'fast-check';
import { DOSSIER_EVENT_TYPES } from '../../../workflows/labels';
import { restoreSnapshot } from '../../../workflows/machine-utils';
import {
  allowedEvents,
  applyEvent,
  buildDossierMachine,
  initialSnapshot,
  stateValueOf,
  type DossierEvent,
  type PersistedSnapshot,
} from '../../../workflows/procedure/machine';
import { definitionWithSteps, exampleDefinition } from './fixtures';

const machine = buildDossierMachine(exampleDefinition());
const ev = (type: DossierEvent['type']) => ({ type }) as DossierEvent;
const roundTrip = (s: PersistedSnapshot) => JSON.parse(JSON.stringify(s)) as PersistedSnapshot;

function after(events: DossierEvent[]): PersistedSnapshot {
  return events.reduce((snapshot, event) => {
    const result = applyEvent(machine, snapshot, event);
    if (!result.ok) throw new Error(`${event.type} refused`);
    return result.snapshot;
  }, initialSnapshot(machine));
}

describe('dossier snapshot JSON round-trip', () => {
  it.each<[string, DossierEvent[]]>([
    ['the first step', []],
    ['a middle step after EXTEND', [ev('FORWARD'), ev('EXTEND')]],
    ['waiting_supplement asked by sign', [ev('FORWARD'), ev('FORWARD'), ev('REQUEST_SUPPLEMENT')]],
    ['result_ready', [ev('FORWARD'), ev('FORWARD'), ev('FORWARD'), ev('FORWARD')]],
    ['refused', [ev('REFUSE')]],
    ['withdrawn from waiting_supplement', [ev('REQUEST_SUPPLEMENT'), ev('WITHDRAW')]],
  ])('restores %s with the same state, context and allowed events', (_, events) => {
    const stored = after(events);
    const text = JSON.stringify(stored);
    const read = JSON.parse(text) as PersistedSnapshot;
    const live = restoreSnapshot(machine, read);
    expect(live.value).toBe(stateValueOf(stored));
    expect(live.context).toEqual(stored.context);
    expect(allowedEvents(machine, read)).toEqual(allowedEvents(machine, stored));
    expect(JSON.stringify(read)).toBe(text);
  });

  it('keeps supplementStep through storage so the supplement returns to the asking step', () => {
    const read = roundTrip(after([ev('FORWARD'), ev('FORWARD'), ev('REQUEST_SUPPLEMENT')]));
    expect(read.context).toEqual({ supplementStep: 'sign', supplementCount: 1, extended: false });
    const result = applyEvent(machine, read, ev('SUPPLEMENT_RECEIVED'));
    expect(result.ok && result.state).toBe('sign');
  });

  it('for any event sequence: allowedEvents matches applyEvent, and storage changes nothing', () => {
    const four = buildDossierMachine(definitionWithSteps(4));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...DOSSIER_EVENT_TYPES), { maxLength: 25 }), (types) => {
        let snapshot = initialSnapshot(four);
        for (const type of types) {
          const allowed = allowedEvents(four, snapshot);
          const result = applyEvent(four, roundTrip(snapshot), ev(type));
          expect(result.ok).toBe(allowed.includes(type));
          if (!result.ok) continue;
          const { supplementStep } = snapshot.context as { supplementStep: string | null };
          if (type === 'SUPPLEMENT_RECEIVED') expect(result.state).toBe(supplementStep);
          expect(roundTrip(result.snapshot)).toEqual(result.snapshot);
          snapshot = result.snapshot;
        }
      }),
      { numRuns: 300 },
    );
  });
});
