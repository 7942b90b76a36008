/**
 * Lifecycle of a comment-solicitation dispatch (công văn xin ý kiến), design.md §6.
 * One machine for every dispatch; its snapshot lives in the `dispatches` row.
 */
import { setup } from 'xstate';
import {
  allowedEventTypes,
  applyEvent,
  initialSnapshot,
  type ApplyResult,
  type PersistedSnapshot,
} from '../machine-utils';

/** Events that change a dispatch's state (`POST /dispatches/:id/events`). */
export const DISPATCH_EVENT_TYPES = ['SUBMIT', 'APPROVE', 'REJECT', 'ISSUE', 'CLOSE'] as const;
/** A dispatch event type. */
export type DispatchEventType = (typeof DISPATCH_EVENT_TYPES)[number];

/**
 * A dispatch event. CLOSE carries the number of replies still open, counted by the service
 * in the same transaction, because the machine cannot see the reply rows.
 */
export type DispatchEvent =
  | { type: 'SUBMIT' | 'APPROVE' | 'REJECT' | 'ISSUE'; comment?: string }
  // Only the drafter deletes a draft (DELETE /dispatches/:id): not one of the events a form sends.
  | { type: 'DELETE' }
  | { type: 'CLOSE'; openReplies: number; comment?: string };

/**
 * The dispatch machine: draft → pending_approval → approved → issued → closed; a draft may be
 * deleted (a terminal state, so its history stays in the event log while lists and reads forget it).
 */
export const dispatchMachine = setup({
  types: { events: {} as DispatchEvent },
  guards: {
    noOpenReplies: ({ event }) => event.type === 'CLOSE' && event.openReplies === 0,
  },
}).createMachine({
  id: 'dispatch',
  initial: 'draft',
  states: {
    draft: { on: { SUBMIT: { target: 'pending_approval' }, DELETE: { target: 'deleted' } } },
    pending_approval: {
      on: {
        APPROVE: { target: 'approved' },
        REJECT: { target: 'draft' },
      },
    },
    // ISSUE is where the clerk's number and the recipients' replies are created (by the service).
    approved: { on: { ISSUE: { target: 'issued' } } },
    issued: { on: { CLOSE: { target: 'closed', guard: 'noOpenReplies' } } },
    closed: { type: 'final' },
    deleted: { type: 'final' },
  },
});

/** The dispatch machine's type. */
export type DispatchMachine = typeof dispatchMachine;

/** The snapshot a new dispatch stores (`draft`). */
export function initialDispatchSnapshot(): PersistedSnapshot {
  return initialSnapshot(dispatchMachine);
}

/**
 * Events a dispatch accepts now.
 * @param facts `openReplies`: how many of its replies are still open (CLOSE needs 0)
 */
export function allowedDispatchEvents(
  snapshot: PersistedSnapshot,
  facts: { openReplies: number },
): DispatchEventType[] {
  const probes: DispatchEvent[] = DISPATCH_EVENT_TYPES.map((type) =>
    type === 'CLOSE' ? { type, openReplies: facts.openReplies } : { type },
  );
  return allowedEventTypes(dispatchMachine, snapshot, probes) as DispatchEventType[];
}

/**
 * Applies one event to a stored dispatch snapshot.
 * @returns the new snapshot and state, or `ok: false` when not allowed now
 */
export function applyDispatchEvent(
  snapshot: PersistedSnapshot,
  event: DispatchEvent,
): ApplyResult<Record<string, never>> {
  return applyEvent(dispatchMachine, snapshot, event) as ApplyResult<Record<string, never>>;
}
