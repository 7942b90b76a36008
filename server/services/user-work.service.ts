import type { Knex } from 'knex';
import type { Db } from '../db';
import { withTransaction } from '../db';
import { Invalid, NotFound } from '../errors';
import * as users from '../queries/users.queries';
import * as work from '../queries/user-work.queries';
import { activeStaffWithRoles, type StaffRow } from '../queries/user-roles.queries';
import { deleteSessionsOfUser } from '../queries/sessions.queries';
import { revokeAllForUser } from '../auth/tokens';
import { appendDispatchEvent } from './audit';
import {
  mayBeGrantedIn,
  mayTakeOverDispatch,
  mayTakeOverReply,
  TAKE_OVER_ROLE,
  userActionableScope,
} from '../policies/user-work.policy';
import { OPEN_REPLY_STATES } from '../../workflows/dispatch';
import { ROLE_LABELS, STEP_ROLES, type Role, type StepRole } from '../../workflows/labels';
import { grantField, type DisableUserInput } from '../schemas/user-pages.schema';

type Q = Knex | Knex.Transaction;

/** What a user still owns or alone can move on: what disabling them would leave without an owner. */
export interface UserWork {
  /** Dispatches and consultations they drafted, not closed. */
  dispatches: work.OwnedDispatch[];
  /** Replies of their unit assigned to them, still open. */
  replies: work.OwnedReply[];
  /** Dossiers at a step only they may act on now. */
  dossiers: work.SoleDossier[];
  /** The step roles of those dossiers, each once. */
  soleRoles: StepRole[];
  total: number;
}

export async function userWork(db: Q, user: users.User): Promise<UserWork> {
  const [dispatches, replies, dossiers] = await Promise.all([
    work.dispatchesDraftedBy(db, user.id),
    work.repliesAssignedTo(db, user.id, OPEN_REPLY_STATES),
    user.unitId == null ? [] : work.dossiersOnlyUserHolds(db, user.id, userActionableScope(user)),
  ]);
  const soleRoles = STEP_ROLES.filter((r) => dossiers.some((d) => d.stepRole === r));
  return { dispatches, replies, dossiers, soleRoles, total: dispatches.length + replies.length + dossiers.length };
}

/** Who may be offered on the warning page: takers of drafts and replies, and grantees per sole role. */
export async function takeOverCandidates(
  db: Db,
  user: users.User,
  w: UserWork,
): Promise<{ takers: StaffRow[]; grantees: StaffRow[] }> {
  if (user.unitId == null) return { takers: [], grantees: [] };
  const others = (rows: StaffRow[]) => rows.filter((r) => r.id !== user.id);
  const grantees = w.soleRoles.length
    ? others(await activeStaffWithRoles(db, { unitIds: [user.unitId], roles: STEP_ROLES }))
    : [];
  // When they were the unit's only specialist, whoever is given the role below may take the work.
  const takers = !(w.dispatches.length + w.replies.length)
    ? []
    : w.soleRoles.includes(TAKE_OVER_ROLE)
      ? grantees
      : others(await activeStaffWithRoles(db, { unitIds: [user.unitId], roles: [TAKE_OVER_ROLE] }));
  return { takers, grantees };
}

export async function findUserOr404(db: Q, username: string): Promise<users.User> {
  const user = await users.findUserByUsername(db, username.toLowerCase());
  if (!user) throw new NotFound('Không tìm thấy người dùng.');
  return user;
}

const refuse = (field: string, message: string) => new Invalid(message, { fields: { [field]: message } });
const who = (u: users.User) => `${u.fullName} (${u.username})`;

async function taker(trx: Q, user: users.User, username: string | undefined, field: string): Promise<users.User> {
  if (!username) throw refuse(field, 'Chọn người nhận công việc.');
  const to = await users.findUserByUsername(trx, username);
  if (!to || to.id === user.id) throw refuse(field, 'Người nhận công việc không hợp lệ.');
  if (!to.active) throw refuse(field, `${who(to)} đã bị khóa, không nhận được công việc.`);
  return to;
}

/** Move drafts and replies to `to`, each recorded on the dispatch's history. */
async function handOver(trx: Knex.Transaction, admin: Express.User, user: users.User, to: users.User, w: UserWork) {
  const role = ROLE_LABELS[TAKE_OVER_ROLE].toLowerCase();
  if (!w.dispatches.every((d) => mayTakeOverDispatch(to, d)) || !w.replies.every((r) => mayTakeOverReply(to, r)))
    throw refuse(
      'to',
      `${who(to)} không phải ${role} của đơn vị nên không nhận được công văn, ý kiến của ${who(user)}.`,
    );
  await work.lockOwned(
    trx,
    w.dispatches.map((d) => d.id),
    w.replies.map((r) => r.id),
  );
  await work.moveDrafter(
    trx,
    w.dispatches.map((d) => d.id),
    user.id,
    to.id,
  );
  await work.moveAssignee(
    trx,
    w.replies.map((r) => r.id),
    user.id,
    to.id,
  );
  const now = Date.now();
  const event = (dispatchId: number, replyId: number | null, state: string) => ({
    dispatch_id: dispatchId,
    reply_id: replyId,
    type: 'REASSIGN',
    from_state: state,
    to_state: state,
    actor_id: admin.id,
    actor_username: admin.username,
    actor_name: admin.fullName,
    actor_unit_code: admin.unitCode,
    comment: `Chuyển từ ${user.fullName} sang ${to.fullName} do khóa tài khoản`,
    at: now,
  });
  for (const d of w.dispatches) await appendDispatchEvent(trx, event(d.id, null, d.state));
  for (const r of w.replies) await appendDispatchEvent(trx, event(r.dispatchId, r.id, r.state));
}

/** Give each role that only `user` held to the member of the unit the admin chose. */
async function grantSoleRoles(trx: Q, user: users.User, input: DisableUserInput, w: UserWork) {
  for (const role of w.soleRoles) {
    const field = grantField(role);
    const label = ROLE_LABELS[role as Role].toLowerCase();
    const grantee = await taker(trx, user, input[field], field);
    const units = new Set(w.dossiers.filter((d) => d.stepRole === role).map((d) => d.handlingUnitId));
    if (![...units].every((u) => mayBeGrantedIn(grantee, u)))
      throw refuse(field, `${who(grantee)} không thuộc đơn vị đang giữ hồ sơ nên không giao được vai trò ${label}.`);
    await work.grantRole(trx, grantee.id, role);
  }
}

/**
 * Disable a user who may still have work (issue 16), in one transaction: `reassign` hands their
 * drafts and replies to `to` (a specialist of the same unit) and gives each role only they held to
 * the person chosen for it; `force` leaves the work where it is. No state changes: only owners.
 * A wrong choice is refused with the reason and changes nothing.
 */
export async function disableUser(
  db: Db,
  admin: Express.User,
  username: string,
  input: DisableUserInput,
): Promise<{ user: users.User; moved: number; granted: StepRole[] }> {
  return withTransaction(db, async (trx) => {
    const user = await findUserOr404(trx, username);
    const w = await userWork(trx, user);
    let moved = 0;
    let granted: StepRole[] = [];
    if (input.mode === 'reassign' && user.active) {
      // Roles first: the one given the role only this user held may be the one who takes the drafts.
      await grantSoleRoles(trx, user, input, w);
      granted = w.soleRoles;
      if (w.dispatches.length + w.replies.length) {
        await handOver(trx, admin, user, await taker(trx, user, input.to, 'to'), w);
        moved = w.dispatches.length + w.replies.length;
      }
    }
    await users.updateUserRow(trx, user.id, { active: false });
    await deleteSessionsOfUser(trx, user.id);
    await revokeAllForUser(trx, user.id);
    return { user, moved, granted };
  });
}
