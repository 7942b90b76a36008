/**
 * Compiles a procedure definition into the dossier state machine (design.md §3–4).
 * The machine only knows which event is possible in which state; who may send it, required
 * comments and deadlines belong to the transition service.
 */
import { assign, setup } from 'xstate';
import { DOSSIER_EVENT_TYPES, type DossierEventType } from '../labels';
import {
  allowedEventTypes,
  applyEvent as applyMachineEvent,
  initialSnapshot as initialMachineSnapshot,
  type ApplyResult,
  type PersistedSnapshot,
} from '../machine-utils';
import type { ProcedureDefinition } from './definition.schema';

export { stateValueOf, type ApplyResult, type PersistedSnapshot } from '../machine-utils';

/** What the machine remembers besides its state. */
export interface DossierContext {
  /** The step that asked for a supplement while in `waiting_supplement`, else null. */
  supplementStep: string | null;
  /** Supplement requests so far; a second one marks the dossier late (Decision 766). */
  supplementCount: number;
  /** EXTEND is allowed once per dossier. */
  extended: boolean;
}

type PlainEventType = Exclude<DossierEventType, 'EXTEND'>;

/** A dossier event. `comment` and `dueAt` are carried for the service; the machine ignores them. */
export type DossierEvent =
  | { [T in PlainEventType]: { type: T; comment?: string } }[PlainEventType]
  | { type: 'EXTEND'; comment?: string; dueAt?: string };

const dossierSetup = setup({
  types: {
    context: {} as DossierContext,
    events: {} as DossierEvent,
  },
  guards: {
    /** The supplement returns to the step that asked for it. */
    stepIs: ({ context }, params: { step: string }) => context.supplementStep === params.step,
    notExtended: ({ context }) => !context.extended,
  },
  actions: {
    recordSupplementRequest: assign((_, params: { step: string }) => ({ supplementStep: params.step })),
    countSupplementRequest: assign({ supplementCount: ({ context }) => context.supplementCount + 1 }),
    clearSupplementStep: assign({ supplementStep: null }),
    markExtended: assign({ extended: true }),
  },
});

type DossierStates = NonNullable<Parameters<typeof dossierSetup.createMachine>[0]['states']>;

/**
 * Builds the dossier machine of one procedure version: one state per step (named by its code,
 * in order), then `waiting_supplement`, `result_ready` and the finals `returned`, `refused`,
 * `withdrawn`. Build it once per version and reuse it; it holds no per-dossier data.
 * @param def a definition that passed {@link validateDefinition}
 */
export function buildDossierMachine(def: ProcedureDefinition) {
  const codes = def.steps.map((step) => step.code);
  const states: DossierStates = {};

  codes.forEach((code, index) => {
    states[code] = {
      on: {
        FORWARD: { target: codes[index + 1] ?? 'result_ready' },
        // The first step has no RETURN at all, so `can()` says no there.
        ...(index > 0 ? { RETURN: { target: codes[index - 1] } } : {}),
        REQUEST_SUPPLEMENT: {
          target: 'waiting_supplement',
          actions: [{ type: 'recordSupplementRequest', params: { step: code } }, 'countSupplementRequest'],
        },
        REFUSE: { target: 'refused' },
        // Targetless: the dossier stays at its step, only the flag changes.
        EXTEND: { guard: 'notExtended', actions: 'markExtended' },
        WITHDRAW: { target: 'withdrawn' },
      },
    };
  });

  states.waiting_supplement = {
    on: {
      SUPPLEMENT_RECEIVED: codes.map((code) => ({
        target: code,
        guard: { type: 'stepIs' as const, params: { step: code } },
        actions: 'clearSupplementStep' as const,
      })),
      WITHDRAW: { target: 'withdrawn' },
    },
  };
  states.result_ready = {
    on: {
      RETURN_RESULT: { target: 'returned' },
      WITHDRAW: { target: 'withdrawn' },
    },
  };
  states.returned = { type: 'final' };
  states.refused = { type: 'final' };
  states.withdrawn = { type: 'final' };

  return dossierSetup.createMachine({
    // Not the procedure code: dots in an id would clash with XState's state-path delimiter.
    id: 'dossier',
    initial: codes[0],
    context: { supplementStep: null, supplementCount: 0, extended: false },
    states,
  });
}

/** The machine of one procedure version. */
export type DossierMachine = ReturnType<typeof buildDossierMachine>;

// Guards read only the context, so a bare event of each type is a faithful probe.
const PROBES: readonly DossierEvent[] = DOSSIER_EVENT_TYPES.map((type) => ({ type }) as DossierEvent);

/**
 * The events a dossier in this snapshot accepts now (by state and guards; not by user role).
 * @returns event types in {@link DOSSIER_EVENT_TYPES} order; empty in a final state
 */
export function allowedEvents(machine: DossierMachine, snapshot: PersistedSnapshot): DossierEventType[] {
  return allowedEventTypes(machine, snapshot, PROBES);
}

/** The snapshot a newly received dossier stores: at the first step, fresh context. */
export function initialSnapshot(machine: DossierMachine): PersistedSnapshot {
  return initialMachineSnapshot(machine);
}

/**
 * Applies one event to a stored dossier snapshot.
 * @returns the new snapshot, state and context, or `ok: false` when the event is not allowed now
 */
export function applyEvent(
  machine: DossierMachine,
  snapshot: PersistedSnapshot,
  event: DossierEvent,
): ApplyResult<DossierContext> {
  return applyMachineEvent(machine, snapshot, event);
}
