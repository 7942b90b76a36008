import type { Db } from '../db';
import { Invalid } from '../errors';
import type { Actor } from '../policies/actor';
import { assertCanSeeReply, assertMayAttachToReply, isOwnUnit } from '../policies/dispatch.policy';
import { findReply } from '../queries/dispatches.queries';
import { unitsByCodes } from '../queries/units.queries';
import type { EditDispatchInput } from '../schemas/dispatch.schema';
import { checkFiles, storeBlob, type StoredBlob, type UploadedFile } from './attachments.service';
import { loadVisible, ownUnitRecipient } from './dispatches.service';
import { transition } from './engine/engine';
import { deleteDraftKind, EditDraftRequest, editDraftKind, replyAttachKind } from './engine/dispatch-draft.kind';
import { vnDate } from '../../workflows/calendar';

/**
 * The drafter's changes to a draft (design.md §6) and files on a reply, all through the one engine:
 * 404 (not visible) → 409 (stale version) → 403 (not the drafter) → 422 (not a draft any more).
 */

const FIELD_WORDS: Record<string, string> = {
  title: 'trích yếu',
  summary: 'nội dung',
  due_date: 'hạn trả lời',
  silence_means_agreement: 'cách ghi nhận khi không trả lời',
  recipients: 'đơn vị nhận',
};

/**
 * Edit a draft: only the fields sent change, checked as when it was written (recipients known,
 * active and not the drafter's own unit; a due date today or later).
 */
export async function editDraft(db: Db, actor: Actor, id: number, input: EditDispatchInput, now = Date.now()) {
  const { d } = await loadVisible(db, actor, id);
  const patch: EditDraftRequest['patch'] = {};
  if (input.title !== undefined && input.title !== d.title) patch.title = input.title;
  // A browser sends a textarea's line breaks as CRLF: the same text is no change.
  const lf = (t: string) => t.replace(/\r\n?/g, '\n');
  if (input.summary !== undefined && lf(input.summary) !== lf(d.summary)) patch.summary = input.summary;
  if (input.dueDate !== undefined && input.dueDate !== d.due_date) {
    if (input.dueDate < vnDate(new Date(now)))
      throw new Invalid('Hạn trả lời đã qua.', { fields: { dueDate: 'Hạn trả lời phải từ hôm nay trở đi' } });
    patch.due_date = input.dueDate;
  }
  if (input.silenceMeansAgreement !== undefined && input.silenceMeansAgreement !== d.silence_means_agreement)
    patch.silence_means_agreement = input.silenceMeansAgreement;
  if (input.recipientUnitCodes !== undefined) {
    const units = await unitsByCodes(db, input.recipientUnitCodes);
    const unknown = input.recipientUnitCodes.filter((c) => !units.some((u) => u.code === c && u.active));
    if (unknown.length)
      throw new Invalid(`Đơn vị nhận không tồn tại: ${unknown.join(', ')}.`, {
        fields: { recipientUnitCodes: `Không có đơn vị: ${unknown.join(', ')}` },
      });
    if (units.some((u) => u.id === d.issuing_unit_id || isOwnUnit(actor, u.id))) throw ownUnitRecipient();
    const ids = JSON.stringify(units.map((u) => u.id).sort((a, b) => a - b));
    if (ids !== JSON.stringify((JSON.parse(d.recipients) as number[]).slice().sort((a, b) => a - b)))
      patch.recipients = ids;
  }
  const changed = Object.keys(patch).map((k) => FIELD_WORDS[k]);
  await transition(db, editDraftKind(), {
    id,
    version: input.version,
    actor,
    input: { type: 'EDIT', patch, changed: changed.length ? changed.join(', ') : 'không thay đổi nội dung' },
    now,
  });
}

/** Delete a draft: the DELETE event to the terminal state `deleted`; afterwards reads answer 404. */
export async function deleteDraft(db: Db, actor: Actor, id: number, version: number | undefined, now = Date.now()) {
  await loadVisible(db, actor, id);
  if (version === undefined)
    throw new Invalid('Cần gửi phiên bản (version) của dự thảo đang xem.', { fields: { version: 'Bắt buộc' } });
  await transition(db, deleteDraftKind(), { id, version, actor, input: { type: 'DELETE' }, now });
}

/**
 * Files on a recipient unit's reply, while it is being written; how many were attached. The files are
 * checked (422) and the policy asked (403) before any byte is stored; the engine asks again under
 * its lock.
 */
export async function attachToReply(
  db: Db,
  dataDir: string,
  actor: Actor,
  at: { id: number; unitCode: string },
  files: UploadedFile[],
  now = Date.now(),
): Promise<number> {
  const { view } = await loadVisible(db, actor, at.id);
  const r = await findReply(db, at.id, at.unitCode);
  assertCanSeeReply(actor, view, r);
  if (!files.length) throw new Invalid('Chưa chọn tệp nào.', { fields: { files: 'Chọn ít nhất một tệp' } });
  checkFiles(files);
  assertMayAttachToReply(actor, r!);
  const stored: StoredBlob[] = files.map((f) => storeBlob(dataDir, f));
  return transition(
    db,
    replyAttachKind(),
    { id: r!.id, actor, input: { type: 'ATTACH', files: stored }, now },
    { bumpVersion: false },
  );
}
