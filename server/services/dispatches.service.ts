import { reportableUnitIds } from '../policies/unit.policy';
import type { Db } from '../db';
import { withTransaction } from '../db';
import { appendDispatchEvent } from './audit';
import { Invalid, NotFound } from '../errors';
import { findUnitById, unitLabelsByIds, unitsByCodes } from '../queries/units.queries';
import {
  dispatchIdPage,
  DispatchRow,
  findDispatch,
  insertDispatch,
  ReplyRow,
  repliesOf,
} from '../queries/dispatches.queries';
import type { CreateDispatchInput } from '../schemas/dispatch.schema';
import { insertDispatchAttachments } from '../queries/dispatch-attachments.queries';
import type { StoredBlob } from './attachments.service';
import { toVnIso, vnDate } from '../../workflows/calendar';
import {
  DISPATCH_STATE_LABELS,
  DispatchState,
  REPLY_POSITION_LABELS,
  REPLY_STATE_LABELS,
  ReplyPosition,
  ReplyState,
} from '../../workflows/labels';
import { initialDispatchSnapshot, isOpenReplyState } from '../../workflows/dispatch';

const iso = (ms: number | null) => (ms == null ? null : toVnIso(new Date(ms)));

import {
  assertMayCreateDispatch,
  dispatchView,
  DispatchView,
  isOwnUnit,
  visibleReplies,
} from '../policies/dispatch.policy';
export type { DispatchView };

export async function loadVisible(
  db: Db,
  user: Express.User,
  id: number,
): Promise<{ d: DispatchRow; view: DispatchView }> {
  const d = await findDispatch(db, id);
  const view = d ? await dispatchView(db, user, d) : null;
  if (!d || !view) throw new NotFound('Không tìm thấy công văn.');
  return { d, view };
}

export function countsOf(replies: Array<{ state: string }>) {
  return {
    total: replies.length,
    replied: replies.filter((r) => r.state === 'replied').length,
    open: replies.filter((r) => isOpenReplyState(r.state)).length,
    deemedAgreed: replies.filter((r) => r.state === 'deemed_agreed').length,
    overdue: replies.filter((r) => r.state === 'overdue').length,
  };
}

function replyJson(r: ReplyRow) {
  return {
    unitCode: r.unit_code,
    unitName: r.unit_name,
    state: r.state,
    stateText: REPLY_STATE_LABELS[r.state as ReplyState],
    position: r.position,
    positionText: r.position
      ? REPLY_POSITION_LABELS[r.position as ReplyPosition]
      : r.state === 'deemed_agreed'
        ? 'Xem như thống nhất'
        : null,
    content: r.content,
    repliedAt: iso(r.replied_at),
    version: r.version,
    assignee: r.assignee_username ? { username: r.assignee_username, fullName: r.assignee_name } : null,
    response: r.response,
  };
}

/** The contract's dispatch shape; a recipient sees only its own reply. */
export async function dispatchJson(db: Db, d: DispatchRow, view: DispatchView, user: Express.User) {
  let replies = await repliesOf(db, d.id);
  let recipients;
  if (d.issued_at == null) {
    const units = await unitLabelsByIds(db, JSON.parse(d.recipients) as number[]);
    recipients = units.map((u) => ({
      unitCode: u.code,
      unitName: u.name,
      state: null,
      stateText: 'Chưa ban hành',
      position: null,
      positionText: null,
      content: null,
      repliedAt: null,
      version: null,
      assignee: null,
      response: null,
    }));
  } else {
    replies = visibleReplies(user, view, replies);
    // A reply is the recipient unit's own draft until its leader approves it: the sender sees the
    // position and content only once it has been sent.
    recipients = replies.map((r) =>
      view === 'sender' && r.state !== 'replied'
        ? {
            ...replyJson(r),
            position: null,
            positionText: r.state === 'deemed_agreed' ? 'Xem như thống nhất' : null,
            content: null,
          }
        : replyJson(r),
    );
  }
  return {
    id: d.id,
    title: d.title,
    summary: d.summary,
    dueDate: d.due_date,
    silenceMeansAgreement: d.silence_means_agreement,
    state: d.state,
    stateText: DISPATCH_STATE_LABELS[d.state as DispatchState],
    version: d.version,
    number: d.number,
    issuingUnit: { code: d.issuing_code, name: d.issuing_name },
    createdBy: d.creator_name,
    createdAt: iso(d.created_at),
    issuedAt: iso(d.issued_at),
    closedAt: iso(d.closed_at),
    recipients,
    counts: countsOf(d.issued_at == null ? [] : replies),
  };
}
export type DispatchJson = Awaited<ReturnType<typeof dispatchJson>>;

/** A new draft by a specialist of the issuing (the user's) unit. */
export async function createDispatch(
  db: Db,
  user: Express.User,
  input: CreateDispatchInput,
  now = Date.now(),
  files: StoredBlob[] = [],
): Promise<number> {
  const units = await unitsByCodes(db, input.recipientUnitCodes);
  const unknown = input.recipientUnitCodes.filter((c) => !units.some((u) => u.code === c && u.active));
  if (unknown.length)
    throw new Invalid(`Đơn vị nhận không tồn tại: ${unknown.join(', ')}.`, {
      fields: { recipientUnitCodes: `Không có đơn vị: ${unknown.join(', ')}` },
    });
  if (input.dueDate < vnDate(new Date(now)))
    throw new Invalid('Hạn trả lời đã qua.', { fields: { dueDate: 'Hạn trả lời phải từ hôm nay trở đi' } });
  assertMayCreateDispatch(user);
  if (units.some((u) => isOwnUnit(user, u.id)))
    throw new Invalid('Không gửi xin ý kiến chính đơn vị mình.', {
      fields: { recipientUnitCodes: 'Có đơn vị soạn trong danh sách nhận' },
    });
  const issuing = (await findUnitById(db, user.unitId!))!;
  // The draft and its CREATE event commit together.
  return withTransaction(db, async (trx) => {
    const id = await insertDispatch(trx, {
      issuing_unit_id: issuing.id,
      title: input.title,
      summary: input.summary,
      due_date: input.dueDate,
      silence_means_agreement: input.silenceMeansAgreement,
      recipients: JSON.stringify(units.map((u) => u.id)),
      state: 'draft',
      snapshot: JSON.stringify(initialDispatchSnapshot()),
      version: 1,
      created_by: user.id,
      created_at: now,
      updated_at: now,
    });
    await appendDispatchEvent(trx, {
      dispatch_id: id,
      type: 'CREATE',
      from_state: null,
      to_state: 'draft',
      actor_id: user.id,
      actor_username: user.username,
      actor_name: user.fullName,
      actor_unit_code: user.unitCode,
      at: now,
    });
    await insertDispatchAttachments(
      trx,
      files.map((f) => ({ dispatch_id: id, ...f, uploaded_by: user.id, created_at: now })),
    );
    return id;
  });
}

/** Dispatches for a list: sent by my unit (and below), or received by my unit (`inbox`). */
export async function listDispatches(
  db: Db,
  user: Express.User,
  opts: { inbox: boolean; page: number; pageSize: number },
) {
  // Inbox: replies asked of the user's unit. Otherwise the sender side: the issuing unit and the units
  // above it (the dispatch policy's 'sender' view).
  const { ids, total } = await dispatchIdPage(db, {
    ...(opts.inbox ? { inboxUnitId: user.unitId ?? -1 } : { issuingUnitIds: await reportableUnitIds(db, user) }),
    offset: (opts.page - 1) * opts.pageSize,
    limit: opts.pageSize,
  });
  const items = [];
  for (const id of ids) {
    const d = (await findDispatch(db, id))!;
    items.push(await dispatchJson(db, d, opts.inbox ? 'recipient' : 'sender', user));
  }
  return { items, total };
}

/** The synthesis table: every recipient with its position (silence shown as agreement), counts. */
export async function synthesis(db: Db, user: Express.User, id: number) {
  const { d, view } = await loadVisible(db, user, id);
  if (view !== 'sender') throw new NotFound('Không tìm thấy công văn.');
  const json = await dispatchJson(db, d, view, user);
  return {
    id: d.id,
    title: d.title,
    number: d.number,
    dueDate: d.due_date,
    state: d.state,
    issuingUnit: json.issuingUnit,
    items: json.recipients,
    counts: json.counts,
  };
}
