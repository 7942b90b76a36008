/**
 * Lifecycle of one recipient unit's reply to a dispatch, design.md §6. At the end of the
 * due date the scheduler sends EXPIRE to every open reply; silence then means agreement
 * when the dispatch says so.
 */
import { setup } from 'xstate';
import type { ReplyPosition, ReplyState } from '../labels';
import {
  allowedEventTypes,
  applyEvent,
  initialSnapshot,
  type ApplyResult,
  type PersistedSnapshot,
} from '../machine-utils';

/** Events that change a reply's state. */
export const REPLY_EVENT_TYPES = ['ASSIGN', 'SUBMIT', 'APPROVE', 'RETURN', 'DECLINE', 'EXPIRE'] as const;
/** A reply event type. */
export type ReplyEventType = (typeof REPLY_EVENT_TYPES)[number];

/** A reply event; payloads are for the service, only EXPIRE's flag steers the machine. */
export type ReplyEvent =
  | { type: 'ASSIGN'; assignee?: string; comment?: string }
  | { type: 'SUBMIT'; position?: ReplyPosition; content?: string; comment?: string }
  | { type: 'APPROVE' | 'RETURN' | 'DECLINE'; comment?: string }
  | { type: 'EXPIRE'; silenceMeansAgreement: boolean };

/** Reply states in which the recipient still owes an answer (reminders, EXPIRE, CLOSE check). */
export const OPEN_REPLY_STATES = ['received', 'assigned', 'pending_approval'] as const satisfies readonly ReplyState[];

/** Whether a reply in this state is still open. */
export function isOpenReplyState(state: string): boolean {
  return (OPEN_REPLY_STATES as readonly string[]).includes(state);
}

const EXPIRE = [{ target: 'deemed_agreed', guard: 'silenceMeansAgreement' }, { target: 'overdue' }] as const;

/**
 * The reply machine: received → assigned → pending_approval → replied, or expired; a unit the request
 * was sent to by mistake declines it (with a reason) before it drafts an answer: `declined` is
 * closed, neither an answer nor silence.
 */
export const replyMachine = setup({
  types: { events: {} as ReplyEvent },
  guards: {
    silenceMeansAgreement: ({ event }) => event.type === 'EXPIRE' && event.silenceMeansAgreement,
  },
}).createMachine({
  id: 'reply',
  initial: 'received',
  states: {
    received: { on: { ASSIGN: { target: 'assigned' }, DECLINE: { target: 'declined' }, EXPIRE: [...EXPIRE] } },
    assigned: {
      on: {
        // Reassigning to another specialist keeps the reply where it is.
        ASSIGN: { target: 'assigned' },
        SUBMIT: { target: 'pending_approval' },
        DECLINE: { target: 'declined' },
        EXPIRE: [...EXPIRE],
      },
    },
    pending_approval: {
      on: {
        APPROVE: { target: 'replied' },
        RETURN: { target: 'assigned' },
        EXPIRE: [...EXPIRE],
      },
    },
    replied: { type: 'final' },
    deemed_agreed: { type: 'final' },
    overdue: { type: 'final' },
    declined: { type: 'final' },
  },
});

/** The reply machine's type. */
export type ReplyMachine = typeof replyMachine;

/** The snapshot a new reply stores (`received`), created when its dispatch is issued. */
export function initialReplySnapshot(): PersistedSnapshot {
  return initialSnapshot(replyMachine);
}

// Either flag value opens EXPIRE, so one probe is enough.
const PROBES: readonly ReplyEvent[] = REPLY_EVENT_TYPES.map((type) =>
  type === 'EXPIRE' ? { type, silenceMeansAgreement: false } : { type },
);

/** Events a reply accepts now, in {@link REPLY_EVENT_TYPES} order. */
export function allowedReplyEvents(snapshot: PersistedSnapshot): ReplyEventType[] {
  return allowedEventTypes(replyMachine, snapshot, PROBES);
}

/**
 * Applies one event to a stored reply snapshot.
 * @returns the new snapshot and state, or `ok: false` when not allowed now
 */
export function applyReplyEvent(snapshot: PersistedSnapshot, event: ReplyEvent): ApplyResult<Record<string, never>> {
  return applyEvent(replyMachine, snapshot, event) as ApplyResult<Record<string, never>>;
}
