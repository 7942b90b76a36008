import { searchText } from '../workflows/text';
/**
 * Part 6, scale: fill a database with N dossiers (default 1,000,000; BENCH_DOSSIERS) and their
 * events over two years for a province of a hundred units (the province and 99 communes), with
 * batched multi-row inserts in transactions, then time what people wait for at that size: the
 * `mine=1` work list, a dossier page (getDossier + history), the province-year report summary, the
 * full report page (bench/scale-report.ts) and the commune-month register (form 07, /so-theo-doi)
 * when that page exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { setHashCost, hashPassword } from '../server/auth/passwords';
import { insertUnit } from '../server/queries/units.queries';
import { findUserById, insertUser } from '../server/queries/users.queries';
import { findVersion } from '../server/queries/procedures.queries';
import { createVersion, compiledVersion } from '../server/services/catalog.service';
import { eventHash } from '../server/services/audit';
import { getDossier, history, listDossiers } from '../server/services/dossiers.service';
import { dossierJson, eventJson } from '../server/presenters/dossier.presenter';
import { reportScope, summary } from '../server/services/reports.service';
import { listQuerySchema } from '../server/schemas/dossier.schema';
import { vnDate } from '../workflows/calendar';
import {
  applyEvent,
  initialSnapshot,
  DossierEvent,
  DossierMachine,
  PersistedSnapshot,
  ProcedureDefinition,
} from '../workflows/procedure';
import { statusOfState } from '../workflows/status';
import type { Role } from '../workflows/labels';
import { openMysql, openSqlite, BenchDb } from './db';
import { startServer } from './http';
import { log, median, now, percentile, Settings, spread } from './lib';
import type { Report } from './report';
import { reportPageRows, signIn } from './scale-report';
import { BENCH_PASSWORD } from './world';
import { rebuildReportCounts } from '../server/services/report-counts.service';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const COMMUNES = 99;
const PROCEDURES = 20;

/** Deterministic pseudo-random numbers (mulberry32), so two runs load the same data. */
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

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Hoàng',
  'Huỳnh',
  'Phan',
  'Vũ',
  'Võ',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Hồ',
  'Ngô',
  'Dương',
  'Lý',
];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Minh', 'Thanh', 'Ngọc', 'Quốc', 'Đức', 'Thu', 'Hoàng'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dung',
  'Đức',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hùng',
  'Hương',
  'Khánh',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Nam',
  'Nga',
  'Phong',
  'Phương',
  'Quân',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trang',
  'Tuấn',
  'Việt',
  'Yến',
];
const ROLES: Role[] = ['specialist', 'head', 'leader', 'clerk'];

function procedureDef(i: number, rand: () => number) {
  const nSteps = 3 + (i % 4);
  const steps = Array.from({ length: nSteps }, (_, k) => ({
    code: `b${k + 1}_${['tham_dinh', 'xem_xet', 'ky_duyet', 'vao_so', 'thong_bao', 'luu'][k]}`,
    name: `Bước ${k + 1}`,
    role: k === 0 ? 'specialist' : ROLES[(k + Math.floor(rand() * 4)) % 4],
    hours: [4, 8, 8, 16][Math.floor(rand() * 4)],
  }));
  const hours = steps.reduce((a, s) => a + s.hours, 0);
  return {
    code: `SCALE.${String(i + 1).padStart(6, '0')}`,
    name: `Thủ tục hành chính số ${i + 1}`,
    field: `Lĩnh vực ${(i % 6) + 1}`,
    totalDays: Math.ceil(hours / 8) + Math.floor(rand() * 5),
    fee: 0,
    documents: [
      { code: 'DON', name: 'Đơn đề nghị', required: true },
      { code: 'CCCD', name: 'Bản sao căn cước', required: true },
      ...(i % 2 ? [{ code: 'KHAC', name: 'Giấy tờ khác', required: false }] : []),
    ],
    steps,
  };
}

interface Proc {
  versionId: number;
  version: number;
  def: ProcedureDefinition;
  machine: DossierMachine;
  weight: number;
  snapshots: Map<string, string>;
}

interface Unit {
  id: number;
  code: string;
  specialist: number;
  intake: number;
  specialistName: string;
  specialistUsername: string;
}

/** The persisted snapshot after a path of events, computed once per distinct path by the real machine. */
function snapshotFor(p: Proc, path: DossierEvent[]): string {
  const key = path.map((e) => e.type).join(',');
  let hit = p.snapshots.get(key);
  if (!hit) {
    let s: PersistedSnapshot = initialSnapshot(p.machine);
    for (const e of path) {
      const r = applyEvent(p.machine, s, e);
      if (!r.ok) throw new Error(`generator made an impossible path ${key}`);
      s = r.snapshot;
    }
    hit = JSON.stringify(s);
    p.snapshots.set(key, hit);
  }
  return hit;
}

interface World {
  province: { id: number; code: string };
  units: Unit[];
  procs: Proc[];
  leaderId: number;
  from: number;
  to: number;
}

async function buildScaleWorld(db: BenchDb, rand: () => number): Promise<World> {
  setHashCost(4);
  const k = db.knex;
  const hash = await hashPassword(BENCH_PASSWORD);
  await insertUser(k, {
    username: 'admin',
    passwordHash: hash,
    fullName: 'Quản trị',
    email: null,
    unitId: null,
    roles: ['admin'],
  });
  const provinceCode = 'SCALE.00.P01';
  const provinceId = await insertUnit(k, {
    code: provinceCode,
    name: 'UBND tỉnh Quy Mô',
    level: 'province',
    parentId: null,
    symbol: 'UBND',
  });
  const leaderId = await insertUser(k, {
    username: 'ld_tinh',
    passwordHash: hash,
    fullName: 'Lê Văn Tỉnh',
    email: null,
    unitId: provinceId,
    roles: ['leader', 'specialist'],
  });
  const units: Unit[] = [];
  for (let i = 1; i <= COMMUNES; i++) {
    const code = `SCALE.${String(i).padStart(2, '0')}.X${String(i).padStart(2, '0')}`;
    const id = await insertUnit(k, {
      code,
      name: `UBND xã Số ${i}`,
      level: 'commune',
      parentId: provinceId,
      symbol: `UBND-X${i}`,
    });
    const specialistName = `${FAMILY[i % FAMILY.length]} Văn Chuyên ${i}`;
    const specialist = await insertUser(k, {
      username: `cv${i}`,
      passwordHash: hash,
      fullName: specialistName,
      email: null,
      unitId: id,
      roles: ['specialist', 'head', 'leader', 'clerk'],
    });
    const intake = await insertUser(k, {
      username: `mc${i}`,
      passwordHash: hash,
      fullName: `Trần Thị Một Cửa ${i}`,
      email: null,
      unitId: id,
      roles: ['intake'],
    });
    units.push({ id, code, specialist, intake, specialistName, specialistUsername: `cv${i}` });
  }
  const procs: Proc[] = [];
  for (let i = 0; i < PROCEDURES; i++) {
    const d = procedureDef(i, rand);
    await createVersion(k, d, null);
    const pv = (await findVersion(k, d.code))!;
    const { def, machine } = await compiledVersion(k, pv.id);
    procs.push({ versionId: pv.id, version: pv.version, def, machine, weight: 1 / (i + 1), snapshots: new Map() });
  }
  const to = Date.now();
  return { province: { id: provinceId, code: provinceCode }, units, procs, leaderId, from: to - 730 * DAY, to };
}

const D_COLS = [
  'id',
  'code',
  'procedure_version_id',
  'procedure_code',
  'procedure_version',
  'procedure_name',
  'receiving_unit_id',
  'competent_unit_id',
  'handling_unit_id',
  'state',
  'status',
  'step_role',
  'step_started_at',
  'step_due_at',
  'snapshot',
  'version',
  'channel',
  'applicant_name',
  'applicant',
  'note',
  'received_at',
  'start_at',
  'due_at',
  'paused_at',
  'resolved_at',
  'completed_at',
  'on_time',
  'late_marked',
  'extended',
  'supplement_count',
  'created_by',
  'updated_at',
  'search_text',
];
const E_COLS = [
  'dossier_id',
  'type',
  'from_state',
  'to_state',
  'actor_id',
  'actor_username',
  'actor_name',
  'actor_unit_code',
  'comment',
  'at',
  'step_due_at',
  'on_time',
  'dossier_version',
  'data',
  'hash',
];

/** Fill the database; returns how long it took and what it holds. */
async function generate(db: BenchDb, w: World, n: number, rand: () => number) {
  const t0 = now();
  const bar = new cliProgress.SingleBar(
    {
      format: 'generating {bar} {percentage}% | {value}/{total} dossiers | {rate}/s | ETA {eta_formatted}',
      stream: process.stderr,
      etaBuffer: 50,
      fps: 2,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 15_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(n, 0, { rate: 0 });
  const totalWeight = w.procs.reduce((a, p) => a + p.weight, 0);
  const pickProc = () => {
    let x = rand() * totalWeight;
    for (const p of w.procs) if ((x -= p.weight) <= 0) return p;
    return w.procs[w.procs.length - 1];
  };
  const seqs = new Map<string, number>();
  let nextId = await db.nextId('dossiers');
  const span = w.to - w.from;
  const BATCH = db.kind === 'mysql' ? 2500 : 5000;
  let events = 0;
  let docs = 0;
  for (let done = 0; done < n; done += BATCH) {
    const m = Math.min(BATCH, n - done);
    const dRows: unknown[][] = [];
    const docRows: unknown[][] = [];
    const unitRows: unknown[][] = [];
    const evRows: unknown[][] = [];
    for (let j = 0; j < m; j++) {
      const idx = done + j;
      const id = nextId++;
      const unit = w.units[Math.floor(rand() * w.units.length)];
      const p = pickProc();
      const def = p.def;
      // Received in working hours-ish, in order over the two years.
      const receivedAt = Math.floor(w.from + (idx / n) * span + rand() * (span / n));
      const day = vnDate(new Date(receivedAt)).replace(/-/g, '').slice(2);
      const seqKey = `${unit.code}|${day}`;
      const seq = (seqs.get(seqKey) ?? 0) + 1;
      seqs.set(seqKey, seq);
      const code = `${unit.code}-${day}-${String(seq).padStart(4, '0')}`;
      const name = `${FAMILY[Math.floor(rand() * FAMILY.length)]} ${MIDDLE[Math.floor(rand() * MIDDLE.length)]} ${GIVEN[Math.floor(rand() * GIVEN.length)]}`;
      const channel = rand() < 0.6 ? 1 : rand() < 0.9 ? 2 : 3;
      let dueAt = receivedAt + def.totalDays * 1.4 * DAY;
      const actor = {
        id: unit.specialist,
        username: unit.specialistUsername,
        name: unit.specialistName,
        unit: unit.code,
      };
      const evs: Array<Record<string, unknown>> = [];
      const path: DossierEvent[] = [];
      let version = 1;
      const ev = (
        type: string,
        from: string | null,
        to: string,
        at: number,
        stepDue: number | null,
        onTime: boolean | null,
        comment: string | null = null,
        data: string | null = null,
      ) => {
        evs.push({
          dossier_id: id,
          type,
          from_state: from,
          to_state: to,
          actor_id: actor.id,
          actor_username: actor.username,
          actor_name: actor.name,
          actor_unit_code: actor.unit,
          comment,
          at,
          step_due_at: stepDue,
          on_time: onTime,
          dossier_version: version,
          data,
        });
      };
      const firstDue = receivedAt + def.steps[0].hours * 3 * HOUR;
      ev('RECEIVE', null, def.steps[0].code, receivedAt, firstDue, null, null, JSON.stringify({ dueAt, channel }));
      // Walk the steps until the process ends or reaches "now".
      let t = receivedAt;
      let state = def.steps[0].code;
      let stepIdx = 0;
      let stepStarted = receivedAt;
      let stepDue: number | null = firstDue;
      let pausedAt: number | null = null;
      let resolvedAt: number | null = null;
      let completedAt: number | null = null;
      let supplements = 0;
      const refuseAt = rand() < 0.03 ? Math.floor(rand() * def.steps.length) : -1;
      const supplementAt = rand() < 0.04 ? Math.floor(rand() * def.steps.length) : -1;
      const withdrawAt = rand() < 0.01 ? Math.floor(rand() * def.steps.length) : -1;
      const slow = rand() < 0.08 ? 2.5 : 1;
      for (;;) {
        const step = def.steps[stepIdx];
        if (stepIdx === supplementAt && supplements === 0) {
          const at = t + rand() * step.hours * 2 * HOUR;
          if (at > w.to) break;
          version++;
          path.push({ type: 'REQUEST_SUPPLEMENT', comment: 'Bổ sung giấy tờ' });
          ev('REQUEST_SUPPLEMENT', state, 'waiting_supplement', at, stepDue, null, 'Bổ sung bản sao giấy tờ còn thiếu');
          supplements = 1;
          pausedAt = at;
          state = 'waiting_supplement';
          t = at;
          const back = at + (1 + rand() * 5) * DAY;
          if (back > w.to) break;
          version++;
          path.push({ type: 'SUPPLEMENT_RECEIVED' });
          ev('SUPPLEMENT_RECEIVED', state, step.code, back, null, null);
          dueAt += back - at;
          state = step.code;
          pausedAt = null;
          t = back;
          stepStarted = back;
          stepDue = back + step.hours * 3 * HOUR;
        }
        if (stepIdx === withdrawAt) {
          const at = t + rand() * step.hours * 3 * HOUR;
          if (at > w.to) break;
          version++;
          path.push({ type: 'WITHDRAW', comment: 'Rút hồ sơ' });
          ev('WITHDRAW', state, 'withdrawn', at, null, null, 'Công dân xin rút hồ sơ');
          state = 'withdrawn';
          completedAt = at;
          break;
        }
        const took = step.hours * 3 * HOUR * (0.1 + rand() * 1.1) * slow;
        const at = t + took;
        if (at > w.to) break;
        version++;
        if (stepIdx === refuseAt) {
          path.push({ type: 'REFUSE', comment: 'Không đủ điều kiện' });
          ev(
            'REFUSE',
            state,
            'refused',
            at,
            stepDue,
            stepDue == null ? null : at <= stepDue,
            'Hồ sơ không đủ điều kiện giải quyết',
          );
          state = 'refused';
          resolvedAt = completedAt = at;
          break;
        }
        const next = def.steps[stepIdx + 1];
        const to = next ? next.code : 'result_ready';
        path.push({ type: 'FORWARD' });
        ev('FORWARD', state, to, at, stepDue, stepDue == null ? null : at <= stepDue);
        t = at;
        state = to;
        if (!next) {
          resolvedAt = at;
          const back = at + rand() * 4 * DAY;
          if (back <= w.to && rand() < 0.97) {
            version++;
            path.push({ type: 'RETURN_RESULT' });
            ev('RETURN_RESULT', 'result_ready', 'returned', back, null, null);
            state = 'returned';
            completedAt = back;
          }
          break;
        }
        stepIdx++;
        stepStarted = at;
        stepDue = at + next.hours * 3 * HOUR;
      }
      const step = def.steps.find((s) => s.code === state);
      const atDesk = state === 'waiting_supplement' || state === 'result_ready';
      const final = state === 'returned' || state === 'refused' || state === 'withdrawn';
      const onTime = resolvedAt == null ? null : resolvedAt <= dueAt && supplements < 2;
      dRows.push([
        id,
        code,
        p.versionId,
        def.code,
        p.version,
        def.name,
        unit.id,
        unit.id,
        final ? null : unit.id,
        state,
        statusOfState(state),
        step ? step.role : atDesk ? 'intake' : null,
        step ? stepStarted : null,
        step ? stepDue : null,
        snapshotFor(p, path),
        version,
        channel,
        name,
        JSON.stringify({
          fullName: name,
          idNumber: String(100000000000 + id),
          phone: '09' + String(10000000 + (id % 89999999)),
          email: null,
          address: `Thôn ${1 + (id % 12)}, ${unit.code}`,
        }),
        null,
        receivedAt,
        receivedAt,
        Math.floor(dueAt),
        pausedAt,
        resolvedAt,
        completedAt,
        onTime,
        false,
        false,
        supplements,
        unit.intake,
        Math.max(t, completedAt ?? 0),
        searchText(code, name),
      ]);
      for (const d of def.documents) {
        docRows.push([id, d.code, d.name, d.required, d.required]);
        docs++;
      }
      unitRows.push([id, unit.id]);
      let prev: string | null = null;
      for (const e of evs) {
        e.hash = prev = eventHash(prev, e, 'dossier');
        evRows.push(E_COLS.map((c) => e[c]));
      }
      events += evs.length;
    }
    await db.insertBatch([
      { table: 'dossiers', cols: D_COLS, rows: dRows },
      { table: 'dossier_documents', cols: ['dossier_id', 'code', 'name', 'required', 'received'], rows: docRows },
      { table: 'dossier_units', cols: ['dossier_id', 'unit_id'], rows: unitRows },
      { table: 'dossier_events', cols: E_COLS, rows: evRows },
    ]);
    const elapsed = (now() - t0) / 1000;
    bar.update(done + m, { rate: Math.round((done + m) / elapsed) });
  }
  bar.stop();
  if (db.kind === 'mysql') {
    for (const t of ['dossiers', 'dossier_events', 'dossier_units', 'dossier_documents'])
      await db.knex.raw(`ANALYZE TABLE \`${t}\``);
  }
  return { seconds: (now() - t0) / 1000, events, docs };
}

export async function scaleSuite(kind: 'sqlite' | 'mysql', s: Settings, report: Report): Promise<void> {
  const n = s.dossiers;
  const db =
    kind === 'sqlite'
      ? await openSqlite('scale')
      : await openMysql(s.mysqlUrl!, 'scale', s.mysqlPool, { keep: s.keep });
  const suiteName = `${kind === 'sqlite' ? 'SQLite' : 'MySQL'} scale ${n.toLocaleString('en-US')} dossiers`;
  const info = report.suite(suiteName, db.version);
  const rand = rng(20261125);
  try {
    const w = await buildScaleWorld(db, rand);
    log(`${suiteName}: generating`);
    const g = await generate(db, w, n, rand);
    info.notes.push(
      `generated ${n.toLocaleString('en-US')} dossiers, ${g.events.toLocaleString('en-US')} events, ${g.docs.toLocaleString('en-US')} document rows over 2 years for 1 province + ${COMMUNES} communes, ${PROCEDURES} procedures, in ${g.seconds.toFixed(0)} s (${Math.round(n / g.seconds).toLocaleString('en-US')} dossiers/s)`,
    );
    report.raw[`${suiteName}.generate`] = g;
    // The generator writes rows straight into the tables, past the engine: the admin's rebuild
    // computes the report counts from them (as `npm run reports:rebuild` does), timed for the note.
    const tb = now();
    const built = await rebuildReportCounts(db.knex);
    info.notes.push(
      `report counts rebuilt from ${built.dossiers.toLocaleString('en-US')} dossiers: ${built.cells.toLocaleString('en-US')} rows in ${((now() - tb) / 1000).toFixed(0)} s`,
    );
    const k = db.knex;
    const R = s.rounds;
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const users = new Map<number, Express.User>();
    const userOf = async (id: number) => {
      let u = users.get(id);
      if (!u) users.set(id, (u = (await findUserById(k, id))!));
      return u;
    };

    // Work list (mine=1) of commune staff who hold every step role.
    const mine = listQuerySchema.parse({ mine: '1' });
    const worklist: number[] = [];
    const worklistRows: number[] = [];
    for (let r = 0; r <= R; r++) {
      const lat: number[] = [];
      for (let i = 0; i < 40; i++) {
        const u = await userOf(pick(w.units).specialist);
        const t0 = now();
        const res = await listDossiers(k, u, mine);
        res.items.map(dossierJson);
        lat.push(now() - t0);
        worklistRows.push(res.total);
      }
      if (r > 0) worklist.push(percentile(lat, 95)); // round 0 warms up
    }
    report.add({
      suite: suiteName,
      name: 'work list mine=1 (commune staff), p95',
      unit: 'ms',
      value: spread(worklist),
      target: { op: '<=', value: 50, label: '≤ 50 ms' },
    });
    info.notes.push(`work list: ${Math.round(median(worklistRows))} dossiers in a commune user's list (median total)`);

    // Dossier page: getDossier + history for random dossiers, as a user of the receiving unit.
    const maxId = (await db.nextId('dossiers')) - 1;
    const page: number[] = [];
    for (let r = 0; r <= R; r++) {
      const lat: number[] = [];
      for (let i = 0; i < 60; i++) {
        const id = 1 + Math.floor(rand() * maxId);
        const row = (await k('dossiers').where({ id }).first('code', 'receiving_unit_id')) as
          { code: string; receiving_unit_id: number } | undefined;
        if (!row) continue;
        const unit = w.units.find((u) => u.id === row.receiving_unit_id)!;
        const u = await userOf(unit.intake);
        const t0 = now();
        dossierJson(await getDossier(k, u, row.code));
        (await history(k, u, row.code)).map(eventJson);
        lat.push(now() - t0);
      }
      if (r > 0) page.push(percentile(lat, 95));
    }
    report.add({
      suite: suiteName,
      name: 'dossier page getDossier + history, p95',
      unit: 'ms',
      value: spread(page),
      target: { op: '<=', value: 50, label: '≤ 50 ms' },
    });

    // Province-year report summary (the function behind GET /api/v1/reports/summary).
    const leader = await userOf(w.leaderId);
    const year = new Date(w.to).getUTCFullYear() - 1;
    const scope = await reportScope(k, leader, w.province.code);
    const rep: number[] = [];
    for (let r = 0; r <= R; r++) {
      const t0 = now();
      const sum = await summary(k, {
        unitIds: scope.unitIds,
        from: `${year}-01-01`,
        to: `${year}-12-31`,
        now: Date.now(),
      });
      const ms = now() - t0;
      if (r > 0) rep.push(ms);
      else info.notes.push(`report ${year} for the province: ${JSON.stringify(sum)}`);
    }
    report.add({
      suite: suiteName,
      name: `report summary, province, year ${year}`,
      unit: 'ms',
      value: spread(rep),
      target: { op: '<=', value: 200, label: '≤ 200 ms' },
    });
    // The full report page at this size: its data and the page itself (bench/scale-report.ts).
    await reportPageRows({
      db,
      s,
      report,
      suite: suiteName,
      info,
      leader,
      password: BENCH_PASSWORD,
      provinceCode: w.province.code,
      year,
    });

    // (info) row: one warm-up and up to three timed runs, fewer when one run alone takes over 10 s.
    // (info) The list without mine for the province leader: count(*) over everything visible.
    const plain = listQuerySchema.parse({});
    const lst: number[] = [];
    for (let r = 0; r <= Math.min(R, 3); r++) {
      const t0 = now();
      (await listDossiers(k, leader, plain)).items.map(dossierJson);
      const ms = now() - t0;
      if (r > 0) lst.push(ms);
      if (ms > 10_000 && lst.length) break;
    }
    report.add({
      suite: suiteName,
      name: '(info) list page 1, no filter, province user',
      unit: 'ms',
      value: spread(lst),
    });

    // Form 07, the commune-month register, through the real page when it exists.
    const printFile = path.resolve(__dirname, '../server/handlers/print.pages.ts');
    const placeholder = fs.existsSync(printFile) && /PLACEHOLDER/.test(fs.readFileSync(printFile, 'utf8'));
    const month = new Date(w.to - 40 * DAY);
    const y = month.getUTCFullYear();
    const mm = month.getUTCMonth() + 1;
    const last = new Date(Date.UTC(y, mm, 0)).getUTCDate();
    const unit = w.units[0];
    const qs = `don-vi=${encodeURIComponent(unit.code)}&tu=${y}-${String(mm).padStart(2, '0')}-01&den=${y}-${String(mm).padStart(2, '0')}-${last}`;
    if (placeholder) {
      info.notes.push(
        'form 07 register (/so-theo-doi): skipped, server/handlers/print.pages.ts is still a placeholder (the page answers 404)',
      );
    } else {
      const server = await startServer(db.url, { logLevel: 'warn' }).catch((err: Error) => {
        info.notes.push(`form 07 register (/so-theo-doi?${qs}): not timed, ${err.message}`);
        return null;
      });
      if (server)
        try {
          const cookie = await signIn(server.base, `mc1`, BENCH_PASSWORD);
          const reg: number[] = [];
          let status = 0;
          let bytes = 0;
          for (let r = 0; r <= R; r++) {
            const t0 = now();
            const res = await fetch(`${server.base}/so-theo-doi?${qs}`, { headers: { cookie } });
            const body = await res.text();
            const ms = now() - t0;
            status = res.status;
            bytes = body.length;
            if (r > 0) reg.push(ms);
          }
          if (status === 200) {
            report.add({
              suite: suiteName,
              name: `form 07 register, commune, ${y}-${String(mm).padStart(2, '0')}`,
              unit: 'ms',
              value: spread(reg),
              target: { op: '<=', value: 1000, label: '≤ 1 s' },
            });
            info.notes.push(`form 07: GET /so-theo-doi?${qs} → ${status}, ${Math.round(bytes / 1024)} kB`);
          } else info.notes.push(`form 07 register (/so-theo-doi?${qs}): skipped, the page answered ${status}`);
        } finally {
          await server.stop();
        }
    }
  } finally {
    await db.close();
  }
}
