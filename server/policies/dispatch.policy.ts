import { DISPATCH_EVENT_WORDS } from '../../workflows/labels';
import type { Knex } from 'knex';
import { Forbidden, NotFound } from '../errors';
import { subtreeIds } from '../queries/units.queries';
import type { DispatchRow, ReplyRow } from '../queries/dispatches.queries';
import type { DispatchEventType, ReplyEventType } from '../../workflows/dispatch';
import type { Role } from '../../workflows/labels';
import { Actor, actsIn, hasRole, isAdmin, isSystem } from './actor';

type Q = Knex | Knex.Transaction;

/**
 * The dispatch policy (design.md §6): who sees a comment-solicitation dispatch and its replies, who
 * may send each event, attach, answer with tiếp thu / giải trình, remind and export. Written once;
 * the engine and the services enforce it, the pages ask it what to show. Deny by default.
 */

/** 'sender': the issuing unit and the units above it; 'recipient': a recipient unit once issued. */
export type DispatchView = 'sender' | 'recipient';

const UNISSUED = ['draft', 'pending_approval', 'approved'];

/** How this actor sees the dispatch, or null when it may not see it at all (404). */
export async function dispatchView(
  db: Q,
  actor: Actor,
  d: Pick<DispatchRow, 'issuing_unit_id' | 'recipients' | 'state'>,
): Promise<DispatchView | null> {
  // A deleted draft is gone for every reader (404); its events stay for the audit.
  if (d.state === 'deleted') return null;
  if (isAdmin(actor)) return 'sender';
  if (actor.unitId == null) return null;
  if ((await subtreeIds(db, actor.unitId)).includes(d.issuing_unit_id)) return 'sender';
  const recipients = JSON.parse(d.recipients) as number[];
  if (!UNISSUED.includes(d.state) && recipients.includes(actor.unitId)) return 'recipient';
  return null;
}

export const DISPATCH_EVENT_ROLES: Record<DispatchEventType, Role[]> = {
  SUBMIT: ['specialist'],
  APPROVE: ['head', 'leader'],
  REJECT: ['head', 'leader'],
  ISSUE: ['clerk'],
  CLOSE: ['specialist', 'leader'],
};

const refuse = (type: string) =>
  new Forbidden(`Bạn không có quyền "${DISPATCH_EVENT_WORDS[type] ?? type}" ở công văn này.`);

/** A dispatch event is sent by the issuing unit's staff in the role the event needs. */
export function mayActOnDispatch(actor: Actor, type: DispatchEventType, d: Pick<DispatchRow, 'issuing_unit_id'>) {
  return actsIn(actor, d.issuing_unit_id, ...DISPATCH_EVENT_ROLES[type]);
}

export function assertMayActOnDispatch(actor: Actor, type: DispatchEventType, d: Pick<DispatchRow, 'issuing_unit_id'>) {
  if (!mayActOnDispatch(actor, type, d)) throw refuse(type);
}

/** Only a specialist of a unit drafts a dispatch (and attaches its files while drafting). */
export function mayCreateDispatch(actor: Actor): boolean {
  return actor.unitId != null && hasRole(actor, 'specialist');
}

export function assertMayCreateDispatch(actor: Actor): void {
  if (!mayCreateDispatch(actor)) throw new Forbidden('Chỉ chuyên viên được soạn công văn xin ý kiến.');
}

/**
 * A reply event is the recipient unit's: ASSIGN (and DECLINE, for a request sent to the wrong unit)
 * by its head, leader or clerk; SUBMIT by the
 * assigned specialist; APPROVE and RETURN by its head or leader. EXPIRE is the system's alone.
 */
export function mayActOnReply(
  actor: Actor,
  type: ReplyEventType,
  r: Pick<ReplyRow, 'unit_id' | 'assignee_id'>,
): boolean {
  switch (type) {
    case 'EXPIRE':
      return isSystem(actor);
    case 'SUBMIT':
      return r.assignee_id != null && actor.id === r.assignee_id && actor.unitId === r.unit_id;
    case 'ASSIGN':
    case 'DECLINE':
      return actsIn(actor, r.unit_id, 'head', 'leader', 'clerk');
    default:
      return actsIn(actor, r.unit_id, 'head', 'leader');
  }
}

export function assertMayActOnReply(actor: Actor, type: ReplyEventType, r: Pick<ReplyRow, 'unit_id' | 'assignee_id'>) {
  if (mayActOnReply(actor, type, r)) return;
  if (type === 'SUBMIT') throw new Forbidden('Chỉ chuyên viên được giao mới soạn ý kiến trả lời.');
  throw refuse(type);
}

/** The replies this view shows: all of them to the sender side, its own to a recipient unit. */
export function visibleReplies<R extends Pick<ReplyRow, 'unit_id'>>(
  actor: Actor,
  view: DispatchView,
  replies: R[],
): R[] {
  return view === 'recipient' ? replies.filter((r) => r.unit_id === actor.unitId) : replies;
}

/** A dispatch is never sent to the drafter's own unit. */
export const isOwnUnit = (actor: Actor, unitId: number): boolean => actor.unitId === unitId;

/** A recipient sees only its own reply; the sender side sees every reply (404 otherwise). */
export function assertCanSeeReply(actor: Actor, view: DispatchView, r: Pick<ReplyRow, 'unit_id'> | null): void {
  if (!r || (view === 'recipient' && r.unit_id !== actor.unitId))
    throw new NotFound('Không tìm thấy ý kiến của đơn vị này.');
}

/**
 * The drafting unit answers each reply (tiếp thu / giải trình) before CLOSE: its specialists, heads
 * and leaders. Supervising units above it read only.
 */
export function mayRespond(actor: Actor, d: Pick<DispatchRow, 'issuing_unit_id'>): boolean {
  return actsIn(actor, d.issuing_unit_id, 'specialist', 'head', 'leader');
}

export function assertMayRespond(actor: Actor, d: Pick<DispatchRow, 'issuing_unit_id'>): void {
  if (!mayRespond(actor, d)) throw new Forbidden('Chỉ đơn vị soạn thảo được ghi ý kiến tiếp thu, giải trình.');
}

/** "Remind the rest": anyone of the issuing unit (not the units above it, which only read). */
export function mayRemind(actor: Actor, d: Pick<DispatchRow, 'issuing_unit_id'>): boolean {
  return actor.unitId != null && actor.unitId === d.issuing_unit_id;
}

/** The synthesis (page, print, CSV, XLSX) is the sender side's; recipients see only their reply. */
export function mayReadSynthesis(view: DispatchView | null): boolean {
  return view === 'sender';
}

/** Only the specialist who drafted a dispatch edits or deletes it (and only while it is a draft: the machine). */
export function mayEditDraft(actor: Actor, d: Pick<DispatchRow, 'created_by' | 'issuing_unit_id'>): boolean {
  return !isSystem(actor) && actor.id === d.created_by && actsIn(actor, d.issuing_unit_id, 'specialist');
}

export function assertMayEditDraft(actor: Actor, d: Pick<DispatchRow, 'created_by' | 'issuing_unit_id'>): void {
  if (!mayEditDraft(actor, d)) throw new Forbidden('Chỉ người soạn dự thảo được sửa hoặc xóa dự thảo này.');
}

/**
 * Files on a reply: the recipient unit's assigned specialist, or its head or leader, while the reply
 * is still being written (the machine's open states; the engine's kind checks the state).
 */
export function mayAttachToReply(actor: Actor, r: Pick<ReplyRow, 'unit_id' | 'assignee_id'>): boolean {
  if (isSystem(actor) || actor.unitId !== r.unit_id) return false;
  return (r.assignee_id != null && actor.id === r.assignee_id) || actsIn(actor, r.unit_id, 'head', 'leader');
}

export function assertMayAttachToReply(actor: Actor, r: Pick<ReplyRow, 'unit_id' | 'assignee_id'>): void {
  if (!mayAttachToReply(actor, r))
    throw new Forbidden('Chỉ chuyên viên được giao hoặc lãnh đạo đơn vị nhận được đính kèm tệp vào ý kiến.');
}

/**
 * A file of a reply is read by the sender side and by the reply's own unit; a dispatch's own files
 * by whoever sees the dispatch (404 otherwise, as for the reply itself).
 */
export function mayReadFile(actor: Actor, view: DispatchView, replyUnitId: number | null): boolean {
  return replyUnitId == null || view === 'sender' || actor.unitId === replyUnitId;
}
