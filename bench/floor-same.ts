/**
 * A second floor, for reading the first one (MySQL only): hand-written SQL through the raw mysql2
 * pool that sends the **same statements** the transition service sends for one FORWARD, in the
 * same order, with the same columns (captured from knex's `query` events):
 *
 *   read with the unit joins (outside the transaction, as the route's visibility read) → BEGIN →
 *   UPDATE … WHERE id AND version (with the new event hash) → INSERT the hash-chained event →
 *   INSERT the outbox row → SELECT the documents → SELECT the portal sync state → COMMIT.
 *
 * No knex, no XState, no policy, no clock rules: what is left between this row and the service
 * row is the app's own JavaScript; what is between the plain floor and this row is the work the
 * design asks of every transition (hash chain, outbox, the answer read in the transaction).
 */
import { createHash } from 'node:crypto';
import type { BenchDb } from './db';
import { mysqlTransaction, type Op } from './floor';
import { forwardPatch, World } from './world';

const READ =
  'SELECT d.*, ru.code AS receiving_code, ru.name AS receiving_name, cu.code AS competent_code, cu.name AS competent_name, hu.code AS handling_code, hu.name AS handling_name FROM dossiers AS d INNER JOIN units AS ru ON ru.id = d.receiving_unit_id INNER JOIN units AS cu ON cu.id = d.competent_unit_id LEFT JOIN units AS hu ON hu.id = d.handling_unit_id WHERE d.code = ? LIMIT 1';
const UPDATE =
  'UPDATE dossiers SET status = ?, handling_unit_id = ?, step_role = ?, step_started_at = ?, step_due_at = ?, state = ?, snapshot = ?, version = ?, last_event_hash = ?, updated_at = ? WHERE id = ? AND version = ?';
const INSERT_EVENT =
  'INSERT INTO dossier_events (actor_id, actor_name, actor_unit_code, actor_username, at, comment, data, dossier_id, dossier_version, from_state, hash, on_time, step_due_at, to_state, type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_OUTBOX =
  'INSERT INTO outbox (attempts, available_at, created_at, kind, payload, status) VALUES (?, ?, ?, ?, ?, ?)';
const DOCUMENTS =
  'SELECT dossier_id, code, name, required, received FROM dossier_documents WHERE dossier_id IN (?) ORDER BY id ASC';
const SYNC =
  "SELECT dossier_id, COUNT(*) AS total, SUM(CASE WHEN status = 'sent' THEN 0 ELSE 1 END) AS open FROM portal_outbox WHERE dossier_id IN (?) GROUP BY dossier_id";

type Row = {
  id: number;
  code: string;
  state: string;
  version: number;
  step_due_at: number | null;
  last_event_hash: string | null;
  due_at: number | null;
};

export function sameStatementsFloorOp(db: BenchDb, w: World): Op | null {
  if (db.kind !== 'mysql') return null;
  const pool = db.mysql!;
  const u = w.user;
  return async (d) => {
    const [found] = (await pool.query(READ, [d.code])) as unknown as [Row[]];
    const row = found[0];
    if (!row) throw new Error('no such dossier');
    await mysqlTransaction(pool, async (conn) => {
      const at = Date.now();
      const p = forwardPatch(w, row.state, at);
      const version = Number(row.version) + 1;
      const due = row.step_due_at == null ? null : Number(row.step_due_at);
      const onTime = due == null ? null : at <= due ? 1 : 0;
      const event = [u.id, u.fullName, u.unitCode, u.username, at, null, null, row.id, version, row.state];
      const hash = createHash('sha256')
        .update(JSON.stringify([row.last_event_hash, ...event, p.to, 'FORWARD']))
        .digest('hex');
      const [r] = (await conn.query(UPDATE, [
        p.status,
        p.handlingUnitId,
        p.stepRole,
        p.stepStartedAt,
        p.stepDueAt,
        p.to,
        p.snapshot,
        version,
        hash,
        at,
        row.id,
        row.version,
      ])) as unknown as [{ affectedRows: number }];
      if (r.affectedRows !== 1) throw new Error('version conflict');
      await conn.query(INSERT_EVENT, [...event, hash, onTime, due, p.to, 'FORWARD']);
      const payload = JSON.stringify({
        code: row.code,
        type: 'FORWARD',
        from: row.state,
        to: p.to,
        comment: null,
        dueAt: row.due_at,
        handlingUnitId: p.handlingUnitId,
        actorRole: p.stepRole,
        stepDueAt: p.stepDueAt,
        changed: true,
        resultKey: null,
      });
      await conn.query(INSERT_OUTBOX, [0, at, at, 'dossier.event', payload, 'pending']);
      await conn.query(DOCUMENTS, [row.id]);
      await conn.query(SYNC, [row.id]);
    });
  };
}
