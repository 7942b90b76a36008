import type { Db } from '../db';
import { DispatchEventRow, fullNamesByUsername } from '../queries/dispatches.queries';
import { unitNamesByCode } from '../queries/units.queries';
import { DISPATCH_STATE_LABELS, DispatchState, REPLY_STATE_LABELS, ReplyState } from '../../workflows/labels';

/** The history of a dispatch and its replies as the dispatch page shows it. */

const EVENT_TEXT: Record<string, string> = {
  CREATE: 'Soạn dự thảo',
  SUBMIT: 'Trình duyệt dự thảo',
  APPROVE: 'Duyệt dự thảo',
  REJECT: 'Trả lại dự thảo',
  ISSUE: 'Ban hành, gửi các đơn vị',
  CLOSE: 'Kết thúc xin ý kiến',
  EDIT: 'Sửa dự thảo',
  DELETE: 'Xóa dự thảo',
  UNIT_MERGED: 'Chuyển đơn vị do sáp nhập',
  REASSIGN: 'Chuyển người soạn',
};
const REPLY_EVENT_TEXT: Record<string, string> = {
  ASSIGN: 'Giao xử lý',
  SUBMIT: 'Trình lãnh đạo duyệt ý kiến',
  APPROVE: 'Duyệt, gửi ý kiến trả lời',
  RETURN: 'Trả lại chuyên viên',
  EXPIRE: 'Hết hạn trả lời',
  DECLINE: 'Từ chối (không đúng đơn vị)',
  ATTACH: 'Đính kèm tệp vào ý kiến',
  RESPOND: 'Đơn vị soạn thảo ghi ý kiến tiếp thu, giải trình',
  UNIT_MERGED: 'Chuyển đơn vị do sáp nhập',
  REASSIGN: 'Chuyển chuyên viên được giao',
};

/** The history, oldest first; the scheduler's expiries of one night are one line, not one per unit. */
function timeline(
  events: DispatchEventRow[],
  only: number | null,
  unitNames: Map<string, string>,
  people: Map<string, string>,
) {
  const out: Array<{
    at: number;
    label: string;
    to: string;
    actor: string | null;
    comment: string | null;
    units?: string[];
  }> = [];
  for (const e of events.filter(
    (x) => only == null || (x.reply_id == null ? ['ISSUE', 'CLOSE'].includes(x.type) : x.reply_id === only),
  )) {
    const to =
      e.reply_id == null
        ? DISPATCH_STATE_LABELS[e.to_state as DispatchState]
        : REPLY_STATE_LABELS[e.to_state as ReplyState];
    const prev = out[out.length - 1];
    if (e.type === 'EXPIRE' && prev?.units && prev.at === e.at && prev.to === to) {
      prev.units.push(e.reply_unit_name ?? '');
      prev.label = `Hết hạn trả lời: ${prev.units.length} đơn vị`;
      prev.comment = prev.units.join(', ');
      continue;
    }
    out.push({
      at: e.at,
      label:
        e.reply_id == null
          ? (EVENT_TEXT[e.type] ?? e.type)
          : `${e.reply_unit_name}: ${REPLY_EVENT_TEXT[e.type] ?? e.type}`,
      to,
      // People's names and their unit's name, never a username or a unit code.
      actor: e.actor_name
        ? `${e.actor_name}${e.actor_unit_code ? ` · ${unitNames.get(e.actor_unit_code) ?? e.actor_unit_code}` : ''}`
        : null,
      comment: e.type === 'EXPIRE' ? null : e.type === 'ASSIGN' ? assignedName(e.comment, people) : e.comment,
      ...(e.type === 'EXPIRE' && only == null ? { units: [e.reply_unit_name ?? ''] } : {}),
    });
  }
  return out;
}

// Events written before names were recorded say "Giao <username>".
const ASSIGNED = /^Giao (\S+)$/;

/** An ASSIGN event's comment with the assignee's full name in place of a username. */
function assignedName(comment: string | null, people: Map<string, string>): string | null {
  const m = comment ? ASSIGNED.exec(comment) : null;
  return m && people.has(m[1]) ? `Giao ${people.get(m[1])}` : comment;
}

/**
 * The timeline of a dispatch (`only`: null for the sender side, a reply id for its recipient unit),
 * naming people and units by name.
 */
export async function timelineWithNames(db: Db, events: DispatchEventRow[], only: number | null) {
  const codes = [...new Set(events.map((e) => e.actor_unit_code).filter((c): c is string => !!c))];
  const usernames = events
    .filter((e) => e.type === 'ASSIGN')
    .map((e) => (e.comment ? ASSIGNED.exec(e.comment)?.[1] : undefined))
    .filter((u): u is string => !!u);
  return timeline(events, only, await unitNamesByCode(db, codes), await fullNamesByUsername(db, usernames));
}
