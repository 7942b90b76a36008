import type { Knex } from 'knex';
import type { StepRole } from '../../workflows/labels';
import { actionableFilter } from './dossier.policy';
import { type Actor, actsIn } from './actor';

/**
 * Who may take over the work of a user the admin disables (issue 16): the rules are the dispatch
 * policy's, read from the new owner's side. Deny by default.
 */

/** A dispatch's drafter is a specialist of its issuing unit (mayEditDraft). */
export const mayTakeOverDispatch = (to: Actor, d: { issuingUnitId: number }): boolean =>
  to.active && actsIn(to, d.issuingUnitId, 'specialist');

/** A reply is assigned to a specialist of the recipient unit (mayActOnReply SUBMIT). */
export const mayTakeOverReply = (to: Actor, r: { unitId: number }): boolean =>
  to.active && actsIn(to, r.unitId, 'specialist');

/** The role a person takes over drafts and replies in. */
export const TAKE_OVER_ROLE: StepRole = 'specialist';

/** Who may be given a role that only the disabled user held in a unit: an active member of that unit. */
export const mayBeGrantedIn = (to: Actor, unitId: number): boolean => to.active && to.unitId === unitId;

/** The dossiers the user may act on now (the dossier policy's "my work"): where to look for sole holders. */
export const userActionableScope = (user: Actor): ((qb: Knex.QueryBuilder) => void) => actionableFilter(user);
