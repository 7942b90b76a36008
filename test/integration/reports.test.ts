import request from 'supertest';
import ExcelJS from 'exceljs';
import { ENGINES } from '../helpers/db';
import { buildTestApp, signIn, TestApp, tokenFor } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer, definition } from '../factories/dossiers';
import type { Db } from '../../server/db';
import { defaultPeriod, fullReport, reportScope, summary } from '../../server/services/reports.service';
import { vnDate } from '../../workflows/calendar/time';
import { rebuildReportCounts } from '../../server/services/report-counts.service';

/** Local (UTC+7) wall-clock time → epoch ms. */
const L = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+07:00`);
const START = L('2024-05-01 00:00');
const END = L('2024-07-01 00:00');
const DAY = 86_400_000;
const NOW = Date.now();
const PERIOD = 'tu=2024-05-01&den=2024-06-30';

type UnitKey = 'D' | 'C' | 'S';
interface Spec {
  unit: UnitKey;
  proc: 1 | 2;
  channel?: number;
  received: number;
  due: number;
  status: 'processing' | 'waiting_supplement' | 'result_ready' | 'returned' | 'refused' | 'withdrawn';
  resolved?: number;
  completed?: number;
  onTime?: boolean;
  paused?: number;
  extended?: boolean;
}

/** Every dossier of the fixture; the comments say what each one tests. */
const FIXTURE: Record<string, Spec> = {
  before: {
    unit: 'C',
    proc: 1,
    received: START - 1,
    due: L('2024-05-05 17:00'),
    status: 'returned',
    resolved: L('2024-05-02 10:00'),
    completed: L('2024-05-03 09:00'),
    onTime: true,
  },
  start: {
    unit: 'D',
    proc: 1,
    channel: 2,
    received: START,
    due: L('2024-05-10 17:00'),
    status: 'result_ready',
    resolved: L('2024-05-10 09:00'),
    onTime: true,
  },
  late: {
    unit: 'C',
    proc: 2,
    channel: 3,
    received: L('2024-05-15 09:00'),
    due: L('2024-05-20 17:00'),
    status: 'returned',
    resolved: L('2024-05-25 10:00'),
    completed: L('2024-05-26 10:00'),
    onTime: false,
  },
  last: { unit: 'C', proc: 1, received: END - 1, due: END, status: 'processing' }, // due exactly at the end: not overdue then
  after: { unit: 'C', proc: 1, received: END, due: L('2024-07-20 17:00'), status: 'processing' },
  supp: {
    unit: 'D',
    proc: 2,
    channel: 2,
    received: L('2024-06-03 08:00'),
    due: L('2024-06-10 17:00'),
    status: 'waiting_supplement',
    paused: L('2024-06-05 10:00'),
  },
  suppOver: {
    unit: 'C',
    proc: 1,
    received: L('2024-06-03 08:00'),
    due: L('2024-06-10 17:00'),
    status: 'waiting_supplement',
    paused: L('2024-06-12 10:00'),
  },
  extended: {
    unit: 'C',
    proc: 2,
    received: L('2024-06-01 08:00'),
    due: L('2024-07-10 17:00'),
    status: 'processing',
    extended: true,
  },
  overdue: { unit: 'D', proc: 1, received: L('2024-06-01 08:00'), due: L('2024-06-20 17:00'), status: 'processing' },
  refused: {
    unit: 'C',
    proc: 2,
    channel: 2,
    received: L('2024-06-05 08:00'),
    due: L('2024-06-15 17:00'),
    status: 'refused',
    resolved: L('2024-06-08 10:00'),
    completed: L('2024-06-08 10:00'),
    onTime: true,
  },
  wdStep: {
    unit: 'C',
    proc: 1,
    received: L('2024-06-06 08:00'),
    due: L('2024-06-16 17:00'),
    status: 'withdrawn',
    completed: L('2024-06-09 10:00'),
  },
  wdReady: {
    unit: 'D',
    proc: 1,
    received: L('2024-05-20 08:00'),
    due: L('2024-05-30 17:00'),
    status: 'withdrawn',
    resolved: L('2024-05-28 10:00'),
    onTime: true,
    completed: L('2024-06-02 10:00'),
  },
  wdAfter: {
    unit: 'C',
    proc: 1,
    received: L('2024-06-20 08:00'),
    due: L('2024-06-25 17:00'),
    status: 'withdrawn',
    completed: L('2024-07-05 10:00'),
  },
  resAfter: {
    unit: 'C',
    proc: 2,
    received: L('2024-06-25 08:00'),
    due: L('2024-07-02 17:00'),
    status: 'returned',
    resolved: L('2024-07-03 10:00'),
    completed: L('2024-07-04 10:00'),
    onTime: false,
  },
  oldOpen: { unit: 'D', proc: 1, received: L('2024-03-01 08:00'), due: L('2024-03-15 17:00'), status: 'processing' },
  resAtEnd: {
    unit: 'C',
    proc: 1,
    received: L('2024-06-10 08:00'),
    due: L('2024-06-20 17:00'),
    status: 'result_ready',
    resolved: END,
    onTime: false,
  },
  resEdge: {
    unit: 'D',
    proc: 2,
    received: L('2024-04-20 08:00'),
    due: L('2024-06-10 17:00'),
    status: 'returned',
    resolved: END - 1,
    completed: L('2024-07-02 08:00'),
    onTime: false,
  },
  sib1: { unit: 'S', proc: 1, received: L('2024-05-10 08:00'), due: L('2024-05-12 17:00'), status: 'processing' },
  sib2: {
    unit: 'S',
    proc: 2,
    received: L('2024-06-10 08:00'),
    due: L('2024-06-20 17:00'),
    status: 'returned',
    resolved: L('2024-06-11 10:00'),
    completed: L('2024-06-12 10:00'),
    onTime: true,
  },
  pausedLater: {
    unit: 'C',
    proc: 1,
    received: L('2024-06-15 08:00'),
    due: L('2024-06-20 17:00'),
    status: 'waiting_supplement',
    paused: L('2024-07-05 10:00'),
  },
  pausedLater2: {
    unit: 'C',
    proc: 2,
    received: L('2024-06-15 08:00'),
    due: L('2024-07-03 17:00'),
    status: 'waiting_supplement',
    paused: L('2024-07-05 10:00'),
  },
  recent: { unit: 'C', proc: 1, received: NOW - DAY, due: NOW + 10 * DAY, status: 'processing' },
  recentOver: { unit: 'C', proc: 1, received: NOW - 2 * DAY, due: NOW - 3_600_000, status: 'processing' },
};
const P2_NAME = 'Cấp giấy phép, "đặc biệt"';

/** The figures of contract.md §2 in its key order. */
const fig = (
  received: number,
  resolved: number,
  resolvedOnTime: number,
  resolvedLate: number,
  inProgress: number,
  inProgressOverdue: number,
  onTimeRate: number | null,
) => ({
  received,
  resolved,
  resolvedOnTime,
  resolvedLate,
  inProgress,
  inProgressOverdue,
  onTimeRate,
});
const TREE_D = fig(15, 5, 3, 2, 11, 6, 0.6);
const ONLY_D = fig(4, 2, 1, 1, 3, 2, 0.5);
const ONLY_C = fig(11, 3, 2, 1, 8, 4, 0.6667);
const ONLY_S = fig(2, 1, 1, 0, 1, 1, 1);
const ALL = fig(17, 6, 4, 2, 12, 7, 0.6667);

async function procedure(db: Db, code: string, name: string) {
  const now = Date.now();
  const [pid] = await db('procedures').insert({ code, name, latest_version: 1, created_at: now, updated_at: now });
  const [vid] = await db('procedure_versions').insert({
    procedure_id: pid,
    version: 1,
    definition: JSON.stringify(definition(code, { name })),
    created_at: now,
  });
  return { id: Number(vid), code, name };
}

/** Insert dossier rows directly: the report reads columns, not the machine. */
async function insertDossier(
  db: Db,
  code: string,
  unitId: number,
  proc: { id: number; code: string; name: string },
  s: Omit<Spec, 'unit' | 'proc'>,
) {
  await db('dossiers').insert({
    code,
    procedure_version_id: proc.id,
    procedure_code: proc.code,
    procedure_version: 1,
    procedure_name: proc.name,
    receiving_unit_id: unitId,
    competent_unit_id: unitId,
    handling_unit_id: null,
    state: s.status === 'processing' ? 'review' : s.status,
    status: s.status,
    snapshot: '{}',
    channel: s.channel ?? 1,
    applicant_name: `Người nộp ${code}`,
    applicant: JSON.stringify({ fullName: `Người nộp ${code}` }),
    received_at: s.received,
    start_at: s.received,
    due_at: s.due,
    paused_at: s.paused ?? null,
    resolved_at: s.resolved ?? null,
    completed_at: s.completed ?? null,
    on_time: s.onTime ?? null,
    late_marked: false,
    extended: s.extended ?? false,
    supplement_count: s.paused ? 1 : 0,
    updated_at: Date.now(),
  });
}

/** Cell texts of a table's body rows. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1].replace(/<[^>]+>/g, '').trim()),
  );
}

/** Handlebars escapes `=`, `&` and quotes in attributes and text; read the page as a browser would. */
const decode = (html: string) =>
  html
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
const codesIn = (html: string) => [...html.matchAll(/href="\/ho-so\/([^"]+)"/g)].map((m) => m[1]).sort();
const codes = (...keys: string[]) => keys.map((k) => `RPT-${k}`).sort();

describe.each(ENGINES)('reports on %s', (engine) => {
  let t: TestApp;
  let units: Record<UnitKey | 'P', { id: number; code: string }>;
  const tokens: Record<string, string> = {};
  const users: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const db = t.tdb.db;
    const P = await buildUnit(db, { code: 'TINH', level: 'province', name: 'UBND tỉnh Thử' });
    const D = await buildUnit(db, { code: 'HUYEN', level: 'district', parentId: P.id, name: 'UBND huyện Thử' });
    const C = await buildUnit(db, { code: 'XA', level: 'commune', parentId: D.id, name: 'UBND xã Một' });
    const S = await buildUnit(db, { code: 'HUYENKHAC', level: 'district', parentId: P.id, name: 'UBND huyện Khác' });
    units = { P, D, C, S };
    for (const [key, unitId, roles] of [
      ['admin', null, ['admin']],
      ['d', D.id, ['specialist']],
      ['c', C.id, ['intake']],
      ['s', S.id, ['specialist']],
    ] as const) {
      const u = await buildUser(db, { unitId, roles: [...roles] });
      users[key] = u.username;
      tokens[key] = await tokenFor(t.app, u.username, PASSWORD);
    }
    const procs = { 1: await procedure(db, '1.000001', 'Thủ tục Một'), 2: await procedure(db, '2.000002', P2_NAME) };
    for (const [key, s] of Object.entries(FIXTURE))
      await insertDossier(db, `RPT-${key}`, units[s.unit].id, procs[s.proc], s);
    // 51 dossiers settled in January 2023, for paging: they count nowhere else.
    for (let i = 0; i < 51; i++) {
      const at = L('2023-01-10 08:00') + i * 60_000;
      await insertDossier(db, `OLD-${String(i).padStart(2, '0')}`, C.id, procs[1], {
        received: at,
        due: at + 5 * DAY,
        status: 'returned',
        resolved: at + DAY,
        completed: at + 2 * DAY,
        onTime: true,
      });
    }
    // Rows written straight into the table skip the engine: the admin's rebuild computes their counts.
    await rebuildReportCounts(db);
  });
  afterAll(() => t.close());

  const api = (who: string, qs: string) => request(t.app).get(`/api/v1/reports/summary?${qs}`).set(bearer(tokens[who]));
  const A = 'from=2024-05-01&to=2024-06-30';

  it('computes every figure of the period exactly, over the unit and the units below it', async () => {
    const res = await api('d', A);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual([
      'received',
      'resolved',
      'resolvedOnTime',
      'resolvedLate',
      'inProgress',
      'inProgressOverdue',
      'onTimeRate',
    ]);
    expect(res.body).toEqual(TREE_D);
    expect((await api('d', `${A}&unitCode=HUYEN`)).body).toEqual(TREE_D);
  });

  it('lets staff report on their unit or a unit below it, and hides the rest as 404', async () => {
    expect((await api('d', `${A}&unitCode=XA`)).body).toEqual(ONLY_C);
    expect((await api('c', A)).body).toEqual(ONLY_C);
    expect((await api('s', A)).body).toEqual(ONLY_S);
    for (const [who, unit] of [
      ['d', 'HUYENKHAC'],
      ['d', 'TINH'],
      ['c', 'HUYEN'],
      ['d', 'KHONGCO'],
    ]) {
      const res = await api(who, `${A}&unitCode=${unit}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    // 404 comes before 422 (contract.md §2)
    expect((await api('d', 'from=bad&unitCode=HUYENKHAC')).status).toBe(404);
  });

  it('lets an admin report on any unit, and on every unit without unitCode', async () => {
    expect((await api('admin', A)).body).toEqual(ALL);
    expect((await api('admin', `${A}&unitCode=TINH`)).body).toEqual(ALL);
    expect((await api('admin', `${A}&unitCode=HUYENKHAC`)).body).toEqual(ONLY_S);
    expect((await api('admin', `${A}&unitCode=XA`)).body).toEqual(ONLY_C);
    expect((await api('admin', `${A}&unitCode=KHONGCO`)).status).toBe(404);
  });

  it('refuses bad periods with 422 naming the fields', async () => {
    const cases: Array<[string, string[]]> = [
      ['to=2024-06-30', ['from']],
      ['from=2024-05-01', ['to']],
      ['from=2024-02-30&to=2024-06-30', ['from']],
      ['from=01/05/2024&to=2024-13-01', ['from', 'to']],
      ['from=2024-06-30&to=2024-05-01', ['to']],
      ['from=2020-01-01&to=2025-01-01', ['to']],
    ];
    for (const [qs, fields] of cases) {
      const res = await api('d', qs);
      expect(res.status).toBe(422);
      expect(Object.keys(res.body.error.details.fields).sort()).toEqual(fields);
    }
    expect((await api('d', 'from=2020-01-01&to=2024-12-31')).status).toBe(200); // exactly five years
    expect((await api('d', 'from=2024-05-01&to=2024-05-01')).status).toBe(200);
  });

  it('counts in-progress dossiers as of now when `to` has not ended, like the overdue list', async () => {
    const from = vnDate(new Date(NOW - 10 * DAY));
    const to = vnDate(new Date(NOW + 10 * DAY));
    const res = await api('d', `from=${from}&to=${to}`);
    expect(res.body).toEqual(fig(2, 0, 0, 0, 11, 9, null));
    const overdueList = await request(t.app).get('/api/v1/dossiers?overdue=1').set(bearer(tokens.d));
    expect(overdueList.body.total).toBe(9);
  });

  it('judges in-progress at the moment given when the period reaches past it (service)', async () => {
    const scope = await reportScope(t.tdb.db, { roles: ['specialist'], unitId: units.D.id } as Express.User);
    const s = await summary(t.tdb.db, {
      unitIds: scope.unitIds,
      from: '2024-06-01',
      to: '2024-12-31',
      now: L('2024-06-15 12:00'),
    });
    expect(s).toEqual(fig(13, 4, 1, 3, 9, 3, 0.25));
  });

  it('breaks the figures down per unit, per procedure, per month and by channel', async () => {
    const db = t.tdb.db;
    const scope = await reportScope(db, { roles: ['specialist'], unitId: units.D.id } as Express.User);
    const r = await fullReport(db, scope, { from: '2024-05-01', to: '2024-06-30' }, NOW);
    expect(r.totals).toEqual(TREE_D);
    expect(r.units.map((u) => [u.unit.code, u.unit.depth, u.own, u.subtree])).toEqual([
      ['HUYEN', 0, ONLY_D, TREE_D],
      ['XA', 1, ONLY_C, ONLY_C],
    ]);
    expect(r.procedures).toEqual([
      { code: '1.000001', name: 'Thủ tục Một', figures: fig(9, 2, 2, 0, 7, 6, 1) },
      { code: '2.000002', name: P2_NAME, figures: fig(6, 3, 1, 2, 4, 0, 0.3333) },
    ]);
    expect(r.months).toEqual([
      { label: '05/2024', received: 3, resolved: 3, resolvedOnTime: 2, resolvedLate: 1, onTimeRate: 0.6667 },
      { label: '06/2024', received: 12, resolved: 2, resolvedOnTime: 1, resolvedLate: 1, onTimeRate: 0.5 },
    ]);
    expect(r.channels.map((c) => [c.channel, c.received, c.share])).toEqual([
      [1, 11, 0.7333],
      [2, 3, 0.2],
      [3, 1, 0.0667],
    ]);
  });

  it('shows the report page with formatted figures, tables, charts and drill-down links', async () => {
    const agent = await signIn(t.app, users.d, PASSWORD);
    const res = await agent.get(`/bao-cao?don-vi=HUYEN&${PERIOD}`);
    expect(res.status).toBe(200);
    const html = decode(res.text);
    expect(html).toContain('Báo cáo tình hình giải quyết hồ sơ từ ngày 01/05/2024 đến ngày 30/06/2024');
    const cards = [
      ...html.matchAll(/<span class="report-value">([^<]*)<\/span> <span class="report-label">([^<]*)</g),
    ].map((m) => [m[2], m[1]]);
    expect(cards).toEqual([
      ['Tiếp nhận', '15'],
      ['Đã giải quyết', '5'],
      ['Đúng hạn', '3'],
      ['Trễ hạn', '2'],
      ['Đang giải quyết', '11'],
      ['Quá hạn', '6'],
      ['Tỷ lệ đúng hạn', '60,00%'],
    ]);
    expect(html).toContain('href="/bao-cao/ho-so?don-vi=HUYEN&tu=2024-05-01&den=2024-06-30&chi-so=overdue"');
    expect(tableRows(html, 'theo-don-vi')).toEqual([
      ['UBND huyện Thử', 'Cả đơn vị và cấp dưới', '15', '5', '3', '2', '11', '6', '60,00%'],
      ['UBND huyện Thử', 'Riêng đơn vị', '4', '2', '1', '1', '3', '2', '50,00%'],
      ['UBND xã Một', 'Riêng đơn vị', '11', '3', '2', '1', '8', '4', '66,67%'],
      ['Tổng cộng', '15', '5', '3', '2', '11', '6', '60,00%'],
    ]);
    expect(tableRows(html, 'theo-thu-tuc')).toEqual([
      ['1.000001', 'Thủ tục Một', '9', '2', '2', '0', '7', '6', '100,00%'],
      ['2.000002', P2_NAME, '6', '3', '1', '2', '4', '0', '33,33%'],
    ]);
    expect(tableRows(html, 'theo-thang')).toEqual([
      ['05/2024', '3', '3', '2', '1', '66,67%'],
      ['06/2024', '12', '2', '1', '1', '50,00%'],
    ]);
    expect(html).toContain(
      'href="/bao-cao/ho-so?don-vi=HUYEN&tu=2024-05-01&den=2024-06-30&chi-so=progress&thu-tuc=2.000002"',
    );
    expect(html.match(/<svg [^>]*role="img"/g)).toHaveLength(2);
    expect(html).toContain('05/2024: Tiếp nhận 3, Đã giải quyết 3, Đúng hạn 2');
    expect(html).toContain('Trực tiếp: 11 hồ sơ (73,33%)');
    expect(html).toContain('<link rel="stylesheet" href="/assets/reports.css">');
    expect(res.text).not.toMatch(/ style=|<style/);
    expect((await agent.get('/assets/reports.css')).status).toBe(200);
  });

  it('defaults to the default period for the user’s unit, re-renders bad dates with 422, and 404s outside the tree', async () => {
    const agent = await signIn(t.app, users.c, PASSWORD);
    const today = vnDate(new Date());
    const res = await agent.get('/bao-cao');
    expect(res.status).toBe(200);
    const { from, to } = defaultPeriod(today);
    const vn = (d: string) => d.split('-').reverse().join('/');
    expect(res.text).toContain(`Báo cáo tình hình giải quyết hồ sơ từ ngày ${vn(from)} đến ngày ${vn(to)}`);
    expect(res.text).toContain('<option value="XA" selected>');
    const bad = await agent.get('/bao-cao?tu=2024-06-30&den=2024-05-01');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Ngày kết thúc phải sau hoặc cùng ngày bắt đầu.');
    expect(bad.text).not.toContain('report-cards');
    expect((await agent.get(`/bao-cao?don-vi=HUYEN&${PERIOD}`)).status).toBe(404);
    expect((await agent.get(`/bao-cao/ho-so?don-vi=HUYEN&${PERIOD}&chi-so=received`)).status).toBe(404);
    expect((await agent.get(`/bao-cao/xuat?don-vi=HUYEN&${PERIOD}&bang=units&dinh-dang=csv`)).status).toBe(404);
    const admin = await signIn(t.app, users.admin, PASSWORD);
    const all = await admin.get(`/bao-cao?${PERIOD}`);
    expect(all.text).toContain('<option value="">Tất cả đơn vị</option>');
    expect(all.text).toMatch(/<span class="report-value">17<\/span> <span class="report-label">Tiếp nhận/);
    expect(tableRows(all.text, 'theo-don-vi').map((r) => r.slice(0, r.length - 7))).toEqual([
      ['UBND tỉnh Thử', 'Cả đơn vị và cấp dưới'],
      ['UBND tỉnh Thử', 'Riêng đơn vị'],
      ['UBND huyện Thử', 'Cả đơn vị và cấp dưới'],
      ['UBND huyện Thử', 'Riêng đơn vị'],
      ['UBND xã Một', 'Riêng đơn vị'],
      ['UBND huyện Khác', 'Riêng đơn vị'],
      ['Tổng cộng'],
    ]);
  });

  it('lists the dossiers behind each figure, with links and 50 to a page', async () => {
    const agent = await signIn(t.app, users.d, PASSWORD);
    const behind = async (qs: string) => {
      const res = await agent.get(`/bao-cao/ho-so?${PERIOD}&${qs}`);
      expect(res.status).toBe(200);
      return codesIn(decode(res.text));
    };
    expect(await behind('chi-so=overdue')).toEqual(
      codes('suppOver', 'overdue', 'wdAfter', 'oldOpen', 'resAtEnd', 'pausedLater'),
    );
    expect(await behind('chi-so=resolved')).toEqual(codes('before', 'start', 'late', 'refused', 'resEdge'));
    expect(await behind('chi-so=late')).toEqual(codes('late', 'resEdge'));
    expect(await behind('chi-so=ontime&don-vi=XA')).toEqual(codes('before', 'refused'));
    expect(await behind('chi-so=progress&thu-tuc=2.000002')).toEqual(
      codes('supp', 'extended', 'resAfter', 'pausedLater2'),
    );
    expect(await behind('chi-so=received')).toHaveLength(15);
    expect((await agent.get(`/bao-cao/ho-so?${PERIOD}&chi-so=bogus`)).status).toBe(422);
    const p1 = await agent.get('/bao-cao/ho-so?don-vi=XA&tu=2023-01-01&den=2023-01-31&chi-so=received');
    expect(p1.text).toContain('51 hồ sơ');
    expect(codesIn(p1.text)).toHaveLength(50);
    expect(decode(p1.text)).toContain('chi-so=received&trang=2');
    const p2 = await agent.get('/bao-cao/ho-so?don-vi=XA&tu=2023-01-01&den=2023-01-31&chi-so=received&trang=2');
    expect(codesIn(p2.text)).toEqual(['OLD-50']);
  });

  it('shows each unit’s own figures and its subtree’s, a total row, and unit rows that drill down', async () => {
    const admin = await signIn(t.app, users.admin, PASSWORD);
    const html = decode((await admin.get(`/bao-cao?don-vi=TINH&${PERIOD}`)).text);
    const rows = tableRows(html, 'theo-don-vi');
    const nums = (r: string[]) => r.slice(r.length - 7, r.length - 1).map(Number);
    const line = (name: string, part: string) => rows.find((r) => r[0] === name && r[1] === part)!;
    const own = ['UBND tỉnh Thử', 'UBND huyện Thử', 'UBND xã Một', 'UBND huyện Khác'].map((n) =>
      nums(line(n, 'Riêng đơn vị')),
    );
    const sum = (xs: number[][]) => xs.reduce((a, b) => a.map((v, i) => v + b[i]));
    const values = (f: ReturnType<typeof fig>) => Object.values(f).slice(0, 6);
    // the province has no dossiers of its own here; its subtree is every unit's own figures together
    expect(own[0]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(nums(line('UBND tỉnh Thử', 'Cả đơn vị và cấp dưới'))).toEqual(sum(own));
    expect(sum(own)).toEqual(values(ALL));
    expect(nums(line('UBND huyện Thử', 'Cả đơn vị và cấp dưới'))).toEqual(sum([own[1], own[2]]));
    expect(nums(line('UBND huyện Thử', 'Cả đơn vị và cấp dưới'))).toEqual(values(TREE_D));
    expect(own[1]).toEqual(values(ONLY_D));
    const total = rows[rows.length - 1];
    expect(total[0]).toBe('Tổng cộng');
    expect(nums(total)).toEqual(sum(own));

    // Drill-down: every figure of the unit table and the total row links to exactly that many dossiers.
    const table = /<table[^>]*id="theo-don-vi"[\s\S]*?<\/table>/.exec(html)![0];
    const links = [...table.matchAll(/<a href="(\/bao-cao\/ho-so\?[^"]+)">([\d.]+)<\/a>/g)];
    // six lines and the total, six figures each, less the zeros (an empty list is not linked)
    const figures = [...rows.slice(0, -1).map(nums), nums(total)].flat();
    expect(links.length).toBe(figures.filter((n) => n > 0).length);
    expect(links.length).toBeGreaterThan(20);
    for (const [, href, value] of links) {
      const res = await admin.get(href);
      expect(res.status).toBe(200);
      expect([href, res.text.match(/<caption>([\d.]+) hồ sơ<\/caption>/)?.[1]]).toEqual([href, value]);
    }
    // … and the district's own line lists its own dossiers only, its subtree line those below it too.
    const find = (unit: string, own: boolean, metric: string) =>
      links
        .map(([, h]) => h)
        .find((h) => {
          const q = new URLSearchParams(h.split('?')[1]);
          return q.get('don-vi') === unit && (q.get('rieng') === '1') === own && q.get('chi-so') === metric;
        })!;
    const ownHref = find('HUYEN', true, 'received');
    expect(ownHref).toBe('/bao-cao/ho-so?don-vi=HUYEN&tu=2024-05-01&den=2024-06-30&chi-so=received&rieng=1');
    const ownPage = decode((await admin.get(ownHref)).text);
    expect(codesIn(ownPage)).toEqual(codes('start', 'supp', 'overdue', 'wdReady'));
    expect(ownPage).toContain('UBND huyện Thử (riêng đơn vị)');
    expect(codesIn(decode((await admin.get(find('HUYEN', false, 'received'))).text))).toHaveLength(15);
    expect(codesIn(decode((await admin.get(find('HUYEN', true, 'overdue'))).text))).toEqual(
      codes('overdue', 'oldOpen'),
    );
    // the own-only list stays inside the user's tree
    const agent = await signIn(t.app, users.c, PASSWORD);
    expect((await agent.get(`/bao-cao/ho-so?don-vi=HUYEN&rieng=1&${PERIOD}&chi-so=received`)).status).toBe(404);
  });

  it('opens on last month on the first days of a month and on this month so far after, and says which', async () => {
    const onlyDate = {
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ] as const,
    };
    try {
      jest.useFakeTimers({ ...onlyDate, doNotFake: [...onlyDate.doNotFake], now: L('2024-07-01 08:00') });
      let agent = await signIn(t.app, users.d, PASSWORD);
      const first = decode((await agent.get('/bao-cao')).text);
      expect(first).toContain('Báo cáo tình hình giải quyết hồ sơ từ ngày 01/06/2024 đến ngày 30/06/2024');
      expect(first).toContain('<strong>Số liệu tháng 06/2024</strong>');
      expect(first).toContain('mặc định hiển thị số liệu cả tháng trước');
      expect(tableRows(first, 'theo-don-vi').pop()![1]).toBe('12'); // June's receipts in the district
      jest.setSystemTime(L('2024-07-06 08:00'));
      agent = await signIn(t.app, users.d, PASSWORD);
      const later = decode((await agent.get('/bao-cao')).text);
      expect(later).toContain('Báo cáo tình hình giải quyết hồ sơ từ ngày 01/07/2024 đến ngày 06/07/2024');
      expect(later).toContain('<strong>Từ 01/07/2024 đến nay</strong>');
      expect(later).not.toContain('tháng trước');
    } finally {
      jest.useRealTimers();
    }
  });

  const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  };

  it('exports CSV with a BOM, Vietnamese headers and RFC 4180 quoting', async () => {
    const agent = await signIn(t.app, users.d, PASSWORD);
    const res = await agent
      .get(`/bao-cao/xuat?don-vi=HUYEN&${PERIOD}&bang=procedures&dinh-dang=csv`)
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="bao-cao-theo-thu-tuc-HUYEN-2024-05-01-2024-06-30.csv"',
    );
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body.subarray(3).toString('utf8').split('\r\n')).toEqual([
      'Mã thủ tục,Thủ tục,Tiếp nhận,Đã giải quyết,Đúng hạn,Trễ hạn,Đang giải quyết,Quá hạn,Tỷ lệ đúng hạn (%)',
      '1.000001,Thủ tục Một,9,2,2,0,7,6,"100,00"',
      '2.000002,"Cấp giấy phép, ""đặc biệt""",6,3,1,2,4,0,"33,33"',
      '',
    ]);
    const sum = await agent.get(`/bao-cao/xuat?${PERIOD}&bang=summary&dinh-dang=csv`).buffer(true).parse(binary);
    expect((sum.body as Buffer).toString('utf8').split('\r\n')[1]).toBe('UBND huyện Thử,15,5,3,2,11,6,"60,00"');
    expect((await agent.get(`/bao-cao/xuat?${PERIOD}&bang=x&dinh-dang=pdf`)).status).toBe(422);
  });

  it('exports XLSX that reads back with the same numbers', async () => {
    const agent = await signIn(t.app, users.d, PASSWORD);
    const res = await agent
      .get(`/bao-cao/xuat?don-vi=HUYEN&${PERIOD}&bang=units&dinh-dang=xlsx`)
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="bao-cao-theo-don-vi-HUYEN-2024-05-01-2024-06-30.xlsx"',
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('Theo đơn vị');
    expect(ws.getCell('A1').value).toBe('Báo cáo tình hình giải quyết hồ sơ từ ngày 01/05/2024 đến ngày 30/06/2024');
    expect(ws.getCell('A2').value).toBe('Đơn vị: UBND huyện Thử');
    const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    expect(values(3)).toEqual([
      'Mã đơn vị',
      'Đơn vị tiếp nhận',
      'Số liệu',
      'Tiếp nhận',
      'Đã giải quyết',
      'Đúng hạn',
      'Trễ hạn',
      'Đang giải quyết',
      'Quá hạn',
      'Tỷ lệ đúng hạn (%)',
    ]);
    expect(ws.getCell('A3').font?.bold).toBe(true);
    expect(ws.getCell('J3').font?.bold).toBe(true);
    expect(values(4)).toEqual(['HUYEN', 'UBND huyện Thử', 'Cả đơn vị và cấp dưới', 15, 5, 3, 2, 11, 6, 0.6]);
    expect(values(5)).toEqual(['HUYEN', 'UBND huyện Thử', 'Riêng đơn vị', 4, 2, 1, 1, 3, 2, 0.5]);
    expect(values(6)).toEqual(['XA', 'UBND xã Một', 'Riêng đơn vị', 11, 3, 2, 1, 8, 4, 0.6667]);
    // the total row: the sum of every unit's own figures (ExcelJS reads an empty first cell as a hole)
    expect((ws.getRow(7).values as unknown[]).slice(2)).toEqual(['Tổng cộng', undefined, 15, 5, 3, 2, 11, 6, 0.6]);
    expect(ws.getCell('J6').numFmt).toBe('0.00%');
    expect(ws.rowCount).toBe(7);
  });
});
