import type { Knex } from 'knex';
import { Invalid } from '../errors';
import { findUnitByCode, findUnitById } from '../queries/units.queries';
import { ProcedureStep, UNIT_COMPETENT, UNIT_PARENT } from '../../workflows/procedure';

/**
 * The unit that performs a step: the competent unit, its parent (inter-level), or a named unit; a
 * unit merged into another (design.md §13) hands its steps to its successor.
 */
export async function stepUnitId(
  db: Knex | Knex.Transaction,
  step: ProcedureStep,
  competentUnitId: number,
): Promise<number> {
  const target = step.unit ?? UNIT_COMPETENT;
  if (target === UNIT_COMPETENT) return competentUnitId;
  if (target === UNIT_PARENT) {
    const unit = await findUnitById(db, competentUnitId);
    if (!unit?.parentId)
      throw new Invalid(`Bước "${step.name}" do đơn vị cấp trên xử lý nhưng đơn vị có thẩm quyền không có cấp trên.`, {
        fields: { competentUnitCode: 'Đơn vị không có cấp trên' },
      });
    return successorOf(db, unit.parentId);
  }
  const unit = await findUnitByCode(db, target);
  if (!unit) throw new Invalid(`Bước "${step.name}" giao cho đơn vị "${target}" không còn tồn tại.`);
  return unit.mergedIntoId == null ? unit.id : successorOf(db, unit.mergedIntoId);
}

/** The unit itself, or the unit it was merged into (followed, merges may chain). */
async function successorOf(db: Knex | Knex.Transaction, unitId: number): Promise<number> {
  let id = unitId;
  for (let guard = 0; guard < 10; guard++) {
    const next = (await findUnitById(db, id))?.mergedIntoId;
    if (next == null) return id;
    id = next;
  }
  return id;
}
