import type { Knex } from 'knex';
import { num, str } from './normalise';
import { conditions, type Bounds, type CountRow, type Counts, type GroupBy, type MonthCounts } from './reports.queries';
import { firstDayOfMonth, monthOfDay, periodPieces } from '../../workflows/reports/counts';
import { vnDayNumber, vnDayStartMs } from '../../workflows/calendar/time';

type Q = Knex | Knex.Transaction;

/**
 * Report figures read from the counts table (migration 030) instead of every dossier: the figures of
 * a period are sums of its whole months' rows and of its other days' rows; "in progress" and
 * "overdue" at the moment are the running sums of every earlier day, plus the changes on the
 * moment's own day read from that day's dossiers with the same SQL conditions as the drill-down
 * lists (reports.queries.ts). The equality with figures computed from the dossiers is held by
 * test/integration/report-counts.test.ts on random data.
 */

interface Sql {
  sql: string;
  bindings: number[];
}

const or = (parts: Sql[]): Sql =>
  parts.length
    ? { sql: parts.map((p) => `(${p.sql})`).join(' or '), bindings: parts.flatMap((p) => p.bindings) }
    : { sql: '1 = 0', bindings: [] };

/** The rows summed for the period [start, end) (whole local days). */
function inPeriod(b: Bounds): Sql {
  const pieces = periodPieces(vnDayNumber(b.start), vnDayNumber(b.end) - 1);
  const parts: Sql[] = [];
  if (pieces.months) parts.push({ sql: "c.grain = 'm' and c.period between ? and ?", bindings: pieces.months });
  for (const d of pieces.days) parts.push({ sql: "c.grain = 'd' and c.period between ? and ?", bindings: d });
  return or(parts);
}

/** The rows whose running sum is the state at the start of the moment's day. */
function beforeDay(day: number): Sql {
  const month = monthOfDay(day);
  return or([
    { sql: "c.grain = 'm' and c.period < ?", bindings: [month] },
    { sql: "c.grain = 'd' and c.period >= ? and c.period < ?", bindings: [firstDayOfMonth(month), day] },
  ]);
}

const PERIOD_COLUMNS = ['received', 'resolved', 'ontime', 'late', 'received_1', 'received_2', 'received_3'] as const;

function sumWhen(db: Q, when: Sql, column: string, alias: string): Knex.Raw {
  return db.raw(`sum(case when ${when.sql} then c.${column} else 0 end) as ${alias}`, when.bindings);
}

export interface FigureRow extends CountRow {
  /** Received per channel 1, 2, 3. */
  channels: [number, number, number];
}

const GROUP_COLUMN: Record<GroupBy, string | null> = { none: null, unit: 'unit_id', procedure: 'procedure_code' };

/** Every figure, over the scope or by receiving unit or procedure, from the counts. */
export async function figuresFromCounts(
  db: Q,
  unitIds: number[] | null,
  b: Bounds,
  groupBy: GroupBy,
): Promise<FigureRow[]> {
  const at = b.moment - 1;
  const day = vnDayNumber(at);
  // A moment at the end of a local day (every closed period: last year, last month) is covered by the
  // counts themselves: that day's own rows hold its changes up to its last millisecond, so the running
  // sums through it are the figures and no dossier is read. Otherwise the moment's day so far is read
  // from that day's dossiers (dayDelta), which at a million dossiers costs a few thousand row lookups.
  const wholeDay = vnDayStartMs(day + 1) === b.moment;
  const period = inPeriod(b);
  const before = beforeDay(wholeDay ? day + 1 : day);
  // The summary is read by unit too and added up here: grouped by unit_id, the scan follows the
  // primary key (unit, grain, period, …) one unit at a time, the plan every scope gets.
  const group = GROUP_COLUMN[groupBy] ?? 'unit_id';
  // Every unit (an administrator's report) is a unit list as well, for the same plan.
  const units = unitIds ?? ((await db('units').pluck('id')) as unknown[]).map(Number);
  const qb = db('report_counts as c').select([
    ...PERIOD_COLUMNS.map((k) => sumWhen(db, period, k, `m_${k}`)),
    sumWhen(db, before, 'progress', 'm_progress'),
    sumWhen(db, before, 'overdue', 'm_overdue'),
  ]);
  qb.whereIn('c.unit_id', units);
  qb.whereRaw(`((${period.sql}) or (${before.sql}))`, [...period.bindings, ...before.bindings]);
  qb.select(`c.${group} as g_key`).groupBy(`c.${group}`);
  const rows = (await qb) as Array<Record<string, unknown>>;
  const delta = wholeDay ? new Map() : await dayDelta(db, unitIds, day, at, GROUP_COLUMN[groupBy]);
  const out = new Map<string, FigureRow>();
  for (const r of rows) {
    const key = groupBy === 'none' || r.g_key == null ? '' : String(r.g_key);
    const had = out.get(key);
    const n = (k: string) => num(r[`m_${k}`] ?? 0);
    const row: FigureRow = had ?? { key, name: null, counts: zeroCounts(), channels: [0, 0, 0] };
    for (const k of ['received', 'resolved', 'ontime', 'late', 'progress', 'overdue'] as const) row.counts[k] += n(k);
    row.channels = [
      row.channels[0] + n('received_1'),
      row.channels[1] + n('received_2'),
      row.channels[2] + n('received_3'),
    ];
    out.set(key, row);
  }
  for (const [key, d] of delta) {
    const row = out.get(key) ?? { key, name: null, counts: zeroCounts(), channels: [0, 0, 0] };
    row.counts.progress += d.progress;
    row.counts.overdue += d.overdue;
    out.set(key, row);
  }
  const list = [...out.values()].filter((r) => Object.values(r.counts).some((v) => v !== 0));
  if (groupBy === 'procedure') {
    const names = await procedureNames(
      db,
      list.map((r) => r.key),
    );
    for (const r of list) r.name = names.get(r.key) ?? null;
    list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  if (groupBy === 'none' && list.length === 0)
    list.push({ key: '', name: null, counts: zeroCounts(), channels: [0, 0, 0] });
  return list;
}

const zeroCounts = (): Counts => ({ received: 0, resolved: 0, ontime: 0, late: 0, progress: 0, overdue: 0 });

/**
 * What changes in "in progress" and "overdue" between the start of `day` and `at` (within that day),
 * per group: the dossiers with a time on that day (received, resolved, completed or due: the only
 * instants where either condition can change), each counted at both instants with the SQL conditions.
 */
async function dayDelta(
  db: Q,
  unitIds: number[] | null,
  day: number,
  at: number,
  group: string | null,
): Promise<Map<string, { progress: number; overdue: number }>> {
  const t0 = vnDayStartMs(day) - 1;
  const later = conditions({ start: 0, end: 0, moment: at + 1 });
  const earlier = conditions({ start: 0, end: 0, moment: t0 + 1 });
  const ids = ['received_at', 'resolved_at', 'completed_at', 'due_at']
    .map((c) => `select id from dossiers where ${c} between ? and ?`)
    .join(' union ');
  const col = group === 'unit_id' ? 'd.receiving_unit_id' : group === 'procedure_code' ? 'd.procedure_code' : null;
  const diff = (name: 'progress' | 'overdue') =>
    db.raw(
      `sum(case when ${later[name].sql} then 1 else 0 end) - sum(case when ${earlier[name].sql} then 1 else 0 end) as ${name}`,
      [...later[name].bindings, ...earlier[name].bindings],
    );
  const qb = db
    .from(db.raw(`(${ids}) as t`, [t0, at, t0, at, t0, at, t0, at]))
    .join('dossiers as d', 'd.id', 't.id')
    .select(diff('progress'), diff('overdue'));
  if (unitIds) qb.whereIn('d.receiving_unit_id', unitIds);
  if (col) qb.select(`${col} as g_key`).groupBy(col);
  const rows = (await qb) as Array<Record<string, unknown>>;
  return new Map(
    rows
      .map(
        (r) =>
          [
            r.g_key == null ? '' : String(r.g_key),
            { progress: num(r.progress ?? 0), overdue: num(r.overdue ?? 0) },
          ] as const,
      )
      .filter(([, v]) => v.progress !== 0 || v.overdue !== 0),
  );
}

async function procedureNames(db: Q, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = (await db('procedures').whereIn('code', codes).select('code', 'name')) as Array<Record<string, unknown>>;
  return new Map(rows.map((r) => [str(r.code), str(r.name)]));
}

/**
 * Received / resolved / on time / late per month bucket of a period (the months, cut to it): one
 * query over the period's month and day rows, each row added to the bucket of its month.
 */
export async function monthsFromCounts(
  db: Q,
  unitIds: number[] | null,
  b: Bounds,
  buckets: Array<{ start: number; end: number }>,
): Promise<MonthCounts[]> {
  if (!buckets.length) return [];
  const period = inPeriod(b);
  const qb = db('report_counts as c')
    .select('c.grain', 'c.period')
    .sum({ received: 'c.received', resolved: 'c.resolved', ontime: 'c.ontime', late: 'c.late' })
    .whereRaw(`(${period.sql})`, period.bindings)
    .groupBy('c.grain', 'c.period');
  if (unitIds) qb.whereIn('c.unit_id', unitIds);
  const rows = (await qb) as Array<Record<string, unknown>>;
  const byMonth = new Map<number, MonthCounts>();
  for (const r of rows) {
    const month = str(r.grain) === 'm' ? num(r.period) : monthOfDay(num(r.period));
    const m = byMonth.get(month) ?? { received: 0, resolved: 0, ontime: 0, late: 0 };
    m.received += num(r.received ?? 0);
    m.resolved += num(r.resolved ?? 0);
    m.ontime += num(r.ontime ?? 0);
    m.late += num(r.late ?? 0);
    byMonth.set(month, m);
  }
  return buckets.map(
    (bk) => byMonth.get(monthOfDay(vnDayNumber(bk.start))) ?? { received: 0, resolved: 0, ontime: 0, late: 0 },
  );
}
