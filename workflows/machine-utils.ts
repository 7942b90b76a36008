/**
 * Stateless helpers over XState machines whose state lives in a database row: every request
 * restores an actor from the stored snapshot, asks or applies one event, and stores the result.
 * Nothing here keeps an actor alive between calls.
 */
import {
  createActor,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type ContextFrom,
  type EventFromLogic,
  type Snapshot,
  type SnapshotFrom,
} from 'xstate';

/**
 * A machine snapshot in the JSON form kept in a row (`actor.getPersistedSnapshot()`).
 * It survives `JSON.parse(JSON.stringify(s))` unchanged.
 */
export interface PersistedSnapshot {
  readonly status: string;
  readonly value: unknown;
  readonly context?: unknown;
  readonly [key: string]: unknown;
}

/** Outcome of {@link applyEvent}: the new persisted snapshot, or `ok: false` when not allowed. */
export type ApplyResult<TContext> =
  { ok: true; snapshot: PersistedSnapshot; state: string; context: TContext } | { ok: false };

/**
 * Restores an actor without starting it; typed loosely, callers narrow the result.
 * XState reports a snapshot it cannot restore (e.g. an unknown state) as status 'error';
 * we throw instead, so a corrupt row fails loudly rather than looking like "nothing allowed".
 */
function restoreActor(machine: AnyStateMachine, persisted: PersistedSnapshot) {
  const actor = createActor(machine, { snapshot: persisted as unknown as Snapshot<unknown> });
  const restored = actor.getSnapshot();
  if (restored.status === 'error') {
    throw new Error(`Cannot restore snapshot of machine "${machine.id}"`, { cause: restored.error });
  }
  return actor;
}

function toPersisted(snapshot: Snapshot<unknown>): PersistedSnapshot {
  // A plain JSON copy, so that what a service stores is exactly what it will read back.
  return JSON.parse(JSON.stringify(snapshot)) as PersistedSnapshot;
}

/**
 * The persisted snapshot of a freshly started actor: what a new row stores.
 * @param machine any flat machine
 */
export function initialSnapshot(machine: AnyStateMachine): PersistedSnapshot {
  const actor = createActor(machine).start();
  const persisted = toPersisted(actor.getPersistedSnapshot());
  actor.stop();
  return persisted;
}

/**
 * The live snapshot restored from a stored one (it has `.can()`, `.matches()`, `.value`).
 * @throws when the stored state does not exist in `machine` (also thrown by the helpers below)
 */
export function restoreSnapshot<M extends AnyStateMachine>(machine: M, persisted: PersistedSnapshot): SnapshotFrom<M> {
  return restoreActor(machine, persisted).getSnapshot() as SnapshotFrom<M>;
}

/**
 * The state name of a snapshot (our machines are flat, so the value is one string).
 * @param snapshot a persisted or live snapshot
 */
export function stateValueOf(snapshot: { readonly value: unknown }): string {
  if (typeof snapshot.value !== 'string') {
    throw new TypeError(`Expected a flat state value, got ${JSON.stringify(snapshot.value)}`);
  }
  return snapshot.value;
}

/**
 * Which of the probe events the machine would accept now. Guards see the probe itself,
 * so a probe carries whatever data a guard reads (e.g. `openReplies`).
 * @param probes one event per type to test, in the order the result should list them
 */
export function allowedEventTypes<M extends AnyStateMachine>(
  machine: M,
  persisted: PersistedSnapshot,
  probes: readonly EventFromLogic<M>[],
): Array<EventFromLogic<M>['type']> {
  const snapshot: AnyMachineSnapshot = restoreActor(machine, persisted).getSnapshot();
  if (snapshot.status !== 'active') return [];
  return probes.filter((probe) => snapshot.can(probe)).map((probe) => probe.type);
}

/**
 * Applies one event to a stored snapshot. Returns `ok: false`, changing nothing, when the
 * current state (or a guard) does not accept the event: the caller turns that into a 422.
 */
export function applyEvent<M extends AnyStateMachine>(
  machine: M,
  persisted: PersistedSnapshot,
  event: EventFromLogic<M>,
): ApplyResult<ContextFrom<M>> {
  const actor = restoreActor(machine, persisted);
  const before = actor.getSnapshot();
  if (before.status !== 'active' || !before.can(event)) return { ok: false };
  actor.start();
  actor.send(event);
  const after = actor.getSnapshot();
  const snapshot = toPersisted(actor.getPersistedSnapshot());
  actor.stop();
  return {
    ok: true,
    snapshot,
    state: stateValueOf(after),
    context: after.context as ContextFrom<M>,
  };
}
