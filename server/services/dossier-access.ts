import type { Knex } from 'knex';
import type { Db } from '../db';
import { Invalid, NotFound } from '../errors';
import { ancestorIds, subtreeIds } from '../queries/units.queries';
import { dossierUnitIds, DossierRow } from '../queries/dossiers.queries';
import { ProcedureStep, UNIT_COMPETENT, UNIT_PARENT } from '../../workflows/procedure';

type Q = Db | Knex.Transaction;

/**
 * Who sees a dossier (design.md §4): users of the receiving unit, of any unit that handled or
 * handles one of its steps, and of the units above the receiving unit. Admins see all, act on none.
 * Anyone else gets 404, never 403, so codes of other communes cannot be probed.
 */
export async function canSee(
  db: Q,
  user: Express.User,
  row: Pick<DossierRow, 'id' | 'receiving_unit_id'>,
): Promise<boolean> {
  if (user.roles.includes('admin')) return true;
  if (user.unitId == null) return false;
  if (user.unitId === row.receiving_unit_id) return true;
  if ((await dossierUnitIds(db, row.id)).includes(user.unitId)) return true;
  return (await ancestorIds(db, row.receiving_unit_id)).includes(user.unitId);
}

export async function assertVisible(db: Q, user: Express.User, row: DossierRow | null): Promise<DossierRow> {
  if (!row || !(await canSee(db, user, row))) throw new NotFound('Không tìm thấy hồ sơ.');
  return row;
}

/** A knex filter: dossiers this user may see (for lists and reports). */
export async function visibilityFilter(db: Q, user: Express.User): Promise<((qb: Knex.QueryBuilder) => void) | null> {
  if (user.roles.includes('admin')) return null;
  if (user.unitId == null) return (qb) => void qb.whereRaw('1 = 0');
  const units = await subtreeIds(db, user.unitId);
  const unitId = user.unitId;
  return (qb) =>
    void qb.where((w) =>
      w
        .whereIn('d.receiving_unit_id', units)
        .orWhereExists((s) =>
          s
            .select(db.raw('1'))
            .from('dossier_units as du')
            .whereRaw('du.dossier_id = d.id')
            .andWhere('du.unit_id', unitId),
        ),
    );
}

/** The unit that performs a step: the competent unit, its parent (inter-level), or a named unit. */
export async function stepUnitId(db: Q, step: ProcedureStep, competentUnitId: number): Promise<number> {
  const target = step.unit ?? UNIT_COMPETENT;
  if (target === UNIT_COMPETENT) return competentUnitId;
  if (target === UNIT_PARENT) {
    const row = await db('units').where({ id: competentUnitId }).first('parent_id');
    if (!row?.parent_id)
      throw new Invalid(`Bước "${step.name}" do đơn vị cấp trên xử lý nhưng đơn vị có thẩm quyền không có cấp trên.`, {
        fields: { competentUnitCode: 'Đơn vị không có cấp trên' },
      });
    return row.parent_id;
  }
  const unit = await db('units').where({ code: target }).first('id');
  if (!unit) throw new Invalid(`Bước "${step.name}" giao cho đơn vị "${target}" không còn tồn tại.`);
  return unit.id;
}
