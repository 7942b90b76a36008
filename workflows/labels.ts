/**
 * The app's vocabulary: the codes the API speaks (English) and the words people read
 * (Vietnamese, as in docs/glossary.md). Pure constants, shared by workflows, services and views.
 */

/** User roles, as stored in `user_roles` and sent by the API. */
export const ROLES = ['admin', 'intake', 'specialist', 'head', 'leader', 'clerk'] as const;
/** A user role code. */
export type Role = (typeof ROLES)[number];

/** Roles that may be given a step of an internal procedure: every staff role, not `admin`. */
export const STEP_ROLES = ['intake', 'specialist', 'head', 'leader', 'clerk'] as const;
/** A role that can act at a procedure step. */
export type StepRole = (typeof STEP_ROLES)[number];

/** Vietnamese names of the roles. */
export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Quản trị hệ thống',
  intake: 'Cán bộ tiếp nhận (Bộ phận Một cửa)',
  specialist: 'Chuyên viên xử lý',
  head: 'Lãnh đạo phòng',
  leader: 'Lãnh đạo UBND',
  clerk: 'Văn thư',
};

/** Events that change a dossier's state (`POST /dossiers/:code/events`). */
export const DOSSIER_EVENT_TYPES = [
  'FORWARD',
  'RETURN',
  'REQUEST_SUPPLEMENT',
  'SUPPLEMENT_RECEIVED',
  'REFUSE',
  'EXTEND',
  'RETURN_RESULT',
  'WITHDRAW',
] as const;
/** A dossier event type. */
export type DossierEventType = (typeof DOSSIER_EVENT_TYPES)[number];

/** Vietnamese names of the dossier events (button and history labels). */
export const EVENT_LABELS: Record<DossierEventType, string> = {
  FORWARD: 'Chuyển bước tiếp theo',
  RETURN: 'Trả lại bước trước',
  REQUEST_SUPPLEMENT: 'Yêu cầu bổ sung hồ sơ',
  SUPPLEMENT_RECEIVED: 'Đã nhận hồ sơ bổ sung',
  REFUSE: 'Từ chối giải quyết',
  EXTEND: 'Gia hạn, xin lỗi hẹn lại ngày trả',
  RETURN_RESULT: 'Trả kết quả',
  WITHDRAW: 'Rút hồ sơ (theo đề nghị của công dân)',
};

/** History labels: the events a person sends, plus the receipt and attached files. */
export const HISTORY_LABELS: Record<string, string> = {
  ...EVENT_LABELS,
  RECEIVE: 'Tiếp nhận hồ sơ',
  ATTACH: 'Đính kèm tệp',
  RESULT: 'Đính kèm dự thảo kết quả',
  UNIT_MERGED: 'Chuyển đơn vị do sáp nhập',
};

/** Events that record something added to a dossier without a hand-off (not a row of form 06). */
export const ANNOTATION_EVENTS: readonly string[] = ['ATTACH', 'RESULT', 'UNIT_MERGED'];

/**
 * The FORWARD button's wording depends on who acts: a head of division approves
 * ("Duyệt"), a committee leader signs ("Ký duyệt"), the clerk numbers and seals.
 * @param role the role of the current step
 */
export function forwardLabel(role: Role): string {
  switch (role) {
    case 'head':
      return 'Duyệt';
    case 'leader':
      return 'Ký duyệt';
    case 'clerk':
      return 'Vào số, đóng dấu';
    default:
      return EVENT_LABELS.FORWARD;
  }
}

/** The words of a hand-off once done, by the role that finished the step (timeline and flash message). */
export function forwardDoneLabel(role: Role): string {
  switch (role) {
    case 'specialist':
      return 'Thẩm định xong';
    case 'intake':
      return 'Chuyển xử lý';
    default:
      return forwardLabel(role);
  }
}

/** A procedure step as a history line names it. */
export interface HistoryStep {
  name: string;
  role: Role;
}

/**
 * What a history line says happened, in the words of the step it left or entered
 * ("Ký duyệt", "Trả lại bước trước: Thẩm định hồ sơ"), rather than the generic event name.
 * @param from the step the dossier left (null when it was not at a step)
 * @param to the step it entered (null when it reached a non-step state)
 */
export function historyLabel(type: string, from: HistoryStep | null, to: HistoryStep | null): string {
  switch (type) {
    case 'FORWARD':
      if (!from) return EVENT_LABELS.FORWARD;
      if (!to && from.role !== 'clerk' && from.role !== 'leader') return 'Hoàn thành, chuyển trả kết quả';
      return forwardDoneLabel(from.role);
    case 'RETURN':
      return to ? `${EVENT_LABELS.RETURN}: ${to.name}` : EVENT_LABELS.RETURN;
    case 'SUPPLEMENT_RECEIVED':
      return to ? `${EVENT_LABELS.SUPPLEMENT_RECEIVED}, tiếp tục: ${to.name}` : EVENT_LABELS.SUPPLEMENT_RECEIVED;
    default:
      return HISTORY_LABELS[type] ?? type;
  }
}

/** The hand-off a history line records, as "Thẩm định hồ sơ → Xem xét, trình ký"; null when not a hand-off. */
export function historyPath(type: string, from: HistoryStep | null, toName: string | null): string | null {
  if (type !== 'FORWARD' || !from || !toName) return null;
  return `${from.name} → ${toName}`;
}

/** How a dossier reached the office (`channel` in the API). */
export const CHANNELS = {
  1: 'Trực tiếp',
  2: 'Trực tuyến',
  3: 'Qua bưu chính công ích',
} as const;
/** A channel number: 1 at the desk, 2 online, 3 by post. */
export type Channel = keyof typeof CHANNELS;

/** Dossier states that are not steps; no step may take one of these codes. */
export const RESERVED_STATES = ['waiting_supplement', 'result_ready', 'returned', 'refused', 'withdrawn'] as const;
/** A dossier state that is not a step. */
export type ReservedState = (typeof RESERVED_STATES)[number];

/** Whether a state code is one of the reserved (non-step) dossier states. */
export function isReservedState(state: string): state is ReservedState {
  return (RESERVED_STATES as readonly string[]).includes(state);
}

/** Computed (never stored) deadline flags, as shown beside a status. */
export const OVERDUE_TEXT = 'Quá hạn';
/** Shown when a dossier or step is close to its due time. */
export const DUE_SOON_TEXT = 'Sắp đến hạn';

/** States of a comment-solicitation dispatch (công văn xin ý kiến). */
export const DISPATCH_STATES = ['draft', 'pending_approval', 'approved', 'issued', 'closed', 'deleted'] as const;
/** A dispatch state. */
export type DispatchState = (typeof DISPATCH_STATES)[number];

/** Vietnamese names of the dispatch states. */
export const DISPATCH_STATE_LABELS: Record<DispatchState, string> = {
  draft: 'Dự thảo',
  pending_approval: 'Chờ duyệt',
  approved: 'Đã duyệt',
  issued: 'Đã ban hành',
  closed: 'Đã kết thúc',
  deleted: 'Đã xóa dự thảo',
};

/** States of one recipient's reply to a dispatch. */
export const REPLY_STATES = [
  'received',
  'assigned',
  'pending_approval',
  'replied',
  'deemed_agreed',
  'overdue',
  'declined',
] as const;
/** A reply state. */
export type ReplyState = (typeof REPLY_STATES)[number];

/** Vietnamese names of the reply states. */
export const REPLY_STATE_LABELS: Record<ReplyState, string> = {
  received: 'Đã nhận',
  assigned: 'Đã giao xử lý',
  pending_approval: 'Chờ lãnh đạo duyệt',
  replied: 'Đã trả lời',
  deemed_agreed: 'Xem như thống nhất (quá hạn không trả lời)',
  overdue: 'Quá hạn chưa trả lời',
  declined: 'Từ chối (không đúng đơn vị)',
};

/** A recipient's position on the draft. */
export const REPLY_POSITIONS = ['agree', 'comments', 'disagree'] as const;
/** A reply position code. */
export type ReplyPosition = (typeof REPLY_POSITIONS)[number];

/** Vietnamese names of the reply positions (synthesis table, reply form). */
export const REPLY_POSITION_LABELS: Record<ReplyPosition, string> = {
  agree: 'Thống nhất',
  comments: 'Thống nhất, có ý kiến góp ý',
  disagree: 'Không thống nhất',
};

/** Dispatch and reply events in words, for messages about them ("Không thể \"Ban hành\"…"). */
export const DISPATCH_EVENT_WORDS: Record<string, string> = {
  SUBMIT: 'Trình duyệt',
  APPROVE: 'Duyệt',
  REJECT: 'Trả lại dự thảo',
  ISSUE: 'Ban hành',
  CLOSE: 'Kết thúc',
  ASSIGN: 'Giao xử lý',
  RETURN: 'Trả lại',
  EXPIRE: 'Hết hạn trả lời',
  DECLINE: 'Từ chối (gửi nhầm đơn vị)',
  EDIT: 'Sửa dự thảo',
  DELETE: 'Xóa dự thảo',
  ATTACH: 'Đính kèm tệp',
};
