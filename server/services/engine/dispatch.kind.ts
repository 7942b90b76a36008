import { DISPATCH_EVENT_WORDS } from '../../../workflows/labels';
import { Invalid, NotAllowed } from '../../errors';
import {
  countOpenReplies,
  DispatchRow,
  findDispatch,
  findReplyById,
  insertReplies,
  lockDispatchState,
  ReplyRow,
} from '../../queries/dispatches.queries';
import { nextSequence } from '../../queries/sequences.queries';
import { assertMayActOnDispatch, assertMayActOnReply, assertMayRespond } from '../../policies/dispatch.policy';
import { vnDate } from '../../../workflows/calendar';
import {
  applyDispatchEvent,
  applyReplyEvent,
  DispatchEventType,
  initialReplySnapshot,
  OPEN_REPLY_STATES,
  ReplyEvent,
  ReplyEventType,
} from '../../../workflows/dispatch';
import type { Kind } from './engine';

export interface DispatchEventRequest {
  type: DispatchEventType;
  version: number;
  comment?: string | null;
}

type DispatchLoaded = DispatchRow & { open_replies: number };

/**
 * A dispatch event (design.md §6): SUBMIT, APPROVE, REJECT, ISSUE, CLOSE by the issuing unit. ISSUE
 * takes the next yearly number of the issuing unit and opens a reply for every recipient.
 */
export function dispatchKind(): Kind<DispatchLoaded, DispatchEventRequest, void> {
  return {
    name: 'dispatch',
    table: 'dispatches',
    noun: 'Công văn',
    async load(trx, locked) {
      const d = (await findDispatch(trx, locked.id))!;
      return { ...d, open_replies: await countOpenReplies(trx, d.id, OPEN_REPLY_STATES) };
    },
    authorize: (actor, d, input) => assertMayActOnDispatch(actor, input.type, d),
    machine(_trx, d, input) {
      const event =
        input.type === 'CLOSE' ? { type: 'CLOSE' as const, openReplies: d.open_replies } : { type: input.type };
      const r = applyDispatchEvent(JSON.parse(d.snapshot), event as never);
      return r.ok ? { state: r.state, snapshot: r.snapshot } : null;
    },
    notAllowed(d, input) {
      const why = input.type === 'CLOSE' && d.state === 'issued' ? ` Còn ${d.open_replies} đơn vị chưa trả lời.` : '';
      return new NotAllowed(
        `Không thể "${DISPATCH_EVENT_WORDS[input.type]}" khi công văn ở trạng thái hiện tại.${why}`,
        {
          state: d.state,
          event: input.type,
        },
      );
    },
    async effects(trx, { row: d, input, next, actor, now }) {
      const patch: Record<string, unknown> = {};
      if (input.type === 'ISSUE') {
        const today = vnDate(new Date(now));
        if (d.due_date < today)
          throw new Invalid('Hạn trả lời đã qua; hãy trả lại dự thảo để sửa hạn.', {
            fields: { dueDate: 'Hạn trả lời trước ngày hôm nay' },
          });
        if (!d.issuing_symbol)
          throw new Invalid('Đơn vị chưa có ký hiệu văn bản; quản trị cần bổ sung trước khi ban hành.', {
            fields: { symbol: 'Thiếu ký hiệu' },
          });
        const year = Number(today.slice(0, 4));
        const seq = await nextSequence(trx, `dispatch:${d.issuing_unit_id}:${year}`);
        Object.assign(patch, {
          number: `${String(seq).padStart(2, '0')}/${d.issuing_symbol}`,
          number_year: year,
          number_seq: seq,
          issued_at: now,
        });
        const recipients = JSON.parse(d.recipients) as number[];
        await insertReplies(trx, d.id, recipients, JSON.stringify(initialReplySnapshot()), now);
      }
      if (input.type === 'CLOSE') patch.closed_at = now;
      return {
        patch,
        event: { comment: input.comment ?? null },
        outbox: [
          {
            kind: 'dispatch.event',
            payload: {
              dispatchId: d.id,
              type: input.type,
              to: next.state,
              comment: input.comment ?? null,
              actorName: actor.fullName ?? null,
            },
          },
        ],
      };
    },
    stream: (d) => ({ dispatch_id: d.id, reply_id: null }),
    answer: async () => undefined,
  };
}

export interface ReplyEventRequest {
  type: ReplyEventType;
  version?: number;
  comment?: string | null;
  /** ASSIGN: the username, resolved to `assigneeId` by the service before the transaction. */
  assignee?: string | null;
  assigneeId?: number | null;
  /** ASSIGN: the assignee's full name (the history names people, never usernames). */
  assigneeName?: string | null;
  position?: string | null;
  content?: string | null;
}

type ReplyLoaded = ReplyRow & { dispatch_state: string; silence_means_agreement: boolean };

/**
 * A reply event (design.md §6) by the recipient unit: ASSIGN, SUBMIT, APPROVE, RETURN; EXPIRE by
 * the system at the end of the due date. Replies move only while their dispatch is issued.
 */
export function replyKind(): Kind<ReplyLoaded, ReplyEventRequest, void> {
  return {
    name: 'reply',
    table: 'dispatch_replies',
    noun: 'Ý kiến',
    load: async (trx, locked) => (await findReplyById(trx, locked.id))!,
    authorize: (actor, r, input) => assertMayActOnReply(actor, input.type, r),
    machine(_trx, r, input) {
      if (r.dispatch_state !== 'issued') return null;
      const event: ReplyEvent =
        input.type === 'EXPIRE'
          ? { type: 'EXPIRE', silenceMeansAgreement: r.silence_means_agreement }
          : ({ type: input.type } as ReplyEvent);
      const res = applyReplyEvent(JSON.parse(r.snapshot), event);
      return res.ok ? { state: res.state, snapshot: res.snapshot } : null;
    },
    notAllowed: (r, input) =>
      new NotAllowed(`Không thể "${DISPATCH_EVENT_WORDS[input.type] ?? input.type}" ý kiến ở trạng thái hiện tại.`, {
        state: r.state,
        event: input.type,
      }),
    async effects(_trx, { row: r, input, next, actor, now }) {
      const patch: Record<string, unknown> = {};
      if (input.type === 'ASSIGN') patch.assignee_id = input.assigneeId;
      if (input.type === 'SUBMIT') Object.assign(patch, { position: input.position, content: input.content ?? null });
      if (input.type === 'APPROVE') patch.replied_at = now;
      // The reason a unit declines is what it answers: the sender reads it where a reply's content goes.
      if (input.type === 'DECLINE')
        Object.assign(patch, { position: null, content: input.comment ?? null, replied_at: now });
      const comment =
        input.type === 'EXPIRE'
          ? 'Hết hạn trả lời'
          : (input.comment ?? (input.type === 'ASSIGN' ? `Giao ${input.assigneeName ?? input.assignee}` : null));
      return {
        patch,
        event: { comment },
        // Expiry is told in the nightly digest and on the pages, not by a mail per reply.
        outbox:
          input.type === 'EXPIRE'
            ? []
            : [
                {
                  kind: 'dispatch.event',
                  payload: {
                    dispatchId: r.dispatch_id,
                    replyUnitId: r.unit_id,
                    type: input.type,
                    to: next.state,
                    comment: input.comment ?? null,
                    assigneeId: patch.assignee_id ?? r.assignee_id,
                    actorName: actor.fullName ?? null,
                  },
                },
              ],
      };
    },
    stream: (r) => ({ dispatch_id: r.dispatch_id, reply_id: r.id }),
    answer: async () => undefined,
  };
}

export interface RespondRequest {
  type: 'RESPOND';
  response: string | null;
}

/**
 * The drafting unit's response to one reply (tiếp thu / giải trình): an event on the reply's stream
 * that leaves its state and version alone (the recipient's open forms stay valid). The dispatch row
 * is locked too, so a response never lands after CLOSE.
 */
export function respondKind(): Kind<ReplyLoaded, RespondRequest, void> {
  return {
    name: 'reply',
    table: 'dispatch_replies',
    noun: 'Ý kiến',
    async load(trx, locked) {
      const r = (await findReplyById(trx, locked.id))!;
      const d = await lockDispatchState(trx, r.dispatch_id);
      return { ...r, dispatch_state: d.state, issuing_unit_id: d.issuingUnitId };
    },
    authorize: (actor, r) => assertMayRespond(actor, r as ReplyLoaded & { issuing_unit_id: number }),
    machine: (_trx, r) =>
      r.dispatch_state === 'closed' ? null : { state: r.state, snapshot: JSON.parse(r.snapshot) as unknown },
    notAllowed: () => new NotAllowed('Công văn đã kết thúc nên không thể sửa ý kiến tiếp thu, giải trình.'),
    effects: async (_trx, { input }) => ({ patch: { response: input.response }, event: { comment: input.response } }),
    stream: (r) => ({ dispatch_id: r.dispatch_id, reply_id: r.id }),
    answer: async () => undefined,
  };
}
