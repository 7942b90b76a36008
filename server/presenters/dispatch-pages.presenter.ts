import type { Db } from '../db';
import { listDispatchFiles } from '../services/dispatch-files.service';
import { dispatchDetail, DispatchView, listDispatches } from '../services/dispatches.service';
import { dispatchJson } from './dispatch.presenter';
import { listUnits } from '../queries/units.queries';
import { timelineWithNames } from './dispatch-timeline.presenter';
import { activeStaffWithRoles } from '../queries/user-roles.queries';
import { DispatchRow, dispatchEvents, repliesOf, ReplyRow } from '../queries/dispatches.queries';
import { vnDate } from '../../workflows/calendar';
import {
  allowedDispatchEvents,
  allowedReplyEvents,
  isOpenReplyState,
  OPEN_REPLY_STATES,
} from '../../workflows/dispatch';
import { REPLY_POSITION_LABELS, REPLY_POSITIONS } from '../../workflows/labels';
import {
  mayActOnDispatch,
  mayActOnReply,
  mayAttachToReply,
  mayEditDraft,
  mayRemind,
  visibleReplies,
} from '../policies/dispatch.policy';
import { canSeeDossier } from '../policies/dossier.policy';
import { findDossierByCode } from '../queries/dossiers.queries';

/** Button words: the dispatch's own events, then a reply's (what the recipient unit does). */
export const DISPATCH_ACTION_LABELS: Record<string, string> = {
  SUBMIT: 'Trình duyệt',
  APPROVE: 'Duyệt',
  REJECT: 'Trả lại dự thảo',
  ISSUE: 'Ban hành',
  CLOSE: 'Kết thúc',
};
export const REPLY_ACTION_LABELS: Record<string, string> = {
  ASSIGN: 'Giao xử lý',
  SUBMIT: 'Trình lãnh đạo duyệt',
  APPROVE: 'Duyệt, gửi trả lời',
  RETURN: 'Trả lại chuyên viên',
  DECLINE: 'Từ chối (không đúng đơn vị)',
};
/** 'YYYY-MM-DD' → 'dd/mm/yyyy'. */
export const dayText = (s: string | null) => (s ? `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}` : '');
const today = () => vnDate(new Date());
/** Past the due date (replies are due by the end of it). */
export const pastDue = (dueDate: string) => today() > dueDate;

// ---------------------------------------------------------------- recipients picker

/**
 * The recipients picker: province-level units, districts (with "all districts"), then the communes
 * of each parent (with "all communes of it"). Shortcuts are checkboxes named `groups` so the form
 * works without JavaScript; {@link expandRecipients} turns them into unit codes.
 */
export async function recipientPicker(db: Db, ownUnitId: number | null, picked: string[], groups: string[]) {
  const units = (await listUnits(db)).filter((u) => u.active && u.id !== ownUnitId);
  const unit = (u: (typeof units)[number]) => ({
    code: u.code,
    name: u.name,
    checked: picked.includes(u.code),
    groups: u.level === 'commune' && u.parentCode ? `${u.parentCode} level:commune` : `level:${u.level}`,
  });
  const shortcut = (value: string, label: string) => ({ value, label, checked: groups.includes(value) });
  const sections = [];
  const province = units.filter((u) => u.level === 'province');
  if (province.length) sections.push({ title: 'Cấp tỉnh', shortcut: null, units: province.map(unit) });
  const districts = units.filter((u) => u.level === 'district');
  if (districts.length)
    sections.push({
      title: 'Cấp huyện',
      shortcut: shortcut('level:district', 'Tất cả đơn vị cấp huyện'),
      units: districts.map(unit),
    });
  const all = await listUnits(db);
  for (const parent of all.filter((p) => units.some((u) => u.level === 'commune' && u.parentId === p.id))) {
    const short = parent.name.replace(/^UBND\s+/i, '');
    sections.push({
      title: parent.name,
      shortcut: shortcut(parent.code, `Tất cả xã, phường của ${short}`),
      units: units.filter((u) => u.level === 'commune' && u.parentId === parent.id).map(unit),
    });
  }
  const communes = units.some((u) => u.level === 'commune') ? shortcut('level:commune', 'Tất cả xã, phường') : null;
  return { sections, communes };
}

/**
 * Unit codes picked one by one plus every unit a shortcut stands for: `level:district` /
 * `level:commune` (all active units of that level), or a parent's code (its active communes).
 * The writer's own unit is left out of shortcuts; an unknown shortcut is passed on so it is reported.
 */
export async function expandRecipients(
  db: Db,
  codes: string[],
  groups: string[],
  ownUnitId: number | null,
): Promise<string[]> {
  const units = (await listUnits(db)).filter((u) => u.active && u.id !== ownUnitId);
  const out = new Set(codes);
  for (const g of groups) {
    const level = g.startsWith('level:') ? g.slice(6) : null;
    const members = level
      ? units.filter((u) => u.level === level)
      : units.filter((u) => u.parentCode === g && u.level === 'commune');
    if (!members.length && !level) out.add(g);
    for (const u of members) out.add(u.code);
  }
  return [...out].sort();
}

// ---------------------------------------------------------------- list

/** One page of the list: sent by my unit (and below) or my unit's inbox, with what each row needs. */
export async function listModel(db: Db, user: Express.User, inbox: boolean, page: number) {
  const { items, total } = await listDispatches(db, user, { inbox, page, pageSize: 20 });
  const rows = items.map(dispatchJson).map((d) => {
    const late = d.state === 'issued' && pastDue(d.dueDate);
    const reply = inbox ? d.recipients[0] : null;
    let todo: string | null = null;
    if (reply && d.state === 'issued') {
      // What this user may do with the reply now, in the policy's words.
      const r = {
        unit_id: user.unitId ?? -1,
        assignee_id: reply.assignee?.username === user.username ? user.id : null,
      };
      if (reply.state === 'received' && mayActOnReply(user, 'ASSIGN', r)) todo = 'Chờ giao xử lý';
      if (reply.state === 'assigned' && mayActOnReply(user, 'SUBMIT', r)) todo = 'Chờ bạn soạn ý kiến';
      if (reply.state === 'pending_approval' && mayActOnReply(user, 'APPROVE', r)) todo = 'Chờ bạn duyệt';
    }
    return {
      ...d,
      due: dayText(d.dueDate),
      issued: d.issuedAt != null,
      overdue: inbox
        ? reply?.state === 'overdue' || (late && isOpenReplyState(String(reply?.state)))
        : late && d.counts.open > 0,
      reply,
      todo,
    };
  });
  return { rows, total };
}

// ---------------------------------------------------------------- show

/** What a failed form sent, to put back into the same form with its error (422). */
export interface Failed {
  scope: 'dispatch' | 'reply';
  type: string;
  error: string;
  fields: Record<string, string>;
  values: Record<string, string>;
}

function dispatchActions(user: Express.User, d: DispatchRow, openReplies: number, failed: Failed | null) {
  const allowed = allowedDispatchEvents(JSON.parse(d.snapshot), { openReplies });
  const out = [];
  for (const type of allowed.filter((t) => mayActOnDispatch(user, t, d))) {
    let blocked: string | null = null;
    if (type === 'ISSUE' && pastDue(d.due_date))
      blocked = 'Hạn trả lời đã qua nên không thể ban hành; cần soạn lại công văn với hạn mới.';
    if (type === 'ISSUE' && !d.issuing_symbol)
      blocked = 'Đơn vị chưa có ký hiệu văn bản; quản trị cần bổ sung trước khi ban hành.';
    const f = failed?.scope === 'dispatch' && failed.type === type ? failed : null;
    out.push({
      type,
      label: DISPATCH_ACTION_LABELS[type],
      blocked,
      needsComment: type === 'REJECT',
      commentLabel: type === 'REJECT' ? 'Lý do trả lại' : 'Ý kiến (không bắt buộc)',
      confirm:
        type === 'ISSUE'
          ? `Ban hành công văn này? Công văn sẽ được cấp số ${d.issuing_symbol ? `…/${d.issuing_symbol}` : ''} và gửi đến ${JSON.parse(d.recipients).length} đơn vị; không thể sửa sau khi ban hành.`
          : type === 'CLOSE'
            ? 'Kết thúc việc xin ý kiến? Sau khi kết thúc không thể sửa bảng tổng hợp.'
            : null,
      danger: type === 'REJECT',
      error: f?.error ?? null,
      fields: f?.fields ?? {},
      comment: f?.values.comment ?? '',
    });
  }
  return out;
}

async function replyActions(db: Db, user: Express.User, r: ReplyRow, dispatchState: string, failed: Failed | null) {
  if (dispatchState !== 'issued') return [];
  const allowed = allowedReplyEvents(JSON.parse(r.snapshot)).filter((t) => mayActOnReply(user, t, r));
  const out = [];
  for (const type of allowed) {
    const f = failed?.scope === 'reply' && failed.type === type ? failed : null;
    const v = f?.values ?? {};
    let specialists = null;
    if (type === 'ASSIGN') {
      const rows = await activeStaffWithRoles(db, { unitIds: [r.unit_id], roles: ['specialist'] });
      const chosen = v.assignee ?? r.assignee_username ?? '';
      specialists = rows.map((s) => ({ username: s.username, fullName: s.full_name, selected: s.username === chosen }));
    }
    const position = v.position ?? r.position ?? '';
    out.push({
      type,
      label: type === 'ASSIGN' && r.state === 'assigned' ? 'Giao lại' : REPLY_ACTION_LABELS[type],
      specialists,
      positions:
        type === 'SUBMIT'
          ? REPLY_POSITIONS.map((p) => ({ value: p, label: REPLY_POSITION_LABELS[p], checked: p === position }))
          : null,
      content: type === 'SUBMIT' ? (v.content ?? r.content ?? '') : null,
      hasComment: type === 'APPROVE' || type === 'RETURN' || type === 'DECLINE',
      needsComment: type === 'RETURN' || type === 'DECLINE',
      commentLabel:
        type === 'RETURN'
          ? 'Lý do trả lại'
          : type === 'DECLINE'
            ? 'Lý do từ chối (ví dụ: nội dung không thuộc chức năng của đơn vị)'
            : 'Ý kiến (không bắt buộc)',
      confirm:
        type === 'DECLINE'
          ? 'Từ chối công văn này vì gửi nhầm đơn vị? Đơn vị soạn thảo sẽ nhận được lý do; không thể hoàn tác.'
          : null,
      danger: type === 'RETURN' || type === 'DECLINE',
      error: f?.error ?? null,
      fields: f?.fields ?? {},
      comment: v.comment ?? '',
    });
  }
  return out;
}

/**
 * The dossier a consultation was drafted for, named and linked only for whoever may see that dossier
 * (design.md §11: a recipient unit sees the dispatch, never the dossier's applicant data).
 */
async function consultedDossier(db: Db, user: Express.User, d: DispatchRow) {
  if (!d.dossier_code) return null;
  const row = await findDossierByCode(db, d.dossier_code);
  if (!row || !(await canSeeDossier(db, user, row))) return null;
  return { code: row.code, href: `/ho-so/${encodeURIComponent(row.code)}#lay-y-kien` };
}

/** Everything the dispatch page shows to this user, in its sender or recipient view. */
export async function showModel(
  db: Db,
  user: Express.User,
  d: DispatchRow,
  view: DispatchView,
  failed: Failed | null = null,
) {
  const json = dispatchJson(await dispatchDetail(db, d, view, user));
  const replies = await repliesOf(db, d.id);
  const open = replies.filter((r) => (OPEN_REPLY_STATES as readonly string[]).includes(r.state)).length;
  const late = pastDue(d.due_date);
  const own = view === 'recipient' ? (visibleReplies(user, view, replies)[0] ?? null) : null;
  const sender = view === 'sender';
  // Overdue in the header: any open reply for the sender, its own reply for a recipient.
  const mineOpen = sender ? open : own && isOpenReplyState(own.state) ? 1 : 0;
  return {
    d: {
      ...json,
      due: dayText(d.due_date),
      late: late && d.state === 'issued' && mineOpen > 0,
      ended: late && d.state === 'issued' && mineOpen === 0,
      symbol: d.issuing_symbol,
    },
    sender,
    actions: sender ? dispatchActions(user, d, open, failed) : [],
    // The drafter's own tools while it is a draft: "Sửa" and "Xóa".
    canEditDraft: sender && d.state === 'draft' && mayEditDraft(user, d),
    closeHint:
      sender && d.state === 'issued' && open > 0 && mayActOnDispatch(user, 'CLOSE', d)
        ? `Còn ${open} đơn vị chưa trả lời; chỉ kết thúc được khi mọi đơn vị đã trả lời hoặc đã hết hạn trả lời.`
        : null,
    canRemind: sender && mayRemind(user, d) && d.state === 'issued' && open > 0,
    open,
    tracking: sender
      ? json.recipients.map((r) => ({
          ...r,
          late: late && r.state != null && isOpenReplyState(r.state),
          shownPosition: r.state === 'replied' || r.state === 'deemed_agreed' ? r.positionText : null,
        }))
      : [],
    reply: own && {
      ...json.recipients[0],
      late: late && isOpenReplyState(own.state),
      actions: await replyActions(db, user, own, d.state, failed),
      canAttach: d.state === 'issued' && isOpenReplyState(own.state) && mayAttachToReply(user, own),
      fileError: failed?.scope === 'reply' && failed.type === 'ATTACH' ? failed.error || failed.fields.files : null,
    },
    files: await listDispatchFiles(db, d.id),
    dossier: await consultedDossier(db, user, d),
    events: await timelineWithNames(db, await dispatchEvents(db, d.id), own ? own.id : sender ? null : -1),
  };
}
