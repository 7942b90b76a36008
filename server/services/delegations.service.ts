import type { Db } from '../db';
import { withTransaction } from '../db';
import { Invalid, NotAllowed, NotFound } from '../errors';
import type { ActiveDelegation, Actor } from '../policies/actor';
import {
  assertMayManageDelegation,
  delegationApplies,
  delegationScope,
  deputyProblem,
  mayDelegate,
} from '../policies/delegation.policy';
import {
  activeDelegationsTo,
  DelegationRow,
  findDelegation,
  insertDelegation,
  listDelegations,
  livePeriodsOf,
  revokeDelegationRow,
} from '../queries/delegations.queries';
import { findUserById, listUsers, User } from '../queries/users.queries';
import { vnDate } from '../../workflows/calendar';
import { delegationProblems, DelegationKind } from '../../workflows/delegation';

/** "Today" as delegations count it: the Vietnam date of the app clock. */
export const delegationDay = (now = Date.now()): string => vnDate(new Date(now));

/**
 * The user with the delegations in force today that let them act for a leader of their own unit
 * (passport and the bearer token call this on every request, so a delegation starts and ends by
 * itself at midnight and a revocation takes effect at once).
 */
export async function withDelegations<U extends User>(db: Db, user: U, now = Date.now()): Promise<U> {
  if (user.unitId == null) return user;
  const rows = await activeDelegationsTo(db, user.id, delegationDay(now));
  const delegations: ActiveDelegation[] = rows
    .filter((d) => delegationApplies(user, d))
    .map((d) => ({
      id: d.id,
      leaderId: d.leaderId,
      leaderName: d.leaderName,
      unitId: d.unitId,
      unitName: d.unitName,
      role: d.role,
      kind: d.kind,
      deputyTitle: d.deputyTitle,
      fromDate: d.fromDate,
      toDate: d.toDate,
    }));
  return { ...user, delegations };
}

/** The delegations an actor manages: their own (a leader), or all (an admin). */
export async function delegationsOf(db: Db, actor: Actor): Promise<DelegationRow[]> {
  return listDelegations(db, delegationScope(actor));
}

/** Who a leader may name: the other active users of their unit who do not already hold the role. */
export async function deputyCandidates(db: Db, actor: Actor): Promise<User[]> {
  if (actor.unitId == null) return [];
  const users = await listUsers(db, { unitIds: [actor.unitId] });
  return users.filter((u) => deputyProblem(actor, u) === null);
}

export interface DelegationInput {
  deputyId: number;
  kind: DelegationKind;
  fromDate: string;
  toDate: string;
  deputyTitle: string | null;
  reason: string;
}

/**
 * A leader names a deputy for a period (role `leader` of the leader's unit). Refused with the field
 * to fix (422): the deputy is the leader, not of the unit, inactive or already a leader; the period
 * is backwards or over; it shares a day with another live delegation of this leader.
 */
export async function createDelegation(
  db: Db,
  actor: Actor,
  input: DelegationInput,
  now = Date.now(),
): Promise<number> {
  if (!mayDelegate(actor)) throw new NotAllowed('Chỉ lãnh đạo UBND của một đơn vị mới ủy quyền khi vắng mặt.');
  // One transaction: the overlap check and the insert see the same delegations (and a form token is kept).
  return withTransaction(db, async (trx) => {
    const today = delegationDay(now);
    const deputy = await findUserById(trx, input.deputyId);
    const problem = deputyProblem(actor, deputy);
    const problems = {
      ...delegationProblems(
        { fromDate: input.fromDate, toDate: input.toDate },
        today,
        await livePeriodsOf(trx, actor.id, 'leader', today),
      ),
      ...(problem ? { deputyId: problem } : {}),
    };
    if (Object.keys(problems).length) throw new Invalid('Chưa lưu được ủy quyền.', { fields: problems });
    return insertDelegation(trx, {
      leader_id: actor.id,
      deputy_id: input.deputyId,
      unit_id: actor.unitId!,
      role: 'leader',
      kind: input.kind,
      from_date: input.fromDate,
      to_date: input.toDate,
      deputy_title: input.deputyTitle,
      reason: input.reason,
      created_by: actor.id,
      created_at: now,
    });
  });
}

/** The leader who gave it (or an admin) revokes a delegation: from now on the deputy no longer acts by it. */
export async function revokeDelegation(db: Db, actor: Actor, id: number, now = Date.now()): Promise<DelegationRow> {
  const row = await findDelegation(db, id);
  if (!row) throw new NotFound('Không tìm thấy ủy quyền.');
  assertMayManageDelegation(actor, row);
  if (row.revokedAt != null || !(await revokeDelegationRow(db, id, actor.id, now)))
    throw new NotAllowed('Ủy quyền này đã được thu hồi trước đó.');
  return row;
}
