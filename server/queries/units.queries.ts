import type { Knex } from 'knex';
import { searchText } from '../../workflows/text';
import { bool, num, str } from './normalise';

export type Level = 'province' | 'district' | 'commune';

export interface UnitRow {
  id: number;
  code: string;
  name: string;
  level: Level;
  parent_id: number | null;
  symbol: string | null;
  address: string | null;
  phone: string | null;
  active: boolean | number;
  merged_into_id?: number | null;
  created_at: number;
  updated_at: number;
}

export interface Unit {
  id: number;
  code: string;
  name: string;
  level: Level;
  parentId: number | null;
  parentCode: string | null;
  symbol: string | null;
  /** The desk's address and phone, for citizens. */
  address: string | null;
  phone: string | null;
  active: boolean;
  /** The unit it was merged into (design.md §13), null while it stands on its own. */
  mergedIntoId: number | null;
}

type Q = Knex | Knex.Transaction;

function toUnit(r: UnitRow & { parent_code?: string | null }): Unit {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    level: r.level,
    parentId: r.parent_id,
    parentCode: r.parent_code ?? null,
    symbol: r.symbol,
    address: r.address ?? null,
    phone: r.phone ?? null,
    active: Boolean(r.active),
    mergedIntoId: r.merged_into_id == null ? null : Number(r.merged_into_id),
  };
}

function base(db: Q) {
  return db('units as u').leftJoin('units as p', 'p.id', 'u.parent_id').select('u.*', 'p.code as parent_code');
}

export async function listUnits(db: Q): Promise<Unit[]> {
  const rows = await base(db).orderBy('u.code');
  return rows.map(toUnit);
}

export async function findUnitByCode(db: Q, code: string): Promise<Unit | null> {
  const r = await base(db).where('u.code', code).first();
  return r ? toUnit(r) : null;
}

export async function findUnitById(db: Q, id: number): Promise<Unit | null> {
  const r = await base(db).where('u.id', id).first();
  return r ? toUnit(r) : null;
}

export async function insertUnit(
  db: Q,
  u: {
    code: string;
    name: string;
    level: Level;
    parentId: number | null;
    symbol: string | null;
    address?: string | null;
    phone?: string | null;
  },
): Promise<number> {
  const now = Date.now();
  const [id] = await db('units').insert({
    code: u.code,
    name: u.name,
    search_text: searchText(u.code, u.name),
    level: u.level,
    parent_id: u.parentId,
    symbol: u.symbol,
    address: u.address ?? null,
    phone: u.phone ?? null,
    active: true,
    created_at: now,
    updated_at: now,
  });
  return Number(id);
}

export async function updateUnitRow(
  db: Q,
  id: number,
  patch: Partial<{
    name: string;
    level: Level;
    parent_id: number | null;
    symbol: string | null;
    address: string | null;
    phone: string | null;
    active: boolean;
  }>,
): Promise<void> {
  // The folded search column follows the name (the code never changes).
  const search =
    patch.name !== undefined
      ? { search_text: searchText((await db('units').where({ id }).first('code'))?.code, patch.name) }
      : {};
  await db('units')
    .where({ id })
    .update({ ...patch, ...search, updated_at: Date.now() });
}

/**
 * Ids of the unit and every unit below it (the tree is shallow: province → district → commune), and of
 * the units merged into any of them (design.md §13: the new unit carries its predecessors' archive).
 */
export async function subtreeIds(db: Q, rootId: number): Promise<number[]> {
  const all = (await db('units').select('id', 'parent_id', 'merged_into_id')) as Array<{
    id: number;
    parent_id: number | null;
    merged_into_id?: number | null;
  }>;
  const children = new Map<number, number[]>();
  for (const r of all) {
    for (const up of [r.parent_id, r.merged_into_id]) {
      if (up == null) continue;
      const list = children.get(Number(up)) ?? [];
      list.push(Number(r.id));
      children.set(Number(up), list);
    }
  }
  const out: number[] = [];
  const stack = [rootId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.includes(id)) continue;
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** Ids of the unit's ancestors, nearest first. */
export async function ancestorIds(db: Q, unitId: number): Promise<number[]> {
  const out: number[] = [];
  let cur: number | null = unitId;
  for (let guard = 0; cur != null && guard < 20; guard++) {
    const row: { parent_id: number | null } | undefined = await db('units').where({ id: cur }).first('parent_id');
    cur = row?.parent_id ?? null;
    if (cur != null) out.push(cur);
  }
  return out;
}

// ---------------------------------------------------------------- names by code (layers refactor, issue 12)

/** Unit names by code, for the codes that exist. */
export async function unitNamesByCode(db: Q, codes: readonly string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = (await db('units')
    .whereIn('code', [...codes])
    .select('code', 'name')) as Array<{
    code: string;
    name: string;
  }>;
  return new Map(rows.map((r) => [r.code, r.name]));
}

// ---------------------------------------------------------------- dispatch recipients (issue 12)

/** Codes and names of these units, by code (a draft's recipients before it is issued). */
export async function unitLabelsByIds(db: Q, ids: readonly number[]): Promise<Array<{ code: string; name: string }>> {
  if (!ids.length) return [];
  const rows = await db('units')
    .whereIn('id', [...ids])
    .orderBy('code')
    .select('code', 'name');
  return rows.map((r) => ({ code: str(r.code), name: str(r.name) }));
}

/** The units with these codes that exist, active or not. */
export async function unitsByCodes(
  db: Q,
  codes: readonly string[],
): Promise<Array<{ id: number; code: string; active: boolean }>> {
  if (!codes.length) return [];
  const rows = await db('units')
    .whereIn('code', [...codes])
    .select('id', 'code', 'active');
  return rows.map((r) => ({ id: num(r.id), code: str(r.code), active: bool(r.active) }));
}
