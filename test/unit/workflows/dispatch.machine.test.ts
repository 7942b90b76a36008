import { getShortestPaths } from 'xstate/graph';
import { DISPATCH_STATES, REPLY_STATES } from '../../../workflows/labels';
import type { PersistedSnapshot } from '../../../workflows/machine-utils';
import {
  allowedDispatchEvents,
  applyDispatchEvent,
  dispatchMachine,
  initialDispatchSnapshot,
  type DispatchEvent,
} from '../../../workflows/dispatch/dispatch.machine';
import {
  OPEN_REPLY_STATES,
  allowedReplyEvents,
  applyReplyEvent,
  initialReplySnapshot,
  isOpenReplyState,
  replyMachine,
  type ReplyEvent,
} from '../../../workflows/dispatch/reply.machine';

function run<E>(
  apply: (s: PersistedSnapshot, e: E) => { ok: boolean; snapshot?: PersistedSnapshot },
  start: PersistedSnapshot,
  events: E[],
) {
  return events.reduce((snapshot, event) => {
    const result = apply(JSON.parse(JSON.stringify(snapshot)) as PersistedSnapshot, event);
    if (!result.ok || !result.snapshot) throw new Error(`refused: ${JSON.stringify(event)}`);
    return result.snapshot;
  }, start);
}

const dispatchTo = (events: DispatchEvent[]) => run(applyDispatchEvent, initialDispatchSnapshot(), events);
const replyTo = (events: ReplyEvent[]) => run(applyReplyEvent, initialReplySnapshot(), events);

describe('dispatch machine', () => {
  it('has exactly the glossary states and reaches every one', () => {
    expect(Object.keys(dispatchMachine.states)).toEqual([...DISPATCH_STATES]);
    const paths = getShortestPaths(dispatchMachine, {
      events: [
        { type: 'SUBMIT' },
        { type: 'APPROVE' },
        { type: 'REJECT' },
        { type: 'ISSUE' },
        { type: 'CLOSE', openReplies: 0 },
        { type: 'CLOSE', openReplies: 2 },
        { type: 'DELETE' },
      ],
    });
    expect(new Set(paths.map((p) => p.state.value))).toEqual(new Set(DISPATCH_STATES));
  });

  it('goes draft → pending_approval → approved → issued → closed, REJECT back to draft', () => {
    expect(initialDispatchSnapshot().value).toBe('draft');
    expect(dispatchTo([{ type: 'SUBMIT' }, { type: 'REJECT', comment: 'Sửa lại' }]).value).toBe('draft');
    const issued = dispatchTo([{ type: 'SUBMIT' }, { type: 'APPROVE' }, { type: 'ISSUE' }]);
    expect(issued.value).toBe('issued');
    const closed = applyDispatchEvent(issued, { type: 'CLOSE', openReplies: 0 });
    expect(closed.ok && closed.state).toBe('closed');
    expect(closed.ok && closed.snapshot.status).toBe('done');
  });

  it('refuses CLOSE while some reply is open', () => {
    const issued = dispatchTo([{ type: 'SUBMIT' }, { type: 'APPROVE' }, { type: 'ISSUE' }]);
    expect(applyDispatchEvent(issued, { type: 'CLOSE', openReplies: 1 })).toEqual({ ok: false });
    expect(allowedDispatchEvents(issued, { openReplies: 3 })).toEqual([]);
    expect(allowedDispatchEvents(issued, { openReplies: 0 })).toEqual(['CLOSE']);
  });

  it('lists the allowed events of each state', () => {
    const facts = { openReplies: 0 };
    expect(allowedDispatchEvents(initialDispatchSnapshot(), facts)).toEqual(['SUBMIT']);
    expect(allowedDispatchEvents(dispatchTo([{ type: 'SUBMIT' }]), facts)).toEqual(['APPROVE', 'REJECT']);
    expect(allowedDispatchEvents(dispatchTo([{ type: 'SUBMIT' }, { type: 'APPROVE' }]), facts)).toEqual(['ISSUE']);
    const closed = dispatchTo([
      { type: 'SUBMIT' },
      { type: 'APPROVE' },
      { type: 'ISSUE' },
      { type: 'CLOSE', openReplies: 0 },
    ]);
    expect(allowedDispatchEvents(closed, facts)).toEqual([]);
  });
});

describe('deleting a draft', () => {
  it('deletes only a draft, and a deleted draft accepts nothing', () => {
    const deleted = applyDispatchEvent(initialDispatchSnapshot(), { type: 'DELETE' });
    expect(deleted.ok && deleted.state).toBe('deleted');
    expect(applyDispatchEvent(dispatchTo([{ type: 'SUBMIT' }]), { type: 'DELETE' })).toEqual({ ok: false });
    expect(deleted.ok && allowedDispatchEvents(deleted.snapshot, { openReplies: 0 })).toEqual([]);
  });
});

describe('reply machine', () => {
  it('has exactly the glossary states and reaches every one', () => {
    expect(Object.keys(replyMachine.states)).toEqual([...REPLY_STATES]);
    const paths = getShortestPaths(replyMachine, {
      events: [
        { type: 'ASSIGN', assignee: 'cv1' },
        { type: 'SUBMIT', position: 'agree', content: 'Nhất trí' },
        { type: 'APPROVE' },
        { type: 'RETURN', comment: 'Bổ sung' },
        { type: 'DECLINE', comment: 'Không thuộc chức năng' },
        { type: 'EXPIRE', silenceMeansAgreement: true },
        { type: 'EXPIRE', silenceMeansAgreement: false },
      ],
    });
    expect(new Set(paths.map((p) => p.state.value))).toEqual(new Set(REPLY_STATES));
  });

  it('goes received → assigned → pending_approval → replied, RETURN back to assigned', () => {
    const pending = replyTo([
      { type: 'ASSIGN' },
      { type: 'SUBMIT', position: 'comments', content: 'Đề nghị sửa Điều 3' },
    ]);
    expect(pending.value).toBe('pending_approval');
    expect(allowedReplyEvents(pending)).toEqual(['APPROVE', 'RETURN', 'EXPIRE']);
    expect(replyTo([{ type: 'ASSIGN' }, { type: 'SUBMIT' }, { type: 'RETURN', comment: 'Viết lại' }]).value).toBe(
      'assigned',
    );
    expect(replyTo([{ type: 'ASSIGN' }, { type: 'SUBMIT' }, { type: 'APPROVE' }]).value).toBe('replied');
  });

  it('allows reassigning an assigned reply', () => {
    const assigned = replyTo([{ type: 'ASSIGN', assignee: 'a' }]);
    expect(allowedReplyEvents(assigned)).toEqual(['ASSIGN', 'SUBMIT', 'DECLINE', 'EXPIRE']);
    const again = applyReplyEvent(assigned, { type: 'ASSIGN', assignee: 'b' });
    expect(again.ok && again.state).toBe('assigned');
  });

  it.each(OPEN_REPLY_STATES.map((s) => [s]))('expires from %s to deemed_agreed or overdue', (state) => {
    const path: ReplyEvent[] = [{ type: 'ASSIGN' }, { type: 'SUBMIT' }].slice(
      0,
      OPEN_REPLY_STATES.indexOf(state),
    ) as ReplyEvent[];
    const open = replyTo(path);
    expect(open.value).toBe(state);
    const agreed = applyReplyEvent(open, { type: 'EXPIRE', silenceMeansAgreement: true });
    const overdue = applyReplyEvent(open, { type: 'EXPIRE', silenceMeansAgreement: false });
    expect(agreed.ok && agreed.state).toBe('deemed_agreed');
    expect(overdue.ok && overdue.state).toBe('overdue');
  });

  it('accepts nothing once replied, deemed agreed or overdue', () => {
    for (const final of [
      replyTo([{ type: 'ASSIGN' }, { type: 'SUBMIT' }, { type: 'APPROVE' }]),
      replyTo([{ type: 'EXPIRE', silenceMeansAgreement: true }]),
      replyTo([{ type: 'EXPIRE', silenceMeansAgreement: false }]),
    ]) {
      expect(allowedReplyEvents(final)).toEqual([]);
      expect(applyReplyEvent(final, { type: 'EXPIRE', silenceMeansAgreement: true })).toEqual({ ok: false });
      expect(isOpenReplyState(String(final.value))).toBe(false);
    }
  });

  it('round-trips a stored reply through JSON', () => {
    const pending = replyTo([{ type: 'ASSIGN' }, { type: 'SUBMIT' }]);
    const read = JSON.parse(JSON.stringify(pending)) as PersistedSnapshot;
    expect(read).toEqual(pending);
    expect(allowedReplyEvents(read)).toEqual(allowedReplyEvents(pending));
  });
});
