import type { Knex } from 'knex';
import { appendDispatchEvent } from './audit';
import type { Db } from '../db';
import { forUpdate, withTransaction } from '../db';
import { Conflict, Forbidden, Invalid, NotAllowed, NotFound } from '../errors';
import { parseBody } from '../schemas/validate';
import { dispatchEventSchema, replyEventSchema } from '../schemas/dispatch.schema';
import { findDispatch, findReply } from '../queries/dispatches.queries';
import { nextSequence } from '../queries/sequences.queries';
import { loadVisible } from './dispatches.service';
import { enqueue } from './outbox.service';
import { vnDate } from '../../workflows/calendar';
import { applyDispatchEvent, applyReplyEvent, initialReplySnapshot, OPEN_REPLY_STATES } from '../../workflows/dispatch';
import type { Role } from '../../workflows/labels';

const LABELS: Record<string, string> = {
  SUBMIT: 'Trình duyệt',
  APPROVE: 'Duyệt',
  REJECT: 'Trả lại dự thảo',
  ISSUE: 'Ban hành',
  CLOSE: 'Kết thúc',
  ASSIGN: 'Giao xử lý',
  RETURN: 'Trả lại',
};

function requireRole(user: Express.User, unitId: number, roles: Role[], what: string): void {
  if (user.unitId !== unitId || !roles.some((r) => user.roles.includes(r)))
    throw new Forbidden(`Bạn không có quyền "${LABELS[what] ?? what}" ở công văn này.`);
}

type Actor = Pick<Express.User, 'id' | 'username' | 'fullName' | 'unitCode'> | null;
async function logEvent(
  trx: Knex.Transaction,
  dispatchId: number,
  replyId: number | null,
  type: string,
  from: string,
  to: string,
  actor: Actor,
  comment: string | null,
  at: number,
) {
  await appendDispatchEvent(trx, {
    dispatch_id: dispatchId,
    reply_id: replyId,
    type,
    from_state: from,
    to_state: to,
    actor_id: actor?.id ?? null,
    actor_username: actor?.username ?? null,
    actor_name: actor?.fullName ?? null,
    actor_unit_code: actor?.unitCode ?? null,
    comment,
    at,
  });
}

/**
 * A dispatch event (SUBMIT, APPROVE, REJECT, ISSUE, CLOSE): 404 → 422 fields → 409 → 403 → 422 state,
 * one transaction with the row locked. ISSUE takes the next yearly number of the issuing unit and opens
 * a reply for every recipient.
 */
export async function applyDispatchEventFor(
  db: Db,
  user: Express.User,
  id: number,
  body: unknown,
  now = Date.now(),
): Promise<void> {
  await loadVisible(db, user, id);
  const input = parseBody(dispatchEventSchema, body);
  await withTransaction(db, async (trx) => {
    await forUpdate(db, trx('dispatches').where({ id })).first('id');
    const d = (await findDispatch(trx, id))!;
    if (d.version !== input.version)
      throw new Conflict(`Công văn đã được cập nhật (phiên bản hiện tại ${d.version}). Vui lòng tải lại.`, {
        currentVersion: d.version,
      });
    const roles: Record<string, Role[]> = {
      SUBMIT: ['specialist'],
      APPROVE: ['head', 'leader'],
      REJECT: ['head', 'leader'],
      ISSUE: ['clerk'],
      CLOSE: ['specialist', 'leader'],
    };
    requireRole(user, d.issuing_unit_id, roles[input.type], input.type);
    const openReplies = Number(
      (
        await trx('dispatch_replies')
          .where({ dispatch_id: id })
          .whereIn('state', [...OPEN_REPLY_STATES])
          .count<{ n: number }[]>({ n: '*' })
      )[0].n,
    );
    const event = input.type === 'CLOSE' ? { type: 'CLOSE' as const, openReplies } : { type: input.type };
    const result = applyDispatchEvent(JSON.parse(d.snapshot), event as never);
    if (!result.ok) {
      const why = input.type === 'CLOSE' && d.state === 'issued' ? ` Còn ${openReplies} đơn vị chưa trả lời.` : '';
      throw new NotAllowed(`Không thể "${LABELS[input.type]}" khi công văn ở trạng thái hiện tại.${why}`, {
        state: d.state,
        event: input.type,
      });
    }
    const patch: Record<string, unknown> = {
      state: result.state,
      snapshot: JSON.stringify(result.snapshot),
      version: d.version + 1,
      updated_at: now,
    };
    if (input.type === 'ISSUE') {
      if (d.due_date < vnDate(new Date(now)))
        throw new Invalid('Hạn trả lời đã qua; hãy trả lại dự thảo để sửa hạn.', {
          fields: { dueDate: 'Hạn trả lời trước ngày hôm nay' },
        });
      if (!d.issuing_symbol)
        throw new Invalid('Đơn vị chưa có ký hiệu văn bản; quản trị cần bổ sung trước khi ban hành.', {
          fields: { symbol: 'Thiếu ký hiệu' },
        });
      const year = Number(vnDate(new Date(now)).slice(0, 4));
      const seq = await nextSequence(trx, `dispatch:${d.issuing_unit_id}:${year}`);
      Object.assign(patch, {
        number: `${String(seq).padStart(2, '0')}/${d.issuing_symbol}`,
        number_year: year,
        number_seq: seq,
        issued_at: now,
      });
      const snapshot = JSON.stringify(initialReplySnapshot());
      const recipients = JSON.parse(d.recipients) as number[];
      if (recipients.length)
        await trx('dispatch_replies').insert(
          recipients.map((unitId) => ({
            dispatch_id: id,
            unit_id: unitId,
            state: 'received',
            snapshot,
            version: 1,
            updated_at: now,
          })),
        );
    }
    if (input.type === 'CLOSE') patch.closed_at = now;
    const n = await trx('dispatches').where({ id, version: d.version }).update(patch);
    if (n !== 1) throw new Conflict('Công văn vừa được người khác cập nhật. Vui lòng tải lại.');
    await logEvent(trx, id, null, input.type, d.state, result.state, user, input.comment, now);
    await enqueue(
      trx,
      'dispatch.event',
      { dispatchId: id, type: input.type, to: result.state, comment: input.comment },
      now,
    );
  });
}

/**
 * A reply event (ASSIGN, SUBMIT, APPROVE, RETURN) by the recipient unit. The sender side can see the
 * reply but not act on it (403); other units do not see it (404).
 */
export async function applyReplyEventFor(
  db: Db,
  user: Express.User,
  id: number,
  unitCode: string,
  body: unknown,
  now = Date.now(),
): Promise<void> {
  const { view } = await loadVisible(db, user, id);
  const seen = await findReply(db, id, unitCode);
  if (!seen || (view === 'recipient' && seen.unit_id !== user.unitId))
    throw new NotFound('Không tìm thấy ý kiến của đơn vị này.');
  const input = parseBody(replyEventSchema, body);
  let assigneeId: number | null = null;
  if (input.type === 'ASSIGN') {
    const a = await db('users as u')
      .join('user_roles as r', 'r.user_id', 'u.id')
      .where({
        'u.username': input.assignee!.toLowerCase(),
        'u.unit_id': seen.unit_id,
        'u.active': true,
        'r.role': 'specialist',
      })
      .first('u.id');
    if (!a)
      throw new Invalid('Người được giao phải là chuyên viên đang hoạt động của đơn vị nhận.', {
        fields: { assignee: 'Không phải chuyên viên của đơn vị' },
      });
    assigneeId = a.id;
  }
  await withTransaction(db, async (trx) => {
    await forUpdate(db, trx('dispatch_replies').where({ id: seen.id })).first('id');
    const r = (await findReply(trx, id, unitCode))!;
    if (r.version !== input.version)
      throw new Conflict(`Ý kiến đã được cập nhật (phiên bản hiện tại ${r.version}). Vui lòng tải lại.`, {
        currentVersion: r.version,
      });
    if (input.type === 'SUBMIT') {
      if (r.assignee_id !== user.id) throw new Forbidden('Chỉ chuyên viên được giao mới soạn ý kiến trả lời.');
    } else {
      requireRole(
        user,
        r.unit_id,
        input.type === 'ASSIGN' ? ['head', 'leader', 'clerk'] : ['head', 'leader'],
        input.type,
      );
    }
    const d = (await trx('dispatches').where({ id }).first('state'))!;
    const result =
      d.state === 'issued'
        ? applyReplyEvent(JSON.parse(r.snapshot), { type: input.type } as never)
        : { ok: false as const };
    if (!result.ok)
      throw new NotAllowed(`Không thể "${LABELS[input.type] ?? input.type}" ý kiến ở trạng thái hiện tại.`, {
        state: r.state,
        event: input.type,
      });
    const patch: Record<string, unknown> = {
      state: result.state,
      snapshot: JSON.stringify(result.snapshot),
      version: r.version + 1,
      updated_at: now,
    };
    if (input.type === 'ASSIGN') patch.assignee_id = assigneeId;
    if (input.type === 'SUBMIT') Object.assign(patch, { position: input.position, content: input.content ?? null });
    if (input.type === 'APPROVE') patch.replied_at = now;
    const n = await trx('dispatch_replies').where({ id: r.id, version: r.version }).update(patch);
    if (n !== 1) throw new Conflict('Ý kiến vừa được người khác cập nhật. Vui lòng tải lại.');
    await logEvent(
      trx,
      id,
      r.id,
      input.type,
      r.state,
      result.state,
      user,
      input.comment ?? (input.type === 'ASSIGN' ? `Giao ${input.assignee}` : null),
      now,
    );
    await enqueue(
      trx,
      'dispatch.event',
      {
        dispatchId: id,
        replyUnitId: r.unit_id,
        type: input.type,
        to: result.state,
        comment: input.comment,
        assigneeId: patch.assignee_id ?? r.assignee_id,
      },
      now,
    );
  });
}

/** The drafter's response to one reply (tiếp thu / giải trình), before CLOSE. */
export async function setResponse(
  db: Db,
  user: Express.User,
  id: number,
  unitCode: string,
  response: string | null,
): Promise<void> {
  const { d, view } = await loadVisible(db, user, id);
  if (view !== 'sender') throw new NotFound('Không tìm thấy công văn.');
  if (
    user.unitId !== d.issuing_unit_id ||
    !user.roles.some((r) => r === 'specialist' || r === 'leader' || r === 'head')
  )
    throw new Forbidden('Chỉ đơn vị soạn thảo được ghi ý kiến tiếp thu, giải trình.');
  if (d.state === 'closed') throw new NotAllowed('Công văn đã kết thúc.');
  const r = await findReply(db, id, unitCode);
  if (!r) throw new NotFound('Không tìm thấy ý kiến của đơn vị này.');
  await db('dispatch_replies').where({ id: r.id }).update({ response, updated_at: Date.now() });
}
