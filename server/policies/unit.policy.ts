import type { Knex } from 'knex';
import { subtreeIds } from '../queries/units.queries';
import { Actor, isAdmin } from './actor';

type Q = Knex | Knex.Transaction;

/**
 * The unit policy: whose figures, registers and lists a user may read. Staff read their own unit
 * and the units below it (supervision); admins read every unit. Anything else is 404 to the caller.
 */

/** Unit ids this actor may report on; null means every unit (admin). */
export async function reportableUnitIds(db: Q, actor: Actor): Promise<number[] | null> {
  if (isAdmin(actor)) return null;
  return actor.unitId == null ? [] : subtreeIds(db, actor.unitId);
}

export async function mayReportOn(db: Q, actor: Actor, unitId: number): Promise<boolean> {
  const ids = await reportableUnitIds(db, actor);
  return ids === null || ids.includes(unitId);
}

/** Only an admin may ask for a report over every unit at once (no unit named). */
export const mayReportOnAllUnits = (actor: Actor): boolean => isAdmin(actor);
