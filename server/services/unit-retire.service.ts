import type { Knex } from 'knex';
import type { Db } from '../db';
import { withTransaction } from '../db';
import { Invalid, NotFound } from '../errors';
import { findUnitByCode, listUnits, type Unit } from '../queries/units.queries';
import * as q from '../queries/unit-merge.queries';

/**
 * Retiring a unit (Ngừng hoạt động, design.md §13): the one check both ways of retiring go through
 * (`PATCH /api/v1/units/:code {"active":false}`, the unit's edit form, the retire button). A unit
 * with work still in progress there cannot just stop: the admin merges it into its successor, which
 * takes that work over.
 */

/** Why a unit cannot stop working now: in-progress dossiers, open replies or dispatches, active users or units below it. */
export async function retireRefusals(db: Db | Knex.Transaction, unit: Unit): Promise<string[]> {
  const out: string[] = [];
  if (!unit.active) out.push(`Đơn vị ${unit.name} đã ngừng hoạt động.`);
  const dossiers = (await q.openDossiersOfUnit(db, unit.id)).length;
  if (dossiers) out.push(`Còn ${dossiers} hồ sơ đang giải quyết.`);
  const replies = (await q.openRepliesToUnit(db, unit.id)).length;
  if (replies) out.push(`Còn ${replies} công văn xin ý kiến chưa trả lời.`);
  const dispatches = (await q.openDispatchesOfUnit(db, unit.id)).length;
  if (dispatches) out.push(`Còn ${dispatches} công văn do đơn vị ban hành chưa kết thúc.`);
  const users = await q.activeUserCount(db, unit.id);
  if (users) out.push(`Còn ${users} người dùng đang hoạt động.`);
  const children = (await listUnits(db)).filter((u) => u.parentId === unit.id && u.active).length;
  if (children) out.push(`Còn ${children} đơn vị trực thuộc đang hoạt động.`);
  return out;
}

/** 422 naming what is left at the unit (and suggesting the merge) unless it may stop working now. */
export async function assertRetirable(db: Db | Knex.Transaction, unit: Unit): Promise<void> {
  const reasons = await retireRefusals(db, unit);
  if (!reasons.length) return;
  const message =
    `Chưa thể ngừng hoạt động ${unit.name}: ${reasons.join(' ')} ` +
    'Hãy sáp nhập đơn vị vào đơn vị kế thừa để chuyển các việc này, hoặc giải quyết xong trước.';
  throw new Invalid(message, { fields: { active: message }, reasons });
}

/**
 * Retire a unit (the retire button): only when nothing is in progress there ({@link assertRetirable}).
 * Its finished dossiers keep its name.
 */
export async function retireUnit(db: Db, code: string): Promise<Unit> {
  return withTransaction(db, async (trx) => {
    const unit = await findUnitByCode(trx, code);
    if (!unit) throw new NotFound('Không tìm thấy đơn vị.');
    await q.lockUnits(trx, [unit.id]);
    await assertRetirable(trx, unit);
    await q.retireUnitRow(trx, unit.id, Date.now());
    return { ...unit, active: false };
  });
}
