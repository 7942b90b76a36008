/**
 * The floor: the same FORWARD done with hand-written SQL through the raw driver, no knex, no
 * XState, no authorization: one transaction that locks the dossier row (`SELECT … FOR UPDATE` on
 * MySQL; SQLite's single writer serialises), updates the same columns the transition service
 * writes with the version check, and inserts the event row.
 */
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { BenchDb } from './db';
import { Dossier, forwardPatch, World } from './world';

export type Op = (d: Dossier) => Promise<unknown>;

/** One transaction on a connection of the raw mysql2 pool: START TRANSACTION, `fn`, COMMIT (ROLLBACK on a throw). */
export async function mysqlTransaction(pool: Pool, fn: (conn: PoolConnection) => Promise<void>): Promise<void> {
  const conn = await pool.getConnection();
  try {
    await conn.query('START TRANSACTION');
    await fn(conn);
    await conn.query('COMMIT');
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    conn.release();
  }
}

const UPDATE =
  'UPDATE dossiers SET state = ?, status = ?, snapshot = ?, handling_unit_id = ?, step_role = ?, step_started_at = ?, step_due_at = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?';
const INSERT =
  'INSERT INTO dossier_events (dossier_id, type, from_state, to_state, actor_id, actor_username, actor_name, actor_unit_code, comment, at, step_due_at, on_time, dossier_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export function floorOp(db: BenchDb, w: World): Op {
  const u = w.user;
  if (db.kind === 'sqlite') {
    const conn = db.sqlite!;
    const sel = conn.prepare('SELECT id, state, version, step_due_at FROM dossiers WHERE id = ?');
    const upd = conn.prepare(UPDATE);
    const ins = conn.prepare(INSERT);
    const tx = conn.transaction((id: number) => {
      const row = sel.get(id) as { id: number; state: string; version: number; step_due_at: number | null };
      if (!row) throw new Error('no such dossier');
      const at = Date.now();
      const p = forwardPatch(w, row.state, at);
      const r = upd.run(
        p.to,
        p.status,
        p.snapshot,
        p.handlingUnitId,
        p.stepRole,
        p.stepStartedAt,
        p.stepDueAt,
        row.version + 1,
        at,
        id,
        row.version,
      );
      if (r.changes !== 1) throw new Error('version conflict');
      const due = row.step_due_at == null ? null : Number(row.step_due_at);
      ins.run(
        id,
        'FORWARD',
        row.state,
        p.to,
        u.id,
        u.username,
        u.fullName,
        u.unitCode,
        null,
        at,
        due,
        due == null ? null : at <= due ? 1 : 0,
        row.version + 1,
      );
    });
    return async (d) => tx(d.id);
  }
  const pool = db.mysql!;
  return (d) =>
    mysqlTransaction(pool, async (conn) => {
      const [rows] = (await conn.query('SELECT id, state, version, step_due_at FROM dossiers WHERE id = ? FOR UPDATE', [
        d.id,
      ])) as unknown as [Array<{ id: number; state: string; version: number; step_due_at: number | null }>];
      const row = rows[0];
      if (!row) throw new Error('no such dossier');
      const at = Date.now();
      const p = forwardPatch(w, row.state, at);
      const [r] = (await conn.query(UPDATE, [
        p.to,
        p.status,
        p.snapshot,
        p.handlingUnitId,
        p.stepRole,
        p.stepStartedAt,
        p.stepDueAt,
        row.version + 1,
        at,
        d.id,
        row.version,
      ])) as unknown as [{ affectedRows: number }];
      if (r.affectedRows !== 1) throw new Error('version conflict');
      const due = row.step_due_at == null ? null : Number(row.step_due_at);
      await conn.query(INSERT, [
        d.id,
        'FORWARD',
        row.state,
        p.to,
        u.id,
        u.username,
        u.fullName,
        u.unitCode,
        null,
        at,
        due,
        due == null ? null : at <= due ? 1 : 0,
        row.version + 1,
      ]);
    });
}
