import { NotAllowed } from '../../errors';
import { findDispatch, findReplyById, type DispatchRow, type ReplyRow } from '../../queries/dispatches.queries';
import { insertDispatchAttachments } from '../../queries/dispatch-attachments.queries';
import { assertMayAttachToReply, assertMayEditDraft } from '../../policies/dispatch.policy';
import { applyDispatchEvent, isOpenReplyState } from '../../../workflows/dispatch';
import type { StoredBlob } from '../attachments.service';
import type { Kind } from './engine';

/** What an edit changes: the draft's columns as checked by the service (only those sent). */
export interface EditDraftRequest {
  type: 'EDIT';
  patch: Partial<Pick<DispatchRow, 'title' | 'summary' | 'due_date' | 'silence_means_agreement' | 'recipients'>>;
  /** Words for the event row ("Trích yếu, hạn trả lời"). */
  changed: string;
}

export interface DeleteDraftRequest {
  type: 'DELETE';
}

const draftBase = {
  name: 'dispatch' as const,
  table: 'dispatches' as const,
  noun: 'Công văn',
  load: async (trx: Parameters<Kind<DispatchRow, { type: string }, void>['load']>[0], locked: { id: number }) =>
    (await findDispatch(trx, locked.id))!,
  stream: (d: DispatchRow) => ({ dispatch_id: d.id, reply_id: null }),
  answer: async () => undefined,
};

const notDraft = (d: DispatchRow, what: string) =>
  new NotAllowed(`Chỉ ${what} được khi công văn còn là dự thảo (hiện: đã trình hoặc đã ban hành).`, {
    state: d.state,
  });

/**
 * The drafter's edit of a draft (design.md §6): an annotation event (EDIT) under the same lock,
 * version check and policy as a state change; the state stays `draft`, the version moves on so a
 * form opened before the edit is told so (409).
 */
export function editDraftKind(): Kind<DispatchRow, EditDraftRequest, void> {
  return {
    ...draftBase,
    authorize: (actor, d) => assertMayEditDraft(actor, d),
    machine: (_trx, d) =>
      d.state === 'draft' ? { state: d.state, snapshot: JSON.parse(d.snapshot) as unknown } : null,
    notAllowed: (d) => notDraft(d, 'sửa'),
    effects: async (_trx, { input }) => ({ patch: { ...input.patch }, event: { comment: `Sửa: ${input.changed}` } }),
  };
}

/**
 * The drafter deletes a draft: DELETE moves it to the terminal state `deleted` through the machine.
 * The row and its events stay (the hash chain and the audit keep what happened); reads and lists
 * treat it as gone (404).
 */
export function deleteDraftKind(): Kind<DispatchRow, DeleteDraftRequest, void> {
  return {
    ...draftBase,
    authorize: (actor, d) => assertMayEditDraft(actor, d),
    machine(_trx, d) {
      const r = applyDispatchEvent(JSON.parse(d.snapshot), { type: 'DELETE' });
      return r.ok ? { state: r.state, snapshot: r.snapshot } : null;
    },
    notAllowed: (d) => notDraft(d, 'xóa'),
    effects: async () => ({ event: { comment: null } }),
  };
}

/** Files a recipient unit attaches to its reply. */
export interface ReplyAttachRequest {
  type: 'ATTACH';
  files: StoredBlob[];
}

type ReplyLoaded = ReplyRow & { dispatch_state: string };

/**
 * Files on a reply: an annotation event (ATTACH) on the reply's stream. The reply's state and
 * version stay (the specialist's open draft form stays valid); only while the dispatch is issued
 * and the reply still open.
 */
export function replyAttachKind(): Kind<ReplyLoaded, ReplyAttachRequest, number> {
  return {
    name: 'reply',
    table: 'dispatch_replies',
    noun: 'Ý kiến',
    load: async (trx, locked) => (await findReplyById(trx, locked.id))!,
    authorize: (actor, r) => assertMayAttachToReply(actor, r),
    machine: (_trx, r) =>
      r.dispatch_state === 'issued' && isOpenReplyState(r.state)
        ? { state: r.state, snapshot: JSON.parse(r.snapshot) as unknown }
        : null,
    notAllowed: (r) =>
      new NotAllowed('Chỉ đính kèm tệp được khi ý kiến đang soạn (chưa gửi, chưa hết hạn).', { state: r.state }),
    async effects(trx, { row: r, input, actor, now }) {
      await insertDispatchAttachments(
        trx,
        input.files.map((f) => ({
          dispatch_id: r.dispatch_id,
          reply_id: r.id,
          ...f,
          uploaded_by: actor.id,
          created_at: now,
        })),
      );
      return {
        event: {
          comment: input.files.map((f) => f.filename).join(', '),
        },
      };
    },
    stream: (r) => ({ dispatch_id: r.dispatch_id, reply_id: r.id }),
    answer: async (_trx, { input }) => input.files.length,
  };
}
