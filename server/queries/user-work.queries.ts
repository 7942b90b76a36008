import type { Knex } from 'knex';
import { forUpdate } from '../db';
import type { Role } from '../../workflows/labels';
import { num, numOrNull, str } from './normalise';

type Q = Knex | Knex.Transaction;

/*
 * What a user still owns or alone can move on (before the admin disables them), and the ownership
 * moves that hand it over. Only ownership columns are written here (`created_by`, `assignee_id`,
 * `user_roles`): state stays the engine's.
 */

/** A dispatch (or a dossier's consultation) drafted by the user, not closed or deleted. */
export interface OwnedDispatch {
  id: number;
  title: string;
  state: string;
  issuingUnitId: number;
  dossierId: number | null;
}

/** A reply of a recipient unit assigned to the user, still open. */
export interface OwnedReply {
  id: number;
  dispatchId: number;
  title: string;
  state: string;
  unitId: number;
  unitCode: string;
}

/** A dossier waiting at a step whose role, in its handling unit, no other active user holds. */
export interface SoleDossier {
  code: string;
  applicantName: string;
  state: string;
  stepRole: Role;
  handlingUnitId: number;
}

const OPEN_DISPATCH_STATES = ['draft', 'pending_approval', 'approved', 'issued'];

export async function dispatchesDraftedBy(db: Q, userId: number): Promise<OwnedDispatch[]> {
  const rows = await db('dispatches')
    .where('created_by', userId)
    .whereIn('state', OPEN_DISPATCH_STATES)
    .orderBy('id')
    .select('id', 'title', 'state', 'issuing_unit_id', 'dossier_id');
  return rows.map((r) => ({
    id: num(r.id),
    title: str(r.title),
    state: str(r.state),
    issuingUnitId: num(r.issuing_unit_id),
    dossierId: numOrNull(r.dossier_id),
  }));
}

export async function repliesAssignedTo(db: Q, userId: number, openStates: readonly string[]): Promise<OwnedReply[]> {
  const rows = await db('dispatch_replies as r')
    .join('dispatches as d', 'd.id', 'r.dispatch_id')
    .join('units as u', 'u.id', 'r.unit_id')
    .where('r.assignee_id', userId)
    .whereIn('r.state', [...openStates])
    .orderBy('r.id')
    .select('r.id', 'r.dispatch_id', 'd.title', 'r.state', 'r.unit_id', 'u.code as unit_code');
  return rows.map((r) => ({
    id: num(r.id),
    dispatchId: num(r.dispatch_id),
    title: str(r.title),
    state: str(r.state),
    unitId: num(r.unit_id),
    unitCode: str(r.unit_code),
  }));
}

/**
 * The dossiers `scope` keeps (the policy's "may act on now" filter for the user, on `dossiers as d`)
 * whose step role no other active user of the handling unit holds.
 */
export async function dossiersOnlyUserHolds(
  db: Q,
  userId: number,
  scope: (qb: Knex.QueryBuilder) => void,
): Promise<SoleDossier[]> {
  const rows = await db('dossiers as d')
    .modify(scope)
    .whereNotExists((e) =>
      e
        .select(1)
        .from('users as o')
        .join('user_roles as orl', 'orl.user_id', 'o.id')
        .whereRaw('o.unit_id = d.handling_unit_id')
        .whereRaw('orl.role = d.step_role')
        .where('o.active', true)
        .whereNot('o.id', userId),
    )
    .orderBy('d.code')
    .select('d.code', 'd.applicant_name', 'd.state', 'd.step_role', 'd.handling_unit_id');
  return rows.map((r: Record<string, unknown>) => ({
    code: str(r.code),
    applicantName: str(r.applicant_name),
    state: str(r.state),
    stepRole: str(r.step_role) as Role,
    handlingUnitId: num(r.handling_unit_id),
  }));
}

/** Lock the rows about to change hands (MySQL `FOR UPDATE`), so no event slips in between. */
export async function lockOwned(trx: Knex.Transaction, dispatchIds: number[], replyIds: number[]): Promise<void> {
  if (dispatchIds.length) await forUpdate(trx, trx('dispatches').whereIn('id', dispatchIds).select('id'));
  if (replyIds.length) await forUpdate(trx, trx('dispatch_replies').whereIn('id', replyIds).select('id'));
}

/** The drafter of these dispatches becomes `toId` (only while `fromId` still is, and it is still open). */
export async function moveDrafter(trx: Q, ids: number[], fromId: number, toId: number): Promise<number> {
  if (!ids.length) return 0;
  return trx('dispatches')
    .whereIn('id', ids)
    .where('created_by', fromId)
    .whereIn('state', OPEN_DISPATCH_STATES)
    .update({ created_by: toId, updated_at: Date.now() });
}

/** These replies are assigned to `toId` instead of `fromId`. */
export async function moveAssignee(trx: Q, ids: number[], fromId: number, toId: number): Promise<number> {
  if (!ids.length) return 0;
  return trx('dispatch_replies')
    .whereIn('id', ids)
    .where('assignee_id', fromId)
    .update({ assignee_id: toId, updated_at: Date.now() });
}

/** Give a user one more role (nothing when they hold it already). */
export async function grantRole(trx: Q, userId: number, role: Role): Promise<void> {
  const has = await trx('user_roles').where({ user_id: userId, role }).first('user_id');
  if (!has) await trx('user_roles').insert({ user_id: userId, role });
}
