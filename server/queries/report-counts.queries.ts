import type { Knex } from 'knex';
import { dialect, withTransaction, type Db } from '../db';
import { boolOrNull, num, numOrNull, str } from './normalise';
import {
  CellMap,
  COUNT_COLUMNS,
  type CountCell,
  type CountValues,
  type FigureFacts,
} from '../../workflows/reports/counts';

type Q = Knex | Knex.Transaction;

/**
 * The report counts table (migration 030, workflows/reports/counts.ts): additive upserts from the
 * engine, and the rebuild and check an admin runs (`npm run reports:check`).
 */

const KEY = ['unit_id', 'grain', 'period', 'procedure_code'] as const;
const COLS = [...KEY, ...COUNT_COLUMNS];
const CHUNK = 500;

/** The figure columns of a dossier row, as stored or as the engine is about to write it. */
export function factsOf(r: Record<string, unknown>): FigureFacts {
  return {
    unitId: num(r.receiving_unit_id),
    procedureCode: str(r.procedure_code),
    channel: num(r.channel),
    status: str(r.status),
    receivedAt: num(r.received_at),
    resolvedAt: numOrNull(r.resolved_at),
    completedAt: numOrNull(r.completed_at),
    dueAt: numOrNull(r.due_at),
    pausedAt: numOrNull(r.paused_at),
    onTime: boolOrNull(r.on_time),
  };
}

export const FACT_COLUMNS = [
  'receiving_unit_id',
  'procedure_code',
  'channel',
  'status',
  'received_at',
  'resolved_at',
  'completed_at',
  'due_at',
  'paused_at',
  'on_time',
];

const rowOf = (c: CountCell) => [
  c.unitId,
  c.grain,
  c.period,
  c.procedureCode,
  ...COUNT_COLUMNS.map((k) => c.values[k]),
];

/** Add cells to the counts: one multi-row upsert per 500 cells, in the cells' (key) order. */
export async function addCounts(db: Q, cells: CountCell[]): Promise<void> {
  const mysql = dialect(db as Db) === 'mysql';
  for (let i = 0; i < cells.length; i += CHUNK) {
    const part = cells.slice(i, i + CHUNK);
    const values = part.map(() => `(${COLS.map(() => '?').join(', ')})`).join(', ');
    const head = `INSERT INTO report_counts (${COLS.join(', ')}) VALUES ${values}`;
    const tail = mysql
      ? ` ON DUPLICATE KEY UPDATE ${COUNT_COLUMNS.map((k) => `${k} = ${k} + VALUES(${k})`).join(', ')}`
      : ` ON CONFLICT (${KEY.join(', ')}) DO UPDATE SET ${COUNT_COLUMNS.map((k) => `${k} = report_counts.${k} + excluded.${k}`).join(', ')}`;
    await db.raw(head + tail, part.flatMap(rowOf));
  }
}

/** Sum `factsCells` of every dossier, read in id order in pages (inside the caller's transaction). */
async function countFromDossiers(trx: Q): Promise<{ cells: CellMap; dossiers: number }> {
  const cells = new CellMap();
  let last = 0;
  let dossiers = 0;
  for (;;) {
    const rows = (await trx('dossiers')
      .where('id', '>', last)
      .orderBy('id')
      .limit(20_000)
      .select('id', ...FACT_COLUMNS)) as Array<Record<string, unknown>>;
    if (!rows.length) break;
    for (const r of rows) cells.add(factsOf(r), 1);
    dossiers += rows.length;
    last = num(rows[rows.length - 1].id);
  }
  return { cells, dossiers };
}

/**
 * Recompute every count from the dossiers, in one transaction. The DELETE comes first: it locks every
 * count row (and, on MySQL, the gaps between them), so an event committing meanwhile waits, and adds
 * its change on top of the rebuilt rows after this commits, while the dossiers read here (a snapshot
 * taken after the DELETE) do not include it yet. On Galera a concurrent event elsewhere makes one of
 * the two fail certification and be retried whole. SQLite has one writer.
 */
export async function rebuildCounts(db: Db): Promise<{ dossiers: number; cells: number }> {
  const built = await withTransaction(
    db,
    async (trx) => {
      await trx('report_counts').del();
      const { cells, dossiers } = await countFromDossiers(trx);
      const all = cells.nonZero();
      for (let i = 0; i < all.length; i += CHUNK) {
        const part = all.slice(i, i + CHUNK);
        await trx.raw(
          `INSERT INTO report_counts (${COLS.join(', ')}) VALUES ${part.map(() => `(${COLS.map(() => '?').join(', ')})`).join(', ')}`,
          part.flatMap(rowOf),
        );
      }
      return { dossiers, cells: all.length };
    },
    3,
  );
  // Every row was just replaced in one transaction: the optimizer's statistics are refreshed now, so
  // the first reports after a rebuild are planned from the table as it is, not from its figures
  // before (InnoDB recalculates them in the background, some time later). SQLite keeps no
  // statistics unless ANALYZE is run, which the app never does.
  if (dialect(db) === 'mysql') await db.raw('ANALYZE TABLE report_counts');
  return built;
}

export interface CountDifference {
  key: string;
  stored: CountValues | null;
  computed: CountValues | null;
}

/**
 * Compare the stored counts with counts computed from the dossiers, in one transaction (one snapshot:
 * the engine writes a dossier and its counts together). Empty when they agree.
 */
export async function compareCounts(
  db: Db,
): Promise<{ dossiers: number; cells: number; differences: CountDifference[] }> {
  return withTransaction(db, async (trx) => {
    const { cells, dossiers } = await countFromDossiers(trx);
    const computed = new Map(cells.nonZero().map((c) => [`${c.grain}|${c.period}|${c.unitId}|${c.procedureCode}`, c]));
    const total = computed.size;
    const differences: CountDifference[] = [];
    const stored = (await trx('report_counts').select(COLS)) as Array<Record<string, unknown>>;
    const values = (r: Record<string, unknown>) =>
      Object.fromEntries(COUNT_COLUMNS.map((k) => [k, num(r[k])])) as unknown as CountValues;
    const same = (a: CountValues, b: CountValues) => COUNT_COLUMNS.every((k) => a[k] === b[k]);
    const zero = (a: CountValues) => COUNT_COLUMNS.every((k) => a[k] === 0);
    for (const r of stored) {
      const key = `${str(r.grain)}|${num(r.period)}|${num(r.unit_id)}|${str(r.procedure_code)}`;
      const v = values(r);
      const c = computed.get(key);
      computed.delete(key);
      if (c ? !same(v, c.values) : !zero(v)) differences.push({ key, stored: v, computed: c?.values ?? null });
    }
    for (const [key, c] of computed) differences.push({ key, stored: null, computed: c.values });
    return { dossiers, cells: total, differences };
  });
}
