import type { ReplyRow } from '../queries/dispatches.queries';
import type { DispatchFileItem } from '../queries/dispatch-attachments.queries';
import type { DispatchDetail } from '../services/dispatches.service';
import { toVnIso } from '../../workflows/calendar';
import { isOpenReplyState } from '../../workflows/dispatch';
import {
  DISPATCH_STATE_LABELS,
  DispatchState,
  REPLY_POSITION_LABELS,
  REPLY_STATE_LABELS,
  ReplyPosition,
  ReplyState,
} from '../../workflows/labels';

const iso = (ms: number | null) => (ms == null ? null : toVnIso(new Date(ms)));

/** How many replies are in each state (total = replied + deemed agreed + overdue + declined + open). */
export function countsOf(replies: Array<{ state: string }>) {
  return {
    total: replies.length,
    replied: replies.filter((r) => r.state === 'replied').length,
    open: replies.filter((r) => isOpenReplyState(r.state)).length,
    deemedAgreed: replies.filter((r) => r.state === 'deemed_agreed').length,
    overdue: replies.filter((r) => r.state === 'overdue').length,
    declined: replies.filter((r) => r.state === 'declined').length,
  };
}

/** A file of a reply as the API and pages show it, with where to download it. */
function fileJson(dispatchId: number, f: DispatchFileItem) {
  return {
    id: f.id,
    filename: f.filename,
    size: f.size,
    uploadedBy: f.uploader,
    uploadedAt: iso(f.createdAt),
    href: `/cong-van/${dispatchId}/tep/${f.id}`,
  };
}

/** What the sender side may read of a reply: a sent answer, or a unit's reason for declining. */
const sent = (state: string) => state === 'replied' || state === 'declined';

/** One recipient's reply in the contract's shape. */
function replyJson(r: ReplyRow, files: DispatchFileItem[] = []) {
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
    attachments: files.map((f) => fileJson(r.dispatch_id, f)),
  };
}

/** A recipient of a dispatch not issued yet: a unit with no reply. */
function unsentJson(u: { code: string; name: string }) {
  return {
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
    attachments: [],
  };
}

/** The contract's dispatch shape; a recipient sees only its own reply (the service left out the others). */
export function dispatchJson(detail: DispatchDetail) {
  const { dispatch: d, view, replies } = detail;
  const issued = d.issued_at != null;
  // A reply is the recipient unit's own draft until its leader approves it: the sender sees the
  // position and content only once it has been sent.
  const recipients = issued
    ? replies.map((r) =>
        view === 'sender' && !sent(r.state)
          ? {
              ...replyJson(r),
              position: null,
              positionText: r.state === 'deemed_agreed' ? 'Xem như thống nhất' : null,
              content: null,
              attachments: [],
            }
          : replyJson(r, detail.replyFiles?.get(r.id)),
      )
    : detail.recipients.map(unsentJson);
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
    counts: countsOf(issued ? replies : []),
    // A consultation names its dossier by code only: never the applicant's data (design.md §11).
    dossierCode: d.dossier_code,
  };
}

/** The synthesis table: every recipient with its position (silence shown as agreement), counts. */
export function synthesisJson(detail: DispatchDetail) {
  const { dispatch: d } = detail;
  const json = dispatchJson(detail);
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
export type SynthesisJson = ReturnType<typeof synthesisJson>;
