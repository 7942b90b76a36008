import { buildTestApp, TestApp } from '../helpers/app';
import { seedDemo } from '../../db/seeds/demo';
import { ensureAdmin } from '../../server/services/bootstrap.service';
import { getCalendar } from '../../server/services/calendar.service';
import type { WorkCalendar } from '../../workflows/calendar';
import { formatVnDateTime } from '../../workflows/calendar/time';
import { compareReportCounts } from '../../server/services/report-counts.service';

/**
 * The demo data as a person reads it in a timeline: every event in office hours of a working day,
 * done by the role that does it, in an order that makes sense. Seeded once, on SQLite.
 */
describe('demo data', () => {
  let t: TestApp;
  let cal: WorkCalendar;
  const MIN = 60_000;

  beforeAll(async () => {
    // With a portal configured: made-up dossiers must still never be queued for it.
    t = await buildTestApp('sqlite', { PORTAL_URL: 'http://127.0.0.1:9/' });
    await ensureAdmin(t.tdb.db, 'quan-tri-thu-nghiem');
    await seedDemo(t.tdb.db, t.ctx.config, 160);
    cal = await getCalendar(t.tdb.db, t.ctx.config);
  });
  afterAll(() => t.close());

  const outside = (rows: Array<{ id: number; type: string; at: number | string }>) =>
    rows
      .filter((e) => cal.nextWorkingMoment(new Date(Number(e.at))).getTime() !== Number(e.at))
      .map((e) => `${e.type} #${e.id} ${formatVnDateTime(new Date(Number(e.at)))}`);

  it('seeds dossiers in every state and dispatches', async () => {
    const states = new Set(await t.tdb.db('dossiers').pluck('status'));
    for (const s of ['processing', 'waiting_supplement', 'result_ready', 'returned', 'refused', 'withdrawn'])
      expect(states).toContain(s);
    expect(Number((await t.tdb.db('dispatches').count({ n: '*' }))[0].n)).toBe(5);
  });

  it('keeps the report counts equal to the seeded dossiers (every dossier went through intake and the engine)', async () => {
    const c = await compareReportCounts(t.tdb.db);
    expect(c.dossiers).toBeGreaterThan(100);
    expect(c.differences).toEqual([]);
  });

  it('shows the 2025 merger: former communes inactive, their open dossiers moved, finished ones under the old names', async () => {
    const db = t.tdb.db;
    const merged = await db('units').where({ code: '000.41.00.H05' }).first('id', 'active');
    const former = await db('units')
      .whereIn('code', ['000.04.03.H05', '000.05.03.H05'])
      .select('id', 'active', 'merged_into_id');
    expect(former.map((u) => [Boolean(Number(u.active)), Number(u.merged_into_id)])).toEqual([
      [false, Number(merged.id)],
      [false, Number(merged.id)],
    ]);
    const old = await db('dossiers')
      .where('code', 'like', '000.04.03.H05-%')
      .orWhere('code', 'like', '000.05.03.H05-%')
      .select('id', 'receiving_unit_id', 'status');
    expect(old).toHaveLength(12);
    const open = old.filter((d) => !['returned', 'refused', 'withdrawn'].includes(d.status));
    expect(open).toHaveLength(6);
    for (const d of old) expect(Number(d.receiving_unit_id) === Number(merged.id)).toBe(open.includes(d));
    const moves = await db('dossier_events')
      .where({ type: 'UNIT_MERGED' })
      .whereIn(
        'dossier_id',
        old.map((d) => d.id),
      )
      .pluck('dossier_id');
    expect(moves.map(Number).sort()).toEqual(open.map((d) => Number(d.id)).sort());
  });

  it("shows today's two tiers: no district works, every working commune hangs under the province, the districts kept as history", async () => {
    const db = t.tdb.db;
    const units = await db('units').select('id', 'code', 'level', 'parent_id', 'active', 'merged_into_id');
    const active = units.filter((u) => Boolean(Number(u.active)));
    const province = units.find((u) => u.code === '000.00.00.H05')!;
    expect(active.filter((u) => u.level === 'district')).toEqual([]);
    const communes = active.filter((u) => u.level === 'commune');
    expect(communes.length).toBeGreaterThan(15);
    expect(communes.filter((u) => Number(u.parent_id) !== Number(province.id)).map((u) => u.code)).toEqual([]);
    // The provincial departments work on, under the province.
    expect(active.filter((u) => u.level === 'province').length).toBe(4);
    // The seven districts are kept, inactive, each naming the commune at its seat that took over.
    const districts = units.filter((u) => u.level === 'district');
    expect(districts).toHaveLength(7);
    for (const d of districts) expect(communes.map((c) => Number(c.id))).toContain(Number(d.merged_into_id));
    expect(Number((await db('unit_merges').count({ n: '*' }))[0].n)).toBe(11);
    // Nobody who signs in works in a unit that stopped working.
    const idle = await db('users as u')
      .join('units as n', 'n.id', 'u.unit_id')
      .where('n.active', false)
      .where('u.active', true)
      .pluck('u.username');
    expect(idle).toEqual([]);
  });

  it('moved the districts’ open dossiers to the communes (a move in their history); finished ones keep the district’s code and name', async () => {
    const db = t.tdb.db;
    const city = await db('units').where({ code: '000.00.01.H05' }).first('id', 'name');
    const ward = await db('units').where({ code: '000.01.01.H05' }).first('id');
    const received = await db('dossiers')
      .where('code', 'like', '000.00.01.H05-%')
      .select('id', 'code', 'status', 'receiving_unit_id', 'competent_unit_id');
    const finished = received.filter((d) => ['returned', 'refused', 'withdrawn'].includes(d.status));
    const open = received.filter((d) => !finished.includes(d));
    expect(finished.length).toBeGreaterThan(0);
    expect(open.length).toBeGreaterThan(0);
    for (const d of finished) expect(Number(d.receiving_unit_id)).toBe(Number(city.id));
    for (const d of open) expect(Number(d.receiving_unit_id)).toBe(Number(ward.id));
    const moves = await db('dossier_events')
      .where({ type: 'UNIT_MERGED' })
      .whereIn(
        'dossier_id',
        open.map((d) => d.id),
      )
      .select('dossier_id', 'comment');
    expect(new Set(moves.map((m) => Number(m.dossier_id))).size).toBe(open.length);
    expect(moves[0].comment).toBe(`Chuyển từ ${city.name} sang UBND phường 1 do sáp nhập đơn vị`);
    // The city's people work on at the ward, with their roles.
    const leader = await db('users').where({ username: 'lanhdao.tpbl' }).first('unit_id', 'active');
    expect([Number(leader.unit_id), Boolean(Number(leader.active))]).toEqual([Number(ward.id), true]);
  });

  it('queues nothing for the national portal, even with PORTAL_URL set', async () => {
    expect(Number((await t.tdb.db('portal_outbox').count({ n: '*' }))[0].n)).toBe(0);
  });

  it('puts every dossier and dispatch event inside office hours of a working day', async () => {
    const db = t.tdb.db;
    const dossierEvents = await db('dossier_events').select('id', 'type', 'at');
    const dispatchEvents = await db('dispatch_events').select('id', 'type', 'at');
    expect(dossierEvents.length).toBeGreaterThan(300);
    expect(dispatchEvents.length).toBeGreaterThan(30);
    expect(outside(dossierEvents)).toEqual([]);
    expect(outside(dispatchEvents)).toEqual([]);
  });

  it('has every refusal made by a head or a leader, at their own step (the engine checks the step’s role)', async () => {
    const db = t.tdb.db;
    const refusals = await db('dossier_events as e')
      .join('user_roles as r', 'r.user_id', 'e.actor_id')
      .where('e.type', 'REFUSE')
      .select('e.id', 'r.role');
    const byEvent = new Map<number, string[]>();
    for (const r of refusals) byEvent.set(r.id, [...(byEvent.get(r.id) ?? []), r.role]);
    expect(byEvent.size).toBeGreaterThan(3);
    expect([...byEvent].filter(([, roles]) => !roles.includes('head') && !roles.includes('leader'))).toEqual([]);
  });

  it('reads as a timeline: receipt first, then one hand-off at a time, each at least a minute after the last', async () => {
    const db = t.tdb.db;
    const odd: string[] = [];
    const check = (key: string, events: Array<{ type: string; at: number | string }>, first?: string) => {
      if (first && events[0]?.type !== first) odd.push(`${key}: starts with ${events[0]?.type}`);
      for (let i = 1; i < events.length; i++)
        if (Number(events[i].at) - Number(events[i - 1].at) < MIN)
          odd.push(`${key}: ${events[i - 1].type} → ${events[i].type} within a minute`);
    };
    const dossiers = await db('dossiers').select('id', 'code', 'received_at');
    const events = await db('dossier_events').orderBy('id').select('dossier_id', 'type', 'at');
    for (const d of dossiers) {
      const own = events.filter((e) => e.dossier_id === d.id);
      check(d.code, own, 'RECEIVE');
      if (own.some((e) => Number(e.at) < Number(d.received_at))) odd.push(`${d.code}: an event before the receipt`);
    }
    const dispatchEvents = await db('dispatch_events').orderBy('id').select('dispatch_id', 'reply_id', 'type', 'at');
    for (const id of new Set(dispatchEvents.map((e) => e.dispatch_id))) {
      const own = dispatchEvents.filter((e) => e.dispatch_id === id);
      check(
        `dispatch ${id}`,
        own.filter((e) => e.reply_id == null),
      );
      const issued = own.find((e) => e.type === 'ISSUE');
      for (const rid of new Set(own.filter((e) => e.reply_id != null).map((e) => e.reply_id))) {
        const reply = own.filter((e) => e.reply_id === rid);
        check(`reply ${rid}`, reply);
        if (!issued || reply.some((e) => Number(e.at) <= Number(issued.at)))
          odd.push(`reply ${rid}: an event before the dispatch was issued`);
      }
    }
    expect(odd).toEqual([]);
  });
});
