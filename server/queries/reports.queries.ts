import type { Knex } from 'knex';
import { boolOrNull, num, numOrNull, str } from './normalise';

type Q = Knex | Knex.Transaction;

/** Epoch-ms bounds of a report: the period [start, end) and the moment "in progress" is judged at. */
export interface Bounds {
  start: number;
  end: number;
  /** min(end, now): the end of `to`, or now when `to` is today or later (design.md §8). */
  moment: number;
}

export const METRICS = ['received', 'resolved', 'ontime', 'late', 'progress', 'overdue'] as const;
export type Metric = (typeof METRICS)[number];

/** Dossier counts for one group (or the whole scope). */
export type Counts = Record<Metric, number>;

interface Cond {
  sql: string;
  bindings: number[];
}

/**
 * The design.md §8 definitions as SQL conditions over `dossiers as d`, the same text for SQLite and
 * MySQL: used inside `SUM(CASE …)` for the figures and as `WHERE` for the drill-down lists, so a
 * figure and the list behind it cannot disagree.
 */
export function conditions(b: Bounds): Record<Metric, Cond> {
  const { start, end } = b;
  // "By the end of `to`" is judged at the last millisecond before the moment; these two conditions
  // are workflows/clock's isInProgressAt and isOverdue at that instant, written in SQL (a test holds
  // them to the pure rule on the edges).
  const at = b.moment - 1;
  // A dossier withdrawn from result_ready keeps its resolved_at: withdrawn dossiers are neither.
  const resolved = "d.resolved_at >= ? and d.resolved_at < ? and d.status <> 'withdrawn'";
  const progress =
    "d.received_at <= ? and (d.resolved_at is null or d.resolved_at > ?) and (d.status <> 'withdrawn' or d.completed_at > ?)";
  // Past due_at while the clock ran; a clock paused by then is overdue only when it was paused after due_at.
  const overdue = `${progress} and (((d.paused_at is null or d.paused_at > ?) and d.due_at < ?) or (d.paused_at <= ? and d.paused_at > d.due_at))`;
  return {
    received: { sql: 'd.received_at >= ? and d.received_at < ?', bindings: [start, end] },
    resolved: { sql: resolved, bindings: [start, end] },
    ontime: { sql: `${resolved} and d.on_time = 1`, bindings: [start, end] },
    late: { sql: `${resolved} and coalesce(d.on_time, 0) = 0`, bindings: [start, end] },
    progress: { sql: progress, bindings: [at, at, at] },
    overdue: { sql: overdue, bindings: [at, at, at, at, at, at] },
  };
}

/** Only dossiers received by the unit ids (null: every unit). */
function scoped(qb: Knex.QueryBuilder, unitIds: number[] | null): Knex.QueryBuilder {
  return unitIds ? qb.whereIn('d.receiving_unit_id', unitIds) : qb;
}

/** Rows that can count for any figure: received before the end, and not settled before the period. */
function relevant(qb: Knex.QueryBuilder, b: Bounds): Knex.QueryBuilder {
  const low = Math.min(b.start, b.moment);
  return qb
    .where('d.received_at', '<', b.end)
    .where((w) => w.where('d.received_at', '>=', low).orWhereNull('d.resolved_at').orWhere('d.resolved_at', '>=', low));
}

function sumCase(db: Q, c: Cond, alias: string): Knex.Raw {
  return db.raw(`sum(case when ${c.sql} then 1 else 0 end) as ${alias}`, c.bindings);
}

const toCounts = (r: Record<string, unknown>): Counts =>
  Object.fromEntries(METRICS.map((k) => [k, Number(r[`m_${k}`] ?? 0)])) as Counts;

export type GroupBy = 'none' | 'unit' | 'procedure';

export interface CountRow {
  /** unit id (as a string), procedure code, or '' for 'none'. */
  key: string;
  name: string | null;
  counts: Counts;
}

/** Every figure in one grouped query: by receiving unit, by procedure, or over the whole scope. */
export async function countFigures(db: Q, unitIds: number[] | null, b: Bounds, groupBy: GroupBy): Promise<CountRow[]> {
  const cond = conditions(b);
  const qb = db('dossiers as d').select(METRICS.map((k) => sumCase(db, cond[k], `m_${k}`)));
  scoped(qb, unitIds);
  relevant(qb, b);
  if (groupBy === 'unit') qb.select('d.receiving_unit_id as g_key').groupBy('d.receiving_unit_id');
  if (groupBy === 'procedure')
    qb.select('d.procedure_code as g_key', db.raw('max(d.procedure_name) as g_name'))
      .groupBy('d.procedure_code')
      .orderBy('d.procedure_code');
  const rows = (await qb) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    key: r.g_key == null ? '' : String(r.g_key),
    name: (r.g_name as string | undefined) ?? null,
    counts: toCounts(r),
  }));
}

/** Dossiers received in the period, by channel (1 desk, 2 online, 3 post). */
export async function countByChannel(
  db: Q,
  unitIds: number[] | null,
  b: Bounds,
): Promise<Array<{ channel: number; received: number }>> {
  const qb = db('dossiers as d')
    .select('d.channel')
    .count({ n: '*' })
    .where('d.received_at', '>=', b.start)
    .where('d.received_at', '<', b.end)
    .groupBy('d.channel')
    .orderBy('d.channel');
  scoped(qb, unitIds);
  const rows = (await qb) as Array<{ channel: number; n: number | string }>;
  return rows.map((r) => ({ channel: Number(r.channel), received: Number(r.n) }));
}

export interface MonthCounts {
  received: number;
  resolved: number;
  ontime: number;
  late: number;
}

/**
 * Received / resolved / on time / late per bucket (the months of the period, cut to it) in one
 * query: one `SUM(CASE …)` column per bucket and figure, bucket edges computed by the caller.
 */
export async function countByBuckets(
  db: Q,
  unitIds: number[] | null,
  buckets: Array<{ start: number; end: number }>,
): Promise<MonthCounts[]> {
  if (buckets.length === 0) return [];
  const cols: Knex.Raw[] = [];
  buckets.forEach((bk, i) => {
    const c = conditions({ ...bk, moment: bk.end });
    cols.push(
      sumCase(db, c.received, `r${i}`),
      sumCase(db, c.resolved, `s${i}`),
      sumCase(db, c.ontime, `o${i}`),
      sumCase(db, c.late, `l${i}`),
    );
  });
  const start = buckets[0].start;
  const end = buckets[buckets.length - 1].end;
  const qb = db('dossiers as d')
    .select(cols)
    .where((w) =>
      w
        .where((a) => a.where('d.received_at', '>=', start).andWhere('d.received_at', '<', end))
        .orWhere((a) => a.where('d.resolved_at', '>=', start).andWhere('d.resolved_at', '<', end)),
    );
  scoped(qb, unitIds);
  const [row] = (await qb) as Array<Record<string, unknown>>;
  const n = (k: string) => Number(row?.[k] ?? 0);
  return buckets.map((_, i) => ({ received: n(`r${i}`), resolved: n(`s${i}`), ontime: n(`o${i}`), late: n(`l${i}`) }));
}

export interface BehindRow {
  code: string;
  applicant_name: string;
  procedure_code: string;
  procedure_name: string;
  receiving_name: string;
  status: string;
  received_at: number;
  due_at: number;
  paused_at: number | null;
  resolved_at: number | null;
  completed_at: number | null;
  on_time: boolean | null;
}

function toBehindRow(raw: Record<string, unknown>): BehindRow {
  return {
    code: str(raw.code),
    applicant_name: str(raw.applicant_name),
    procedure_code: str(raw.procedure_code),
    procedure_name: str(raw.procedure_name),
    receiving_name: str(raw.receiving_name),
    status: str(raw.status),
    received_at: num(raw.received_at),
    due_at: num(raw.due_at),
    paused_at: numOrNull(raw.paused_at),
    resolved_at: numOrNull(raw.resolved_at),
    completed_at: numOrNull(raw.completed_at),
    on_time: boolOrNull(raw.on_time),
  };
}

/** One page of the dossiers behind a figure, oldest received first, and how many there are. */
export async function listBehind(
  db: Q,
  unitIds: number[] | null,
  b: Bounds,
  metric: Metric,
  opts: { procedureCode?: string; page: number; pageSize: number },
): Promise<{ rows: BehindRow[]; total: number }> {
  const c = conditions(b)[metric];
  const filter = (qb: Knex.QueryBuilder) => {
    scoped(qb, unitIds);
    qb.whereRaw(`(${c.sql})`, c.bindings);
    if (opts.procedureCode) qb.where('d.procedure_code', opts.procedureCode);
  };
  const [{ n }] = (await db('dossiers as d').modify(filter).count({ n: '*' })) as Array<{ n: number | string }>;
  const rows = (await db('dossiers as d')
    .join('units as ru', 'ru.id', 'd.receiving_unit_id')
    .modify(filter)
    .select(
      'd.code',
      'd.applicant_name',
      'd.procedure_code',
      'd.procedure_name',
      'ru.name as receiving_name',
      'd.status',
      'd.received_at',
      'd.due_at',
      'd.paused_at',
      'd.resolved_at',
      'd.completed_at',
      'd.on_time',
    )
    .orderBy([
      { column: 'd.received_at', order: 'asc' },
      { column: 'd.id', order: 'asc' },
    ])
    .offset((opts.page - 1) * opts.pageSize)
    .limit(opts.pageSize)) as Array<Record<string, unknown>>;
  return { rows: rows.map(toBehindRow), total: num(n) };
}
