import { ENGINES } from '../helpers/db';
import type { TestApp } from '../helpers/app';
import { buildUser } from '../factories/accounts';
import { buildDossierApp, definition, type World } from '../factories/dossiers';
import { workingDayAfter } from '../helpers/time';
import { findUserByUsername } from '../../server/queries/users.queries';
import {
  countByBuckets,
  countByChannel,
  countFigures,
  type Bounds,
  type CountRow,
} from '../../server/queries/reports.queries';
import { figuresFromCounts, monthsFromCounts } from '../../server/queries/report-figures.queries';
import {
  compareReportCounts,
  ensureReportCounts,
  rebuildReportCounts,
} from '../../server/services/report-counts.service';
import { boundsOf, monthBuckets } from '../../server/services/reports.service';
import { receiveDossier } from '../../server/services/intake.service';
import { applyDossierEvent } from '../../server/services/transition.service';
import { findDossierByCode } from '../../server/queries/dossiers.queries';
import { AppError } from '../../server/errors';
import { intakeSchema } from '../../server/schemas/dossier.schema';
import { dateStringFromDayNumber, vnDayNumber, vnDayStartMs } from '../../workflows/calendar/time';
import type { Db } from '../../server/db';

/**
 * The report counts (migration 030) against the figures computed from the dossiers themselves
 * (reports.queries.ts, the drill-down's conditions): on random rows with times on and around day
 * edges, rebuilt by the admin's rebuild; and kept by the engine through random real events.
 */

const DAY = 86_400_000;
const H = 3_600_000;
/** A seeded generator (mulberry32): a failure names its seed and replays. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = Number(process.env.REPORT_SEED ?? Date.now() % 100_000);
const BASE_DAY = vnDayNumber(Date.parse('2025-01-20T00:00:00+07:00'));

const nonZero = (rows: CountRow[]) =>
  Object.fromEntries(
    rows.filter((r) => Object.values(r.counts).some((v) => v !== 0)).map((r) => [r.key, { ...r.counts }]),
  );

/** Every figure both ways, for one scope, period and moment. */
async function bothWays(db: Db, unitIds: number[] | null, b: Bounds) {
  const buckets = monthBuckets({
    from: dateStringFromDayNumber(vnDayNumber(b.start)),
    to: dateStringFromDayNumber(vnDayNumber(b.end) - 1),
  });
  const fast = {
    none: nonZero(await figuresFromCounts(db, unitIds, b, 'none')),
    unit: nonZero(await figuresFromCounts(db, unitIds, b, 'unit')),
    procedure: nonZero(await figuresFromCounts(db, unitIds, b, 'procedure')),
    months: await monthsFromCounts(db, unitIds, b, buckets),
    channels: (await figuresFromCounts(db, unitIds, b, 'unit')).reduce(
      (acc, r) => acc.map((n, i) => n + r.channels[i]),
      [0, 0, 0],
    ),
  };
  const byChannel = await countByChannel(db, unitIds, b);
  const slow = {
    none: nonZero(await countFigures(db, unitIds, b, 'none')),
    unit: nonZero(await countFigures(db, unitIds, b, 'unit')),
    procedure: nonZero(await countFigures(db, unitIds, b, 'procedure')),
    months: await countByBuckets(db, unitIds, buckets),
    channels: [1, 2, 3].map((c) => byChannel.find((r) => r.channel === c)?.received ?? 0),
  };
  return { fast, slow };
}

describe.each(ENGINES)('report counts on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let db: Db;
  let scopes: Array<number[] | null>;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    db = t.tdb.db;
    scopes = [null, [w.commune.id], [w.district.id, w.commune.id, w.other.id], [w.other.id]];
  });
  afterAll(() => t.close());

  it(`equal the figures computed from random dossiers at random periods and moments (seed ${SEED})`, async () => {
    const r = rng(SEED);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
    // Times at a day's first or last millisecond, either side of it, or anywhere in the day.
    const time = (day: number) => {
      const edge = vnDayStartMs(day);
      return pick([edge, edge - 1, edge + 1, edge + DAY - 1, edge + Math.floor(r() * DAY)]);
    };
    const pv = (await db('procedure_versions').first('id')) as { id: number };
    const units = [w.commune.id, w.other.id, w.district.id, w.province.id];
    const rows = [];
    for (let i = 0; i < 400; i++) {
      const received = time(BASE_DAY + Math.floor(r() * 75));
      const after = (max: number) => received + Math.floor(r() * max * DAY) + pick([0, 1, -1 + DAY]);
      // As in life: nothing happens to a dossier before it is received.
      const due = pick([after(20), after(3), received + 1, received]);
      const resolved = r() < 0.6 ? Math.max(received, pick([after(25), due, due + 1, due - 1])) : null;
      const status = pick(['processing', 'waiting_supplement', 'result_ready', 'returned', 'refused', 'withdrawn']);
      const completed =
        status === 'withdrawn' || status === 'returned' || status === 'refused' ? (r() < 0.9 ? after(30) : null) : null;
      const paused = r() < 0.3 ? Math.max(received, pick([due - 1, due, due + 1, after(10)])) : null;
      rows.push({
        code: `RND-${i}`,
        procedure_version_id: pv.id,
        procedure_code: pick(['1.000775', '2.000002', '3.000003']),
        procedure_version: 1,
        procedure_name: 'Thủ tục thử',
        receiving_unit_id: pick(units),
        competent_unit_id: w.commune.id,
        state: 'review',
        status,
        snapshot: '{}',
        channel: pick([1, 2, 3]),
        applicant_name: 'Người nộp',
        applicant: '{}',
        received_at: received,
        start_at: received,
        due_at: due,
        paused_at: paused,
        resolved_at: resolved,
        completed_at: completed,
        on_time: resolved == null ? null : pick([true, false, null]),
        updated_at: received,
      });
    }
    for (let i = 0; i < rows.length; i += 100) await db('dossiers').insert(rows.slice(i, i + 100));
    const built = await rebuildReportCounts(db);
    expect(built.dossiers).toBe(400);
    expect((await compareReportCounts(db)).differences).toEqual([]);

    for (let k = 0; k < 30; k++) {
      const from = BASE_DAY - 5 + Math.floor(r() * 80);
      const to = from + pick([0, 1, 6, 30, 45, 70, 120]);
      const start = vnDayStartMs(from);
      const end = vnDayStartMs(to + 1);
      // The moment: the period's end, or "now" inside, before or after it, on an edge or not.
      const moment = Math.min(
        end,
        pick([end, time(from + Math.floor(r() * (to - from + 1))), start, start + 1, end + 5 * DAY]),
      );
      const b = { start, end, moment };
      const scope = pick(scopes);
      const { fast, slow } = await bothWays(db, scope, b);
      expect({ k, scope, b, ...fast }).toEqual({ k, scope, b, ...slow });
    }
  });

  it(`follow the engine through random real events, and the rebuild leaves them as they were (seed ${SEED + 1})`, async () => {
    const r = rng(SEED + 1);
    const config = t.ctx.config;
    await db('dossiers').del();
    await rebuildReportCounts(db);
    const u = await buildUser(db, {
      unitId: w.commune.id,
      roles: ['intake', 'specialist', 'head', 'leader', 'clerk'],
    });
    const user = (await findUserByUsername(db, u.username))!;
    let now = vnDayStartMs(BASE_DAY) + 8 * H;
    const codes: string[] = [];
    const EVENTS = [
      'FORWARD',
      'FORWARD',
      'FORWARD',
      'RETURN',
      'REQUEST_SUPPLEMENT',
      'SUPPLEMENT_RECEIVED',
      'EXTEND',
      'REFUSE',
      'WITHDRAW',
      'RETURN_RESULT',
    ] as const;
    let applied = 0;
    let resolvedSoFar = 0;
    // At least 160 draws, and on until 60 events went through and 4 dossiers were resolved, whatever
    // the seed (a draw the state refuses changes nothing; one CI run's seed left 38 applied after 160).
    for (let step = 0; step < 1000 && (step < 160 || applied < 60 || resolvedSoFar < 4); step++) {
      if (step >= 160)
        resolvedSoFar = Number((await db('dossiers').whereNotNull('resolved_at').count({ n: '*' }))[0].n);
      now += Math.floor(r() * 20 * H);
      if (codes.length < 4 || r() < 0.25) {
        const input = intakeSchema.parse({
          procedureCode: definition().code,
          applicant: { fullName: 'Trần Thị Bình', idNumber: '094123456789' },
          documents: ['TO_TRINH', 'BAO_CAO'],
          channel: 1 + Math.floor(r() * 3),
        });
        codes.push(await receiveDossier(db, config, user, input, now));
        continue;
      }
      const code = codes[Math.floor(r() * codes.length)];
      const row = (await findDossierByCode(db, code))!;
      const type = EVENTS[Math.floor(r() * EVENTS.length)];
      try {
        await applyDossierEvent(
          db,
          config,
          user as never,
          code,
          {
            type,
            version: row.version,
            comment: 'Lý do thử',
            dueAt: type === 'EXTEND' ? workingDayAfter(row.due_at, 2 + Math.floor(r() * 5)) : null,
          },
          now,
        );
        applied++;
      } catch (err) {
        // Not allowed in this state (422) or by the step's unit: the draw changes nothing.
        if (!(err instanceof AppError)) throw err;
      }
      if (step % 40 === 39) expect((await compareReportCounts(db)).differences).toEqual([]);
    }
    expect(applied).toBeGreaterThan(40);
    const resolved = Number((await db('dossiers').whereNotNull('resolved_at').count({ n: '*' }))[0].n);
    expect(resolved).toBeGreaterThan(3);
    expect((await compareReportCounts(db)).differences).toEqual([]);
    for (const [from, to, at] of [
      [BASE_DAY, BASE_DAY + 40, null],
      [BASE_DAY + 3, BASE_DAY + 9, now - 30 * DAY],
      [BASE_DAY - 10, BASE_DAY + 400, now],
    ] as const) {
      const end = vnDayStartMs(to + 1);
      const b = { start: vnDayStartMs(from), end, moment: Math.min(end, at ?? end) };
      for (const scope of scopes) {
        const { fast, slow } = await bothWays(db, scope, b);
        expect(fast).toEqual(slow);
      }
    }
    // The service's own bounds: a report as the page asks for it.
    const b = boundsOf({ from: dateStringFromDayNumber(BASE_DAY), to: dateStringFromDayNumber(BASE_DAY + 20) }, now);
    const { fast, slow } = await bothWays(db, null, b);
    expect(fast.none).toEqual(slow.none);
    const before = await db('report_counts').orderBy(['unit_id', 'grain', 'period', 'procedure_code']).select();
    await rebuildReportCounts(db);
    const after = await db('report_counts').orderBy(['unit_id', 'grain', 'period', 'procedure_code']).select();
    const live = (rows: Array<Record<string, unknown>>) =>
      rows.filter((x) =>
        Object.entries(x).some(
          ([k, v]) => !['unit_id', 'grain', 'period', 'procedure_code'].includes(k) && Number(v) !== 0,
        ),
      );
    expect(live(after)).toEqual(live(before));
  });

  it('tells the admin which counts disagree with the dossiers, and the rebuild mends them', async () => {
    await db('report_counts').where({ grain: 'd' }).limit(1).update({ received: 99 });
    const broken = await compareReportCounts(db);
    expect(broken.differences.length).toBeGreaterThan(0);
    expect(broken.differences[0].stored?.received).toBe(99);
    await rebuildReportCounts(db);
    expect((await compareReportCounts(db)).differences).toEqual([]);
  });

  it('are computed once at start-up for a database that had dossiers before them', async () => {
    await db('report_counts').del();
    await db('app_settings').where({ key: 'report_counts.built' }).del();
    const built = await ensureReportCounts(db);
    expect(built?.dossiers).toBeGreaterThan(0);
    expect((await compareReportCounts(db)).differences).toEqual([]);
    expect(await ensureReportCounts(db)).toBeNull();
  });
});
