import { Forbidden } from '../errors';
import { Actor, isAdmin } from './actor';

/**
 * The delegation policy (absence delegation): a leader of a unit names deputies for their own role
 * and revokes their own delegations; an admin sees and revokes every delegation but names no one.
 */
export const mayDelegate = (actor: Actor): boolean => actor.unitId != null && actor.roles.includes('leader');

export const mayManageDelegation = (actor: Actor, row: { leaderId: number }): boolean =>
  isAdmin(actor) || (mayDelegate(actor) && row.leaderId === actor.id);

/** 403 unless {@link mayManageDelegation}. */
export function assertMayManageDelegation(actor: Actor, row: { leaderId: number }): void {
  if (!mayManageDelegation(actor, row)) throw new Forbidden('Bạn chỉ thu hồi được ủy quyền do chính mình giao.');
}

/** Whose delegations an actor lists: an admin all, a leader their own. */
export const delegationScope = (actor: Actor): { leaderId?: number } => (isAdmin(actor) ? {} : { leaderId: actor.id });

/** A delegation counts for a user only while they are in the unit it was given in. */
export const delegationApplies = (user: { unitId: number | null }, d: { unitId: number }): boolean =>
  user.unitId != null && d.unitId === user.unitId;

type Person = { id: number; unitId: number | null; active: boolean; roles: readonly string[] };

/**
 * Why this user cannot be the leader's deputy (the form field's message), or null: another active
 * user of the leader's unit who does not hold the leader's role already.
 */
export function deputyProblem(leader: Actor, deputy: Person | null): string | null {
  if (!deputy || deputy.unitId == null || deputy.unitId !== leader.unitId)
    return 'Chọn người được ủy quyền trong đơn vị của bạn';
  if (deputy.id === leader.id) return 'Không thể ủy quyền cho chính mình';
  if (!deputy.active) return 'Tài khoản này đang bị khóa';
  if (deputy.roles.includes('leader')) return 'Người này đã là lãnh đạo UBND của đơn vị, không cần ủy quyền';
  return null;
}
