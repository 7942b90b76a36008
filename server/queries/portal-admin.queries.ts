import type { Knex } from 'knex';
import { num, numOrNull, str, strOrNull } from './normalise';
import { toPortalRow, type PortalRow } from './portal.queries';

type Q = Knex | Knex.Transaction;

/*
 * What the admin page of the national-portal sync (design.md §12) and its alert job read:
 * the messages not yet accepted, a day's reconciliation, the dossiers the portal has wrong,
 * and the dossiers it never heard of. The sender's own queries are in portal.queries.ts.
 */

/** A page of the messages not yet accepted: problems first, the newest of each first. */
export async function openMessagesPage(
  db: Q,
  opts: { failingAfter: number; limit: number; offset: number },
): Promise<{ rows: PortalRow[]; total: number }> {
  const [{ n }] = (await db('portal_outbox').whereNot('status', 'sent').count({ n: '*' })) as Array<
    Record<string, unknown>
  >;
  const rows = await db('portal_outbox')
    .whereNot('status', 'sent')
    // Refused by us, or failing `failingAfter` times in a row, first: what the admin has to look at.
    .orderByRaw("CASE WHEN status = 'failed' OR attempts >= ? THEN 0 ELSE 1 END, id DESC", [opts.failingAfter])
    .limit(opts.limit)
    .offset(opts.offset);
  return { rows: rows.map(toPortalRow), total: num(n) };
}

/** The oldest messages in trouble (refused, or failing), for the alert mail. */
export async function oldestProblemMessages(db: Q, failingAfter: number, limit: number): Promise<PortalRow[]> {
  const rows = await db('portal_outbox')
    .where((w) =>
      w.where('status', 'failed').orWhere((p) => p.where('status', 'pending').andWhere('attempts', '>=', failingAfter)),
    )
    .orderBy('id')
    .limit(limit);
  return rows.map(toPortalRow);
}

/** How many messages are in trouble (refused, or failing): two range reads of the status index, cheap every tick. */
export async function problemCount(db: Q, failingAfter: number): Promise<number> {
  const [{ n: failed }] = (await db('portal_outbox').where('status', 'failed').count({ n: '*' })) as Array<
    Record<string, unknown>
  >;
  const [{ n: failing }] = (await db('portal_outbox')
    .where('status', 'pending')
    .andWhere('attempts', '>=', failingAfter)
    .count({ n: '*' })) as Array<Record<string, unknown>>;
  return num(failed) + num(failing);
}

/** Messages of one service queued, and accepted, in [from, to): per header status (null for steps). */
export async function dayCounts(db: Q, from: number, to: number) {
  const grouped = async (col: 'created_at' | 'sent_at') => {
    const q = db('portal_outbox')
      .where(col, '>=', from)
      .andWhere(col, '<', to)
      .groupBy('service', 'national_status')
      .select('service', 'national_status')
      .count({ n: '*' });
    if (col === 'sent_at') q.andWhere('status', 'sent');
    return ((await q) as Array<Record<string, unknown>>).map((r) => ({
      service: str(r.service),
      nationalStatus: numOrNull(r.national_status),
      n: num(r.n),
    }));
  };
  return { queued: await grouped('created_at'), accepted: await grouped('sent_at') };
}

/** One dossier whose last accepted header does not say what the dossier says now. */
export interface MismatchRow {
  id: number;
  code: string;
  status: string;
  /** TrangThaiHoSo of the last header the portal accepted; null: none ever was. */
  ackedStatus: number | null;
  ackedAt: number | null;
}

/**
 * Dossiers with at least one message queued whose last accepted header (`DongBoHoSoMC`, status
 * `sent`, highest id: delivery is in order) has a TrangThaiHoSo other than the dossier's national
 * status now, or that never had a header accepted. `nationalOf` maps a status to its national code.
 */
export async function mismatchedDossiers(
  db: Q,
  opts: { header: string; nationalOf: Record<string, number>; limit: number },
): Promise<{ rows: MismatchRow[]; total: number }> {
  const entries = Object.entries(opts.nationalOf);
  const current = `CASE d.status ${entries.map(() => 'WHEN ? THEN ?').join(' ')} END`;
  const base = db('dossiers as d')
    .leftJoin('portal_outbox as a', (j) =>
      j
        .on('a.dossier_id', 'd.id')
        .andOn(
          'a.id',
          '=',
          db.raw(
            '(SELECT MAX(s.id) FROM portal_outbox s WHERE s.dossier_id = d.id AND s.service = ? AND s.status = ?)',
            [opts.header, 'sent'],
          ),
        ),
    )
    .whereExists(db('portal_outbox as o').select(db.raw('1')).whereRaw('o.dossier_id = d.id'))
    .andWhere((w) =>
      w.whereNull('a.id').orWhereRaw(
        `a.national_status <> ${current}`,
        entries.flatMap(([s, n]) => [s, n]),
      ),
    );
  const [{ n }] = (await base.clone().count({ n: '*' })) as Array<Record<string, unknown>>;
  const rows = (await base
    .select('d.id', 'd.code', 'd.status', 'a.national_status', 'a.sent_at')
    .orderBy('d.id', 'desc')
    .limit(opts.limit)) as Array<Record<string, unknown>>;
  return {
    total: num(n),
    rows: rows.map((r) => ({
      id: num(r.id),
      code: str(r.code),
      status: str(r.status),
      ackedStatus: numOrNull(r.national_status),
      ackedAt: numOrNull(r.sent_at),
    })),
  };
}

/** Dossiers not yet final with no message ever queued (received before sync was on): ids, oldest first. */
export async function neverQueuedOpenDossiers(db: Q, finalStatuses: readonly string[], limit: number) {
  const base = db('dossiers as d')
    .whereNotIn('d.status', [...finalStatuses])
    .whereNotExists(db('portal_outbox as o').select(db.raw('1')).whereRaw('o.dossier_id = d.id'));
  const [{ n }] = (await base.clone().count({ n: '*' })) as Array<Record<string, unknown>>;
  const ids = (await base.select('d.id').orderBy('d.id').limit(limit)) as Array<Record<string, unknown>>;
  return { total: num(n), ids: ids.map((r) => num(r.id)) };
}

/** Whether the dossier has any message queued (read under the dossier's row lock). */
export async function hasPortalMessages(db: Q, dossierId: number): Promise<boolean> {
  return !!(await db('portal_outbox').where({ dossier_id: dossierId }).first('id'));
}

/** Active admins with an e-mail address. */
export async function activeAdminsWithEmail(db: Q): Promise<Array<{ id: number; fullName: string; email: string }>> {
  const rows = (await db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .where({ 'r.role': 'admin', 'u.active': true })
    .whereNotNull('u.email')
    .distinct('u.id', 'u.full_name', 'u.email')
    .orderBy('u.id')) as Array<Record<string, unknown>>;
  return rows
    .map((r) => ({ id: num(r.id), fullName: str(r.full_name), email: strOrNull(r.email) ?? '' }))
    .filter((r) => r.email.trim() !== '');
}

/**
 * Replace a setting's value only if it still holds `expected` (compare and set): of processes that
 * read the same value, one wins. The row must exist (app-settings insertSettingIfAbsent).
 */
export async function replaceSettingIf(db: Q, key: string, expected: string, value: string): Promise<boolean> {
  const n = await db('app_settings').where({ key, value: expected }).update({ value });
  return n === 1;
}

/** One message by id, or null. */
export async function findPortalMessage(db: Q, id: number): Promise<PortalRow | null> {
  const raw = await db('portal_outbox').where({ id }).first();
  return raw ? toPortalRow(raw) : null;
}
