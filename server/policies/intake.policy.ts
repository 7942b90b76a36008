import type { Actor } from './actor';
import type { ProcedureDefinition } from '../../workflows/procedure';

/**
 * The intake policy: which procedures a desk receives. A procedure that names a level (cấp tỉnh,
 * huyện, xã) is received by desks of units of that level; one that names none, by any desk.
 */

/** The desk officer's own unit among `units` (undefined for a user without a unit). */
export function deskUnitOf<U extends { id: number }>(actor: Actor, units: readonly U[]): U | undefined {
  return units.find((u) => u.id === actor.unitId);
}

/** True when a desk of `unit` receives this procedure. */
export function mayReceiveProcedure(
  def: Pick<ProcedureDefinition, 'level'>,
  unit: { level: string } | undefined,
): boolean {
  return !def.level || !unit || def.level === unit.level;
}
