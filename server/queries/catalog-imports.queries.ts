import type { Knex } from 'knex';
import { forUpdate } from '../db';
import type { ProcedureDefinition } from '../../workflows/procedure';

type Q = Knex | Knex.Transaction;

/** Codes per `IN (…)` and rows per multi-row INSERT: well under SQLite's and MySQL's limits. */
const CHUNK = 400;
const INSERT_CHUNK = 100;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------- pending imports

export interface CatalogImportRow {
  id: number;
  token: string;
  userId: number;
  fileName: string;
  fileHash: string;
  status: 'pending' | 'done';
  payload: string;
  result: string | null;
  createdAt: number;
  confirmedAt: number | null;
}

function toImport(r: Record<string, unknown>): CatalogImportRow {
  return {
    id: Number(r.id),
    token: String(r.token),
    userId: Number(r.user_id),
    fileName: String(r.file_name),
    fileHash: String(r.file_hash),
    status: r.status === 'done' ? 'done' : 'pending',
    payload: String(r.payload),
    result: r.result == null ? null : String(r.result),
    createdAt: Number(r.created_at),
    confirmedAt: r.confirmed_at == null ? null : Number(r.confirmed_at),
  };
}

export async function insertImport(
  db: Q,
  i: { token: string; userId: number; fileName: string; fileHash: string; payload: string; now: number },
): Promise<number> {
  const [id] = await db('catalog_imports').insert({
    token: i.token,
    user_id: i.userId,
    file_name: i.fileName,
    file_hash: i.fileHash,
    status: 'pending',
    payload: i.payload,
    created_at: i.now,
  });
  return Number(id);
}

/** The import with this token, locked for the rest of the transaction (MySQL), or null. */
export async function lockImportByToken(trx: Knex.Transaction, token: string): Promise<CatalogImportRow | null> {
  const r = await forUpdate(trx, trx('catalog_imports').where({ token })).first();
  return r ? toImport(r) : null;
}

/** An import without its (large) payload. */
export async function findImport(db: Q, id: number): Promise<CatalogImportRow | null> {
  const r = await db('catalog_imports')
    .where({ id })
    .first('id', 'token', 'user_id', 'file_name', 'file_hash', 'status', 'result', 'created_at', 'confirmed_at');
  return r ? toImport({ ...r, payload: '' }) : null;
}

export async function markImportDone(trx: Q, id: number, result: string, now: number): Promise<void> {
  // The payload is no longer needed once imported; the result keeps the counts and the bad rows.
  await trx('catalog_imports')
    .where({ id, status: 'pending' })
    .update({ status: 'done', result, payload: '', confirmed_at: now });
}

/** Forget previews never confirmed. */
export async function deletePendingBefore(db: Q, before: number): Promise<number> {
  return db('catalog_imports').where('status', 'pending').andWhere('created_at', '<', before).del();
}

// ---------------------------------------------------------------- procedures, in batches

export interface LatestProcedure {
  id: number;
  code: string;
  version: number;
  definition: ProcedureDefinition;
}

/**
 * The latest version of each of these codes that exists, in a few queries whatever their number.
 * In a transaction, `lock` locks the procedures' rows first (MySQL) so that nobody adds a version meanwhile.
 */
export async function latestByCodes(db: Q, codes: string[], lock = false): Promise<Map<string, LatestProcedure>> {
  const out = new Map<string, LatestProcedure>();
  for (const part of chunks([...new Set(codes)], CHUNK)) {
    if (lock) await forUpdate(db as Knex, db('procedures').whereIn('code', part)).select('id');
    const rows = await db('procedures as p')
      .join('procedure_versions as v', function () {
        this.on('v.procedure_id', '=', 'p.id').andOn('v.version', '=', 'p.latest_version');
      })
      .whereIn('p.code', part)
      .select('p.id', 'p.code', 'p.latest_version', 'v.definition');
    for (const r of rows)
      out.set(String(r.code), {
        id: Number(r.id),
        code: String(r.code),
        version: Number(r.latest_version),
        definition: JSON.parse(r.definition),
      });
  }
  return out;
}

/** New procedures, already at version 1: their ids by code. */
export async function insertProcedures(
  trx: Knex.Transaction,
  items: Array<{ code: string; name: string }>,
  now: number,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunks(items, INSERT_CHUNK)) {
    await trx('procedures').insert(
      part.map((p) => ({ code: p.code, name: p.name, latest_version: 1, created_at: now, updated_at: now })),
    );
    // A multi-row INSERT tells only one id on MySQL: read them back by code.
    const rows = await trx('procedures')
      .whereIn(
        'code',
        part.map((p) => p.code),
      )
      .select('id', 'code');
    for (const r of rows) ids.set(String(r.code), Number(r.id));
  }
  return ids;
}

export async function insertVersions(
  trx: Knex.Transaction,
  items: Array<{ procedureId: number; version: number; definition: ProcedureDefinition }>,
  createdBy: number,
  now: number,
): Promise<void> {
  for (const part of chunks(items, INSERT_CHUNK))
    await trx('procedure_versions').insert(
      part.map((v) => ({
        procedure_id: v.procedureId,
        version: v.version,
        definition: JSON.stringify(v.definition),
        created_by: createdBy,
        created_at: now,
      })),
    );
}

/** Point each procedure at its new latest version and name: one UPDATE … CASE per chunk. */
export async function setLatestVersions(
  trx: Knex.Transaction,
  items: Array<{ id: number; version: number; name: string }>,
  now: number,
): Promise<void> {
  for (const part of chunks(items, INSERT_CHUNK)) {
    const cases = (col: 'version' | 'name') =>
      trx.raw(
        `CASE id ${part.map(() => 'WHEN ? THEN ?').join(' ')} END`,
        part.flatMap((p) => [p.id, p[col]]),
      );
    await trx('procedures')
      .whereIn(
        'id',
        part.map((p) => p.id),
      )
      .update({ latest_version: cases('version'), name: cases('name'), updated_at: now });
  }
}
