import type { Db } from '../db';
import { actionableFilter, dossierVisibilityFilter } from '../policies/dossier.policy';
import { mayActOnDispatch, mayActOnReply } from '../policies/dispatch.policy';
import { countDossiers, dispatchCountsByState, replyCountsByState } from '../queries/work-counts.queries';
import type { DispatchEventType, ReplyEventType } from '../../workflows/dispatch';

/** Every kind of work waiting for one user, counted (home page and navigation). */
export interface WorkWaiting {
  /** Dossiers whose current step this user may act on (the work list's "Việc cần xử lý"). */
  dossiers: number;
  /** Dispatches of the user's unit waiting for approval, and approved ones waiting to be issued. */
  dispatchesToApprove: number;
  dispatchesToIssue: number;
  /** Replies of the user's unit to assign, to draft (assigned to this user), to approve. */
  repliesToAssign: number;
  repliesToDraft: number;
  repliesToApprove: number;
  /** All dispatch work: the sum of the five above. */
  dispatches: number;
}

/** The event that moves a dispatch on from each waiting state. */
const DISPATCH_NEXT: Record<string, DispatchEventType> = { pending_approval: 'APPROVE', approved: 'ISSUE' };
/** The event that moves a reply on from each waiting state. */
const REPLY_NEXT: Record<string, ReplyEventType> = {
  received: 'ASSIGN',
  assigned: 'SUBMIT',
  pending_approval: 'APPROVE',
};

/**
 * What waits for this user: the counts come from the unit's rows in each waiting state, kept only
 * where the dossier or dispatch policy says this user may send the next event.
 */
export async function workWaiting(db: Db, user: Express.User): Promise<WorkWaiting> {
  const none: WorkWaiting = {
    dossiers: 0,
    dispatchesToApprove: 0,
    dispatchesToIssue: 0,
    repliesToAssign: 0,
    repliesToDraft: 0,
    repliesToApprove: 0,
    dispatches: 0,
  };
  if (user.unitId == null) return none;
  const unitId = user.unitId;
  const visible = await dossierVisibilityFilter(db, user);
  const out = { ...none };
  out.dossiers = await countDossiers(db, [...(visible ? [visible] : []), actionableFilter(user)]);
  for (const { state, n } of await dispatchCountsByState(db, unitId, Object.keys(DISPATCH_NEXT))) {
    const type = DISPATCH_NEXT[state];
    if (!mayActOnDispatch(user, type, { issuing_unit_id: unitId })) continue;
    if (type === 'APPROVE') out.dispatchesToApprove += n;
    else out.dispatchesToIssue += n;
  }
  for (const { state, assignee_id, n } of await replyCountsByState(db, unitId, Object.keys(REPLY_NEXT))) {
    const type = REPLY_NEXT[state];
    if (!mayActOnReply(user, type, { unit_id: unitId, assignee_id })) continue;
    if (type === 'ASSIGN') out.repliesToAssign += n;
    else if (type === 'SUBMIT') out.repliesToDraft += n;
    else out.repliesToApprove += n;
  }
  out.dispatches =
    out.dispatchesToApprove + out.dispatchesToIssue + out.repliesToAssign + out.repliesToDraft + out.repliesToApprove;
  return out;
}
