import type { Db } from '../../../server/db';
import type { Config } from '../../../server/config';
import { findUserByUsername, User } from '../../../server/queries/users.queries';
import { findDossierByCode } from '../../../server/queries/dossiers.queries';
import { findUnitById } from '../../../server/queries/units.queries';
import { compiledVersion, createVersion } from '../../../server/services/catalog.service';
import { receiveDossier } from '../../../server/services/intake.service';
import { applyDossierEvent } from '../../../server/services/transition.service';
import { generateResult } from '../../../server/services/results.service';
import { findResult } from '../../../server/queries/results.queries';
import type { DossierEventInput } from '../../../server/services/engine/dossier.kind';
import { getCalendar } from '../../../server/services/calendar.service';
import { SEED_PROCEDURES, SEED_PROCEDURE_UNITS } from './procedures';
import { SEED_USERS } from './users';
import { ProcedureDefinition, stepOf } from '../../../workflows/procedure';
import { intakeSchema } from '../../../server/schemas/dossier.schema';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const NAMES = [
  'Nguyễn Văn An',
  'Trần Thị Bích',
  'Lê Hoàng Nam',
  'Phạm Minh Châu',
  'Huỳnh Thị Diệu',
  'Võ Văn Em',
  'Đặng Thu Hà',
  'Bùi Quốc Khánh',
  'Đỗ Thị Lan',
  'Hồ Văn Lợi',
  'Ngô Thị Mai',
  'Dương Văn Phúc',
  'Lý Thị Quyên',
  'Trương Công Sơn',
  'Châu Thị Thảo',
  'Quách Văn Tú',
];

/** A small deterministic generator: the same demo data on every fresh start. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Electronic results were switched on this many days before "now" in the demo's history. */
const RESULTS_DAYS = 20;

/** A definition without its result: the demo catalogue before electronic results. */
function withoutResult(def: ProcedureDefinition): ProcedureDefinition {
  return { ...def, result: undefined, steps: def.steps.map(({ signs: _s, numbers: _n, ...step }) => step) };
}

/**
 * Post the demo procedures and receive `count` dossiers over the last weeks, walking each through
 * the transition service to a spread of states (in progress, supplement, result, returned, refused,
 * withdrawn, some late), exactly as staff would have.
 */
export async function seedDemoDossiers(db: Db, config: Config, count: number, now = Date.now()): Promise<number> {
  const admin = (await findUserByUsername(db, 'admin'))!;
  // Version 1 of the catalogue as first configured, without electronic results; version 2, posted
  // RESULTS_DAYS ago, adds them (design.md §10). Dossiers keep the version they were received under:
  // older ones end with a paper result, recent ones with a signed, numbered PDF.
  for (const def of SEED_PROCEDURES) await createVersion(db, withoutResult(def as ProcedureDefinition), admin.id);
  let resultsPosted = false;
  const postResults = async () => {
    for (const def of SEED_PROCEDURES as ProcedureDefinition[]) if (def.result) await createVersion(db, def, admin.id);
    resultsPosted = true;
  };
  const users = new Map<string, User>();
  for (const u of SEED_USERS) users.set(u.username, (await findUserByUsername(db, u.username))!);
  const actor = (unitId: number | null, role: string) =>
    [...users.values()].find((u) => u.unitId === unitId && u.roles.includes(role as never));
  const desks = [...users.values()].filter((u) => u.roles.includes('intake'));
  const byLevel = async (level: string) => {
    const out: User[] = [];
    for (const d of desks) if ((await findUnitById(db, d.unitId!))?.level === level) out.push(d);
    return out;
  };
  const deskOf = { commune: await byLevel('commune'), district: await byLevel('district') };
  const defs = SEED_PROCEDURES as ProcedureDefinition[];
  const cal = await getCalendar(db, config);
  const rand = rng(20261125);
  // A working moment, to the minute (a period's end, 11:30 or 17:30, moves to the next period).
  const inOffice = (ms: number) => cal.nextWorkingMoment(new Date(Math.ceil(ms / MINUTE) * MINUTE)).getTime();
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  let made = 0;

  for (let i = 0; i < count; i++) {
    const def = pick(defs);
    const desk = pick(deskOf[SEED_PROCEDURE_UNITS[def.code]]);
    // Received during office hours some time in the last 100 days, older ones first.
    let t = inOffice(now - (100 - (i / count) * 99) * 24 * HOUR - rand() * 4 * HOUR);
    if (t >= now) continue;
    if (!resultsPosted && t >= now - RESULTS_DAYS * 24 * HOUR) await postResults();
    const documents = def.documents.filter((d) => d.required || rand() < 0.5).map((d) => d.code);
    const input = intakeSchema.parse({
      procedureCode: def.code,
      applicant: {
        fullName: pick(NAMES),
        phone: `09${String(10000000 + Math.floor(rand() * 89999999))}`,
        address: 'Bạc Liêu',
      },
      documents,
      channel: pick([1, 1, 1, 2, 2, 3]),
    });
    let code: string;
    try {
      code = await receiveDossier(db, config, desk, input, t);
    } catch {
      continue; // a procedure whose units lack demo users at some level is simply skipped
    }
    made++;
    const fate = rand();
    const old = now - t > 12 * 24 * HOUR;
    // Old dossiers are mostly finished; a few stuck ones make the overdue lists worth looking at.
    const target =
      old && fate < 0.35 && rand() < 0.8
        ? 'returned'
        : fate < 0.35
          ? 'progress'
          : fate < 0.45
            ? 'supplement'
            : fate < 0.55
              ? 'ready'
              : fate < 0.85
                ? 'returned'
                : fate < 0.93
                  ? 'refused'
                  : 'withdrawn';
    const stopAt = target === 'progress' ? Math.floor(rand() * def.steps.length) : def.steps.length;
    // A refusal is decided by whoever approves: at the last step a head or leader acts on (the
    // REFUSE is sent by the current step's role), never at the clerk's numbering step.
    const refuseAt = def.steps.map((s) => s.role).findLastIndex((r) => r === 'leader' || r === 'head');
    for (let guard = 0; guard < 20; guard++) {
      const row = (await findDossierByCode(db, code))!;
      const step = stepOf(def, row.state);
      // Most hand-offs happen within the step's time, some are late; time runs in office hours only,
      // and no two hand-offs of a dossier share a minute.
      const hours = (rand() < 0.85 ? 0.2 + rand() * 0.7 : 1.2 + rand()) * (step ? step.hours : 4);
      t = inOffice(Math.max(cal.addWorkingMs(new Date(t), hours * HOUR).getTime(), t + 10 * MINUTE));
      if (t >= now) break;
      let event: Omit<DossierEventInput, 'version'> | null = null;
      let who: User | undefined;
      if (step) {
        const idx = def.steps.indexOf(step);
        who = actor(row.handling_unit_id, step.role);
        // A dossier reaching the signing step has its result drafted from the procedure's template
        // (design.md §10), so the demo's leaders have something to sign.
        const version = (await compiledVersion(db, row.procedure_version_id)).def;
        if (step.signs && version.result && who && !(await findResult(db, row.id))) {
          await generateResult(db, config, who, code, t);
          continue;
        }
        if (target === 'supplement' && idx === 0 && row.supplement_count === 0)
          event = { type: 'REQUEST_SUPPLEMENT', comment: 'Đề nghị bổ sung bản sao giấy tờ còn thiếu.' };
        else if (target === 'refused' && idx === refuseAt)
          event = { type: 'REFUSE', comment: 'Hồ sơ không đủ điều kiện theo quy định.' };
        else if (target === 'withdrawn' && idx === 1) {
          who = actor(row.receiving_unit_id, 'intake');
          event = { type: 'WITHDRAW', comment: 'Công dân có đơn xin rút hồ sơ.' };
        } else if (target === 'progress' && idx >= stopAt) break;
        else event = { type: 'FORWARD' };
      } else if (row.state === 'result_ready' && target === 'returned') {
        who = actor(row.receiving_unit_id, 'intake');
        event = { type: 'RETURN_RESULT' };
      } else break;
      if (!who || !event) break;
      await applyDossierEvent(db, config, who, code, { ...event, version: row.version }, t);
    }
  }
  return made;
}
