import { searchText } from '../workflows/text';
/**
 * The data the transition benchmarks (floor, service, HTTP) work on: a province and a commune, one
 * bench user holding every step role in the commune, a six-step procedure posted through the
 * catalog service, and as many dossiers at the first step as the phases need. The first dossier is
 * received through the real intake service; the others are copies of its rows (same columns, same
 * documents, same visibility rows, same RECEIVE event with its hash), bulk-inserted.
 */
import os from 'node:os';
import path from 'node:path';
import { loadConfig, Config } from '../server/config';
import { setHashCost, hashPassword } from '../server/auth/passwords';
import { insertUnit } from '../server/queries/units.queries';
import { findUserById, insertUser } from '../server/queries/users.queries';
import { findVersion } from '../server/queries/procedures.queries';
import { createVersion, compiledVersion } from '../server/services/catalog.service';
import { receiveDossier } from '../server/services/intake.service';
import { parseBody } from '../server/schemas/validate';
import { intakeSchema } from '../server/schemas/dossier.schema';
import { eventHash } from '../server/services/audit';
import { applyEvent, initialSnapshot, DossierMachine, ProcedureDefinition } from '../workflows/procedure';
import { statusOfState } from '../workflows/status';
import type { BenchDb } from './db';

export const BENCH_PASSWORD = 'mat-khau-do-hieu-nang';

/** Six steps, all in the competent unit (design.md §3 shape). */
export function sixStepProcedure(code = 'BENCH.000001') {
  return {
    code,
    name: 'Thủ tục đo hiệu năng sáu bước',
    field: 'Đo hiệu năng',
    totalDays: 10,
    fee: 0,
    documents: [
      { code: 'DON', name: 'Đơn đề nghị', required: true },
      { code: 'CCCD', name: 'Bản sao căn cước', required: true },
      { code: 'KHAC', name: 'Giấy tờ khác', required: false },
    ],
    steps: [
      { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 16 },
      { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8 },
      { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8 },
      { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4 },
      { code: 'notify', name: 'Thông báo kết quả', role: 'specialist', hours: 4 },
      { code: 'archive', name: 'Lưu hồ sơ', role: 'clerk', hours: 4 },
    ],
  };
}

export interface Dossier {
  id: number;
  code: string;
  version: number;
  state: string;
}

export interface World {
  db: BenchDb;
  config: Config;
  provinceId: number;
  commune: { id: number; code: string };
  user: Express.User;
  username: string;
  versionId: number;
  def: ProcedureDefinition;
  machine: DossierMachine;
  /** Persisted snapshot JSON of each step state (what a FORWARD leaves in the row). */
  snapshots: Map<string, string>;
  /** Create `n` dossiers at the first step and return them. */
  fresh(n: number): Promise<Dossier[]>;
  /** Every dossier code created so far (for the lookups). */
  codes: string[];
}

export function benchConfig(url: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    DATA_DIR: path.join(os.tmpdir(), 'motcua-bench-data'),
    SEED_DEMO: '0',
    JOBS: '0',
    PASSWORD_HASH_COST: '4',
    LOG_LEVEL: 'silent',
    ...extra,
  });
}

export async function buildWorld(db: BenchDb): Promise<World> {
  setHashCost(4);
  const config = benchConfig(db.url);
  const k = db.knex;
  const provinceId = await insertUnit(k, {
    code: 'BENCH.00.T01',
    name: 'UBND tỉnh Đo Hiệu Năng',
    level: 'province',
    parentId: null,
    symbol: 'UBND',
  });
  const communeCode = 'BENCH.01.T01';
  const communeId = await insertUnit(k, {
    code: communeCode,
    name: 'UBND xã Một',
    level: 'commune',
    parentId: provinceId,
    symbol: 'UBND-X1',
  });
  // ensureAdmin runs at server start only on an empty users table; an admin keeps that path quiet.
  await insertUser(k, {
    username: 'admin',
    passwordHash: await hashPassword(BENCH_PASSWORD),
    fullName: 'Quản trị',
    email: null,
    unitId: null,
    roles: ['admin'],
  });
  const username = 'bench';
  const userId = await insertUser(k, {
    username,
    passwordHash: await hashPassword(BENCH_PASSWORD),
    fullName: 'Nguyễn Văn Đo',
    email: 'bench@example.vn',
    unitId: communeId,
    roles: ['intake', 'specialist', 'head', 'leader', 'clerk'],
  });
  const user = (await findUserById(k, userId))!;
  const proc = sixStepProcedure();
  await createVersion(k, proc, null);
  const pv = (await findVersion(k, proc.code))!;
  const { def, machine } = await compiledVersion(k, pv.id);

  const snapshots = new Map<string, string>();
  let snap = initialSnapshot(machine);
  snapshots.set(def.steps[0].code, JSON.stringify(snap));
  for (;;) {
    const r = applyEvent(machine, snap, { type: 'FORWARD' });
    if (!r.ok) break;
    snap = r.snapshot;
    snapshots.set(r.state, JSON.stringify(snap));
    if (r.state === 'result_ready') break;
  }

  // The template: one dossier received by the real intake service.
  const input = parseBody(intakeSchema, {
    procedureCode: proc.code,
    applicant: {
      fullName: 'Nguyễn Văn An',
      idNumber: '094123456789',
      phone: '0912345678',
      address: 'Thôn Một, xã Một',
    },
    documents: ['DON', 'CCCD'],
  });
  const templateCode = await receiveDossier(k, config, user, input);
  const tRow = (await k('dossiers').where({ code: templateCode }).first()) as Record<string, unknown>;
  const tDocs = (await k('dossier_documents').where({ dossier_id: tRow.id }).orderBy('id')) as Array<
    Record<string, unknown>
  >;
  const tUnits = (await k('dossier_units').where({ dossier_id: tRow.id })) as Array<Record<string, unknown>>;
  const tEvents = (await k('dossier_events').where({ dossier_id: tRow.id }).orderBy('id')) as Array<
    Record<string, unknown>
  >;
  const day = templateCode.split('-')[1];

  const dCols = Object.keys(tRow);
  const docCols = Object.keys(tDocs[0]).filter((c) => c !== 'id');
  const unitCols = Object.keys(tUnits[0]);
  const evCols = Object.keys(tEvents[0]).filter((c) => c !== 'id');
  const names = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Hoàng Cường', 'Phạm Thu Dung', 'Hoàng Minh Đức', 'Vũ Thị Hà'];
  let seq = 100_000;
  const codes: string[] = [templateCode];

  async function fresh(n: number): Promise<Dossier[]> {
    const out: Dossier[] = [];
    const BATCH = 2000;
    let nextId = await db.nextId('dossiers');
    for (let done = 0; done < n; done += BATCH) {
      const m = Math.min(BATCH, n - done);
      const dRows: unknown[][] = [];
      const docRows: unknown[][] = [];
      const unitRows: unknown[][] = [];
      const evRows: unknown[][] = [];
      const t = Date.now();
      for (let i = 0; i < m; i++) {
        const id = nextId++;
        const code = `${communeCode}-${day}-${String(seq++).padStart(6, '0')}`;
        const name = names[id % names.length];
        const row: Record<string, unknown> = {
          ...tRow,
          id,
          code,
          applicant_name: name,
          applicant: JSON.stringify({ ...JSON.parse(String(tRow.applicant)), fullName: name }),
          search_text: searchText(code, name),
          received_at: t,
          updated_at: t,
        };
        for (const d of tDocs) docRows.push(docCols.map((c) => (c === 'dossier_id' ? id : d[c])));
        for (const u of tUnits) unitRows.push(unitCols.map((c) => (c === 'dossier_id' ? id : u[c])));
        let prev: string | null = null;
        for (const e of tEvents) {
          const ev: Record<string, unknown> = { ...e, dossier_id: id, at: t };
          ev.hash = prev = eventHash(prev, ev, 'dossier');
          evRows.push(evCols.map((c) => ev[c]));
        }
        // The copy keeps its own latest event's hash, as the app keeps it (migration 031).
        if ('last_event_hash' in row) row.last_event_hash = prev;
        dRows.push(dCols.map((c) => row[c]));
        out.push({ id, code, version: Number(tRow.version), state: String(tRow.state) });
        codes.push(code);
      }
      await db.insertBatch([
        { table: 'dossiers', cols: dCols, rows: dRows },
        { table: 'dossier_documents', cols: docCols, rows: docRows },
        { table: 'dossier_units', cols: unitCols, rows: unitRows },
        { table: 'dossier_events', cols: evCols, rows: evRows },
      ]);
    }
    return out;
  }

  return {
    db,
    config,
    provinceId,
    commune: { id: communeId, code: communeCode },
    user,
    username,
    versionId: pv.id,
    def,
    machine,
    snapshots,
    fresh,
    codes,
  };
}

/** The row values a FORWARD from `state` writes (used by the floor to do the same writes by hand). */
export function forwardPatch(w: World, state: string, at: number) {
  const idx = w.def.steps.findIndex((s) => s.code === state);
  const next = w.def.steps[idx + 1];
  const to = next ? next.code : 'result_ready';
  return {
    to,
    status: statusOfState(to),
    snapshot: w.snapshots.get(to)!,
    handlingUnitId: next ? w.commune.id : w.commune.id,
    stepRole: next ? next.role : 'intake',
    stepStartedAt: next ? at : null,
    stepDueAt: next ? at + next.hours * 3_600_000 : null,
  };
}
