import type { Knex } from 'knex';
import type { ProcedureDefinition } from '../../workflows/procedure';

type Q = Knex | Knex.Transaction;

export interface ProcedureVersion {
  id: number;
  code: string;
  version: number;
  definition: ProcedureDefinition;
  createdAt: number;
}

function toVersion(r: {
  id: number;
  code: string;
  version: number;
  definition: string;
  created_at: number;
}): ProcedureVersion {
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    definition: JSON.parse(r.definition),
    createdAt: Number(r.created_at),
  };
}

const base = (db: Q) =>
  db('procedure_versions as v')
    .join('procedures as p', 'p.id', 'v.procedure_id')
    .select('v.id', 'p.code', 'v.version', 'v.definition', 'v.created_at');

/** The latest version, or a given one. */
export async function findVersion(db: Q, code: string, version?: number): Promise<ProcedureVersion | null> {
  const q = base(db).where('p.code', code);
  if (version) q.andWhere('v.version', version);
  else q.andWhereRaw('v.version = p.latest_version');
  const r = await q.first();
  return r ? toVersion(r) : null;
}

export async function findVersionById(db: Q, id: number): Promise<ProcedureVersion | null> {
  const r = await base(db).where('v.id', id).first();
  return r ? toVersion(r) : null;
}

export async function listLatest(
  db: Q,
  opts: { offset: number; limit: number; q?: string },
): Promise<{ items: ProcedureVersion[]; total: number }> {
  const where = (qb: Knex.QueryBuilder) => {
    if (opts.q) qb.where((w) => w.where('p.code', 'like', `%${opts.q}%`).orWhere('p.name', 'like', `%${opts.q}%`));
  };
  const rows = await base(db)
    .whereRaw('v.version = p.latest_version')
    .modify(where)
    .orderBy('p.code')
    .offset(opts.offset)
    .limit(opts.limit);
  const [{ n }] = await db('procedures as p').modify(where).count<{ n: number }[]>({ n: '*' });
  return { items: rows.map(toVersion), total: Number(n) };
}

export async function listVersions(db: Q, code: string): Promise<Array<{ version: number; createdAt: number }>> {
  const rows = await db('procedure_versions as v')
    .join('procedures as p', 'p.id', 'v.procedure_id')
    .where('p.code', code)
    .orderBy('v.version')
    .select('v.version', 'v.created_at');
  return rows.map((r) => ({ version: r.version, createdAt: Number(r.created_at) }));
}

// ---------------------------------------------------------------- writing versions (layers refactor, issue 12)

import { forUpdate } from '../db';

/** The procedure with this code, locked for the rest of the transaction (MySQL), or null. */
export async function lockProcedureByCode(
  trx: Knex.Transaction,
  code: string,
): Promise<{ id: number; latestVersion: number } | null> {
  const row = await forUpdate(trx, trx('procedures').where({ code })).first('id', 'latest_version');
  return row ? { id: Number(row.id), latestVersion: Number(row.latest_version) } : null;
}

export async function insertProcedure(db: Q, p: { code: string; name: string; now: number }): Promise<number> {
  const [id] = await db('procedures').insert({
    code: p.code,
    name: p.name,
    latest_version: 0,
    created_at: p.now,
    updated_at: p.now,
  });
  return Number(id);
}

export async function insertProcedureVersion(
  db: Q,
  v: { procedureId: number; version: number; definition: ProcedureDefinition; createdBy: number | null; now: number },
): Promise<void> {
  await db('procedure_versions').insert({
    procedure_id: v.procedureId,
    version: v.version,
    definition: JSON.stringify(v.definition),
    created_by: v.createdBy,
    created_at: v.now,
  });
}

export async function setLatestVersion(
  db: Q,
  procedureId: number,
  p: { version: number; name: string; now: number },
): Promise<void> {
  await db('procedures')
    .where({ id: procedureId })
    .update({ latest_version: p.version, name: p.name, updated_at: p.now });
}
