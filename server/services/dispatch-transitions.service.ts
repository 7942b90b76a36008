import type { Db } from '../db';
import { Conflict, Invalid, NotAllowed, NotFound } from '../errors';
import { expiringReplies, findReply, findUnitSpecialist, userFullName } from '../queries/dispatches.queries';
import type { Actor } from '../policies/actor';
import { SYSTEM_ACTOR } from '../policies/actor';
import { assertCanSeeReply, mayReadSynthesis } from '../policies/dispatch.policy';
import { loadVisible } from './dispatches.service';
import { transition } from './engine/engine';
import { DispatchEventRequest, dispatchKind, ReplyEventRequest, replyKind, respondKind } from './engine/dispatch.kind';
import { vnDate, vnStartOfDay } from '../../workflows/calendar';
import { OPEN_REPLY_STATES } from '../../workflows/dispatch';

const DAY = 86_400_000;

/**
 * A dispatch event (SUBMIT, APPROVE, REJECT, ISSUE, CLOSE) through the one engine:
 * 404 → 409 → 403 → 422, one transaction with the row locked. `input` is already validated.
 */
export async function applyDispatchEventFor(
  db: Db,
  actor: Actor,
  id: number,
  input: DispatchEventRequest,
  now = Date.now(),
): Promise<void> {
  await loadVisible(db, actor, id);
  if (input.type === 'REJECT' && !input.comment?.trim())
    throw new Invalid('Cần ghi rõ lý do trả lại dự thảo.', { fields: { comment: 'Bắt buộc' } });
  await transition(db, dispatchKind(), { id, version: input.version, actor, input, now });
}

/**
 * A reply event (ASSIGN, SUBMIT, APPROVE, RETURN, DECLINE) by the recipient unit. The sender side sees the
 * reply but may not act on it (403); other units do not see it (404).
 */
export async function applyReplyEventFor(
  db: Db,
  actor: Actor,
  id: number,
  unitCode: string,
  input: ReplyEventRequest & { version: number },
  now = Date.now(),
): Promise<void> {
  const { view } = await loadVisible(db, actor, id);
  const seen = await findReply(db, id, unitCode);
  assertCanSeeReply(actor, view, seen);
  const req = { ...input };
  if (input.type === 'ASSIGN') {
    req.assigneeId = input.assignee ? await findUnitSpecialist(db, seen!.unit_id, input.assignee) : null;
    if (!req.assigneeId)
      throw new Invalid('Người được giao phải là chuyên viên đang hoạt động của đơn vị nhận.', {
        fields: { assignee: 'Không phải chuyên viên của đơn vị' },
      });
    req.assigneeName = await userFullName(db, req.assigneeId);
  }
  if (input.type === 'SUBMIT' && !input.position)
    throw new Invalid('Cần chọn ý kiến: thống nhất, góp ý hoặc không thống nhất.', {
      fields: { position: 'Bắt buộc' },
    });
  if (input.type === 'RETURN' && !input.comment?.trim())
    throw new Invalid('Cần ghi rõ lý do trả lại.', { fields: { comment: 'Bắt buộc' } });
  if (input.type === 'DECLINE' && !input.comment?.trim())
    throw new Invalid('Cần ghi rõ lý do từ chối.', { fields: { comment: 'Bắt buộc' } });
  if (input.type === 'EXPIRE') throw new Invalid('Loại thao tác không hợp lệ.', { fields: { type: 'Không hợp lệ' } });
  await transition(db, replyKind(), { id: seen!.id, version: input.version, actor, input: req, now });
}

/** The drafter's response to one reply (tiếp thu / giải trình), before CLOSE; an event of its own. */
export async function setResponse(
  db: Db,
  actor: Actor,
  id: number,
  unitCode: string,
  response: string | null,
  now = Date.now(),
): Promise<void> {
  const { view } = await loadVisible(db, actor, id);
  if (!mayReadSynthesis(view)) throw new NotFound('Không tìm thấy công văn.');
  const r = await findReply(db, id, unitCode);
  if (!r) throw new NotFound('Không tìm thấy ý kiến của đơn vị này.');
  await transition(
    db,
    respondKind(),
    { id: r.id, actor, input: { type: 'RESPOND', response }, now },
    { bumpVersion: false },
  );
}

/**
 * At the end of a dispatch's due date (local midnight), every open reply becomes `deemed_agreed`
 * (silence means agreement) or `overdue`: an EXPIRE event by the system through the engine, under
 * the version it was found at, so with several processes each reply expires exactly once.
 * @returns how many replies this call expired
 */
export async function expireReplies(db: Db, now = Date.now()): Promise<number> {
  let expired = 0;
  for (const r of await expiringReplies(db, vnDate(new Date(now)), OPEN_REPLY_STATES)) {
    if (now < vnStartOfDay(r.dueDate).getTime() + DAY) continue;
    try {
      await transition(db, replyKind(), {
        id: r.id,
        version: r.version,
        actor: SYSTEM_ACTOR,
        input: { type: 'EXPIRE' },
        now,
      });
      expired++;
    } catch (err) {
      // Another process (or a last-minute reply) got there first: nothing to do.
      if (!(err instanceof Conflict || err instanceof NotAllowed)) throw err;
    }
  }
  return expired;
}
