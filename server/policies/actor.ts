import type { Role } from '../../workflows/labels';

/**
 * Who is acting: a signed-in user, or the system (scheduled jobs such as reply expiry). The system
 * actor has no roles and no unit, so no role rule ever lets it act; each kind's policy names the
 * events the system may send.
 */
export type Actor = Express.User;

export const SYSTEM_ACTOR: Actor = Object.freeze({
  id: 0,
  username: 'he-thong',
  fullName: 'Hệ thống',
  email: null,
  unitId: null,
  unitCode: null,
  unitName: null,
  roles: [] as Role[],
  active: true,
});

export const isSystem = (actor: Actor): boolean => actor === SYSTEM_ACTOR;
export const isAdmin = (actor: Actor): boolean => actor.roles.includes('admin');
export const hasRole = (actor: Actor, ...roles: Role[]): boolean => roles.some((r) => actor.roles.includes(r));
/** The actor holds one of `roles` in unit `unitId`. */
export const actsIn = (actor: Actor, unitId: number | null, ...roles: Role[]): boolean =>
  unitId != null && actor.unitId === unitId && hasRole(actor, ...roles);

/**
 * A delegation in force today by which this actor may act for a leader (absence delegation): in the
 * leader's unit, in the leader's role, signing "KT." or "TUQ.".
 */
export interface ActiveDelegation {
  id: number;
  leaderId: number;
  leaderName: string;
  unitId: number;
  unitName: string;
  role: Role;
  kind: 'KT' | 'TUQ';
  deputyTitle: string | null;
  /** The period, Vietnam dates 'YYYY-MM-DD', both inclusive. */
  fromDate: string;
  toDate: string;
}

/** The delegation by which the actor may act in `role` in `unitId` for someone else, or null. */
export const delegationFor = (actor: Actor, unitId: number | null, role: Role): ActiveDelegation | null =>
  unitId == null || actor.unitId !== unitId
    ? null
    : (actor.delegations?.find((d) => d.unitId === unitId && d.role === role) ?? null);

/** The actor holds `role` in `unitId` themself ({@link actsIn}) or by a delegation in force today. */
export const actsInOrFor = (actor: Actor, unitId: number | null, role: Role): boolean =>
  actsIn(actor, unitId, role) || delegationFor(actor, unitId, role) !== null;
