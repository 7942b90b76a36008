import { reportableUnitIds } from '../policies/unit.policy';
import type { Db } from '../db';
import { withTransaction } from '../db';
import { appendDispatchEvent } from './audit';
import { Invalid, NotFound } from '../errors';
import type { Knex } from 'knex';
import { unitLabelsByIds, unitsByCodes } from '../queries/units.queries';

/** A recipient unit of a draft as checked by {@link draftRecipients}. */
export type DraftUnit = Awaited<ReturnType<typeof unitsByCodes>>[number];
import {
  dispatchIdPage,
  DispatchRow,
  findDispatch,
  insertDispatch,
  ReplyRow,
  repliesOf,
} from '../queries/dispatches.queries';
import type { CreateDispatchInput } from '../schemas/dispatch.schema';
import { DispatchFileItem, insertDispatchAttachments } from '../queries/dispatch-attachments.queries';
import { replyFilesByReply } from './dispatch-files.service';
import type { StoredBlob } from './attachments.service';
import { vnDate } from '../../workflows/calendar';
import { initialDispatchSnapshot } from '../../workflows/dispatch';
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

/**
 * A dispatch as services hand it out (presenters/dispatch.presenter shapes it for the API):
 * - `replies`: once issued, the replies this user may see (a recipient only its own unit's);
 * - `recipients`: before issue, the units it will be sent to (there are no replies yet).
 */
export interface DispatchDetail {
  dispatch: DispatchRow;
  view: DispatchView;
  replies: ReplyRow[];
  recipients: Array<{ code: string; name: string }>;
  /** Files on the replies shown, by reply id (design.md §6: files on replies). */
  replyFiles?: Map<number, DispatchFileItem[]>;
}

/** The detail of a dispatch already read and seen by this user ({@link loadVisible}). */
export async function dispatchDetail(
  db: Db,
  d: DispatchRow,
  view: DispatchView,
  user: Express.User,
): Promise<DispatchDetail> {
  if (d.issued_at == null)
    return {
      dispatch: d,
      view,
      replies: [],
      recipients: await unitLabelsByIds(db, JSON.parse(d.recipients) as number[]),
    };
  const replies = visibleReplies(user, view, await repliesOf(db, d.id));
  return { dispatch: d, view, replies, recipients: [], replyFiles: await replyFilesByReply(db, d.id, replies) };
}

/** A dispatch this user may see (404 otherwise). */
export async function getDispatch(db: Db, user: Express.User, id: number): Promise<DispatchDetail> {
  const { d, view } = await loadVisible(db, user, id);
  return dispatchDetail(db, d, view, user);
}

/**
 * The recipient units of a new draft, checked as fields (422): each known and active, the due date
 * today or later. Shared by stand-alone dispatches and consultations inside a dossier.
 */
export async function draftRecipients(db: Db, input: CreateDispatchInput, now: number): Promise<DraftUnit[]> {
  const units = await unitsByCodes(db, input.recipientUnitCodes);
  const unknown = input.recipientUnitCodes.filter((c) => !units.some((u) => u.code === c && u.active));
  if (unknown.length)
    throw new Invalid(`Đơn vị nhận không tồn tại: ${unknown.join(', ')}.`, {
      fields: { recipientUnitCodes: `Không có đơn vị: ${unknown.join(', ')}` },
    });
  if (input.dueDate < vnDate(new Date(now)))
    throw new Invalid('Hạn trả lời đã qua.', { fields: { dueDate: 'Hạn trả lời phải từ hôm nay trở đi' } });
  return units;
}

/** The 422 for a draft sent to the unit that writes it. */
export const ownUnitRecipient = () =>
  new Invalid('Không gửi xin ý kiến chính đơn vị mình.', {
    fields: { recipientUnitCodes: 'Có đơn vị soạn trong danh sách nhận' },
  });

/**
 * Insert a checked draft, its CREATE event and its files, inside the caller's transaction (they commit
 * together). `dossierId` links a consultation to its dossier (design.md §11).
 */
export async function insertDraft(
  trx: Knex.Transaction,
  user: Express.User,
  draft: { issuingUnitId: number; dossierId?: number | null; units: DraftUnit[]; input: CreateDispatchInput },
  now: number,
  files: StoredBlob[] = [],
): Promise<number> {
  const { input } = draft;
  const id = await insertDispatch(trx, {
    issuing_unit_id: draft.issuingUnitId,
    title: input.title,
    summary: input.summary,
    due_date: input.dueDate,
    silence_means_agreement: input.silenceMeansAgreement,
    recipients: JSON.stringify(draft.units.map((u) => u.id)),
    state: 'draft',
    snapshot: JSON.stringify(initialDispatchSnapshot()),
    version: 1,
    created_by: user.id,
    created_at: now,
    updated_at: now,
    ...(draft.dossierId ? { dossier_id: draft.dossierId } : {}),
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
}

/** A new draft by a specialist of the issuing (the user's) unit. */
export async function createDispatch(
  db: Db,
  user: Express.User,
  input: CreateDispatchInput,
  now = Date.now(),
  files: StoredBlob[] = [],
): Promise<number> {
  const units = await draftRecipients(db, input, now);
  assertMayCreateDispatch(user);
  if (units.some((u) => isOwnUnit(user, u.id))) throw ownUnitRecipient();
  // The draft and its CREATE event commit together.
  return withTransaction(db, (trx) =>
    insertDraft(trx, user, { issuingUnitId: user.unitId!, units, input }, now, files),
  );
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
  const items: DispatchDetail[] = [];
  for (const id of ids) {
    const d = (await findDispatch(db, id))!;
    items.push(await dispatchDetail(db, d, opts.inbox ? 'recipient' : 'sender', user));
  }
  return { items, total };
}

/**
 * The synthesis table's data, for the sender side only (404 otherwise): every recipient's reply
 * (presenters/dispatch.presenter's synthesisJson shows silence as agreement and counts them).
 */
export async function synthesis(db: Db, user: Express.User, id: number): Promise<DispatchDetail> {
  const { d, view } = await loadVisible(db, user, id);
  if (view !== 'sender') throw new NotFound('Không tìm thấy công văn.');
  return dispatchDetail(db, d, view, user);
}
