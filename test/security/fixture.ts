/**
 * The security tests' world: province P → district D → communes A, B, C; one user per role in each of
 * A (the dossier's own unit), B (another commune), D (the parent district) and P (the province), plus
 * an admin with no unit. Helpers build dossiers and dispatches in a chosen state through the real API.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { PDFDocument } from 'pdf-lib';
import type { Db } from '../../server/db';
import { tokenFor } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer, definition } from '../factories/dossiers';
import { vnDate } from '../../workflows/calendar';
import type { Role } from '../../workflows/labels';

export type Rel = 'own' | 'other' | 'parent' | 'province';
export const RELS: Rel[] = ['own', 'other', 'parent', 'province'];
export const STAFF_ROLES = ['intake', 'specialist', 'head', 'leader', 'clerk'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who calls: a staff role in a unit related to commune A, or the admin (no unit). */
export interface Principal {
  key: string;
  role: Role;
  rel: Rel | 'none';
  username: string;
  token: string;
}

export const PROC = 'SEC.1';
/** Inter-level procedure: the first step is done by the competent unit's parent (the district). */
export const PROC_LT = 'SEC.LT';
/** A procedure with a result (design.md §10): A's leader signs it, A's clerk numbers it (A has a symbol). */
export const PROC_RES = 'SEC.KQ';

/** A small real PDF (pdf-lib, classic xref) whose bytes differ per call, for the result routes. */
export async function resultPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Du thao ${crypto.randomBytes(8).toString('hex')}`);
  doc.addPage([595.28, 841.89]);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

export interface SecWorld {
  units: Record<'P' | 'D' | 'A' | 'B' | 'C', { id: number; code: string }>;
  principals: Principal[];
  by: (role: Role, rel: Rel | 'none') => Principal;
  /** A specialist of C (a second recipient of the dispatches). */
  cSpecialist: Principal;
}

const UNIT_OF: Record<Rel, 'A' | 'B' | 'D' | 'P'> = { own: 'A', other: 'B', parent: 'D', province: 'P' };

export async function buildSecWorld(
  app: Express,
  db: Db,
  names: Partial<Record<'P' | 'D' | 'A' | 'B' | 'C', string>> = {},
  fullName = (k: string) => `Cán bộ ${k}`,
): Promise<SecWorld> {
  const P = await buildUnit(db, { level: 'province', name: names.P ?? 'UBND tỉnh An Ninh', symbol: 'UBND-T' });
  const D = await buildUnit(db, {
    level: 'district',
    parentId: P.id,
    name: names.D ?? 'UBND huyện An Ninh',
    symbol: 'UBND-H',
  });
  const A = await buildUnit(db, { level: 'commune', parentId: D.id, name: names.A ?? 'UBND xã Một', symbol: 'UBND-A' });
  const B = await buildUnit(db, { level: 'commune', parentId: D.id, name: names.B ?? 'UBND xã Hai' });
  const C = await buildUnit(db, { level: 'commune', parentId: D.id, name: names.C ?? 'UBND xã Ba' });
  const units = { P, D, A, B, C };
  const principals: Principal[] = [];
  const add = async (key: string, role: Role, rel: Rel | 'none', unitId: number | null) => {
    const u = await buildUser(db, { unitId, roles: [role], fullName: fullName(key) });
    principals.push({ key, role, rel, username: u.username, token: await tokenFor(app, u.username, PASSWORD) });
  };
  await add('admin', 'admin', 'none', null);
  for (const rel of RELS)
    for (const role of STAFF_ROLES) await add(`${role}@${UNIT_OF[rel]}`, role, rel, units[UNIT_OF[rel]].id);
  const c = await buildUser(db, { unitId: C.id, roles: ['specialist'], fullName: fullName('specialist@C') });
  const cSpecialist: Principal = {
    key: 'specialist@C',
    role: 'specialist',
    rel: 'other',
    username: c.username,
    token: await tokenFor(app, c.username, PASSWORD),
  };
  const admin = principals[0];
  const post = (path: string, body: object) => request(app).post(`/api/v1${path}`).set(bearer(admin.token)).send(body);
  const defs = [
    definition(PROC),
    definition(PROC_LT, {
      steps: [
        { code: 'review', name: 'Thẩm định liên thông', role: 'specialist', hours: 16, unit: 'parent' },
        { code: 'sign', name: 'Ký', role: 'leader', hours: 8 },
      ],
    }),
    definition(PROC_RES, {
      result: { name: 'Quyết định tặng Giấy khen', kind: 'QĐ' },
      steps: [
        { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 48 },
        { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8 },
        { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8, signs: true },
        { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4, numbers: true },
      ],
    }),
  ];
  for (const d of defs) {
    const res = await post('/procedures', d);
    if (res.status !== 201) throw new Error(`procedure: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const by = (role: Role, rel: Rel | 'none') => principals.find((p) => p.role === role && p.rel === rel)!;
  return { units, principals, by, cSpecialist };
}

/** Drives dossiers and dispatches through the API into the states a test needs. */
export function driver(app: Express, w: SecWorld) {
  const api = (token: string) => ({
    get: (path: string) => request(app).get(`/api/v1${path}`).set(bearer(token)),
    post: (path: string, body: object) => request(app).post(`/api/v1${path}`).set(bearer(token)).send(body),
    put: (path: string, body: object) => request(app).put(`/api/v1${path}`).set(bearer(token)).send(body),
  });
  const ok = async (p: Promise<request.Response>, what: string) => {
    const res = await p;
    if (res.status >= 300) throw new Error(`fixture step "${what}" failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const A = (role: Role) => api(w.by(role, 'own').token);
  const D = (role: Role) => api(w.by(role, 'parent').token);
  const ev = (role: Role, code: string, body: object) =>
    ok(A(role).post(`/dossiers/${code}/events`, body), `${role} ${JSON.stringify(body)}`);
  const dayAfter = (days: number) => vnDate(new Date(Date.now() + days * 86_400_000));

  return {
    api,
    /** A dossier received at A by A's intake, in its first step (specialist of A). */
    async dossier(
      over: Record<string, unknown> = {},
      procedureCode = PROC,
    ): Promise<{ code: string; version: number }> {
      const body = {
        procedureCode,
        applicant: { fullName: 'Nguyễn Văn An', phone: '0912345678' },
        documents: ['TO_TRINH', 'BAO_CAO'],
        ...over,
      };
      const d = await ok(A('intake').post('/dossiers', body), 'intake');
      return { code: d.code, version: d.version };
    },
    async atCheck() {
      const d = await this.dossier();
      await ev('specialist', d.code, { type: 'FORWARD', version: 1 });
      return { code: d.code, version: 2 };
    },
    async waitingSupplement() {
      const d = await this.dossier();
      await ev('specialist', d.code, { type: 'REQUEST_SUPPLEMENT', version: 1, comment: 'Thiếu bản sao' });
      return { code: d.code, version: 2 };
    },
    async resultReady() {
      const d = await this.dossier();
      let v = 1;
      for (const role of ['specialist', 'head', 'leader', 'clerk'] as const)
        await ev(role, d.code, { type: 'FORWARD', version: v++ });
      return { code: d.code, version: v };
    },
    /**
     * A dossier of the procedure with a result (PROC_RES) at `stage`: at `review` and `sign` without a
     * draft; at `number` (signed by A's leader) and `result_ready` (numbered by A's clerk) with one.
     */
    async withResult(stage: 'review' | 'sign' | 'number' | 'result_ready'): Promise<{ code: string; version: number }> {
      const d = await this.dossier({}, PROC_RES);
      if (stage === 'review') return d;
      let v = d.version;
      if (stage !== 'sign') {
        const put = request(app)
          .put(`/api/v1/dossiers/${d.code}/result`)
          .set(bearer(w.by('specialist', 'own').token))
          .set('Content-Type', 'application/pdf')
          .send(await resultPdf());
        v = (await ok(put, 'draft result')).version;
      }
      const roles = { sign: 2, number: 3, result_ready: 4 }[stage];
      for (const role of (['specialist', 'head', 'leader', 'clerk'] as const).slice(0, roles))
        v = (await ev(role, d.code, { type: 'FORWARD', version: v })).version;
      return { code: d.code, version: v };
    },
    /** A dispatch by D's specialist to A and C, driven to `state`. */
    async dispatch(
      state: 'draft' | 'pending_approval' | 'approved' | 'issued',
      over: Record<string, unknown> = {},
    ): Promise<{ id: number; version: number }> {
      const body = {
        title: 'Xin ý kiến dự thảo',
        summary: 'Đề nghị góp ý.',
        dueDate: dayAfter(20),
        recipientUnitCodes: [w.units.A.code, w.units.C.code],
        ...over,
      };
      const d = await ok(D('specialist').post('/dispatches', body), 'dispatch');
      const steps: Array<[Role, string]> = [
        ['specialist', 'SUBMIT'],
        ['leader', 'APPROVE'],
        ['clerk', 'ISSUE'],
      ];
      const n = ['draft', 'pending_approval', 'approved', 'issued'].indexOf(state);
      for (let i = 0; i < n; i++)
        await ok(D(steps[i][0]).post(`/dispatches/${d.id}/events`, { type: steps[i][1], version: i + 1 }), steps[i][1]);
      return { id: d.id, version: n + 1 };
    },
    /** An issued dispatch whose reply from A is in `state`. */
    async reply(
      state: 'received' | 'assigned' | 'pending_approval',
      over: Record<string, unknown> = {},
    ): Promise<{ id: number; version: number }> {
      const d = await this.dispatch('issued', over);
      const path = `/dispatches/${d.id}/replies/${w.units.A.code}/events`;
      if (state === 'received') return { id: d.id, version: 1 };
      await ok(
        A('head').post(path, { type: 'ASSIGN', version: 1, assignee: w.by('specialist', 'own').username }),
        'ASSIGN',
      );
      if (state === 'assigned') return { id: d.id, version: 2 };
      await ok(
        A('specialist').post(path, { type: 'SUBMIT', version: 2, position: 'comments', content: 'Góp ý bước 2' }),
        'SUBMIT',
      );
      return { id: d.id, version: 3 };
    },
    /** A dossier of A in a final state, through the API (withdrawn, refused or returned). */
    async final(state: 'withdrawn' | 'refused' | 'returned'): Promise<{ code: string; version: number }> {
      if (state === 'returned') {
        const d = await this.resultReady();
        await ev('intake', d.code, { type: 'RETURN_RESULT', version: d.version });
        return { code: d.code, version: d.version + 1 };
      }
      const d = await this.dossier();
      if (state === 'withdrawn') await ev('intake', d.code, { type: 'WITHDRAW', version: 1, comment: 'Công dân rút' });
      else await ev('specialist', d.code, { type: 'REFUSE', version: 1, comment: 'Không đủ điều kiện' });
      return { code: d.code, version: 2 };
    },
    /** A dispatch by D to A alone, A's reply approved, then closed by D's specialist. */
    async closedDispatch(): Promise<{ id: number; version: number }> {
      const r = await this.reply('pending_approval', { recipientUnitCodes: [w.units.A.code] });
      await ok(
        A('head').post(`/dispatches/${r.id}/replies/${w.units.A.code}/events`, { type: 'APPROVE', version: 3 }),
        'APPROVE reply',
      );
      const cur = await ok(D('specialist').get(`/dispatches/${r.id}`), 'read dispatch');
      await ok(D('specialist').post(`/dispatches/${r.id}/events`, { type: 'CLOSE', version: cur.version }), 'CLOSE');
      return { id: r.id, version: cur.version + 1 };
    },
    dayAfter,
  };
}
export type Driver = ReturnType<typeof driver>;

/** Rows in every table a request could touch, and the versions of everything versioned: one query. */
export async function fingerprint(db: Db): Promise<string> {
  const tables = [
    'dossiers',
    'dossier_events',
    'dossier_documents',
    'dossier_results',
    'attachments',
    'outbox',
    'units',
    'users',
    'user_roles',
    'api_tokens',
    'dispatches',
    'dispatch_replies',
    'dispatch_events',
    'dispatch_attachments',
    'procedures',
    'procedure_versions',
    'calendar_days',
    'portal_outbox',
    'delegations',
  ];
  const cols = tables.map((t) => `(select count(*) from ${t}) as ${t}`);
  cols.push('(select coalesce(sum(version), 0) from dossiers) as dossier_versions');
  cols.push('(select coalesce(sum(version), 0) from dispatches) as dispatch_versions');
  cols.push('(select coalesce(sum(version), 0) from dispatch_replies) as reply_versions');
  cols.push('(select coalesce(max(updated_at), 0) from units) as units_updated');
  cols.push('(select coalesce(max(updated_at), 0) from users) as users_updated');
  cols.push('(select count(*) from dispatch_replies where response is not null) as responses');
  cols.push('(select coalesce(sum(updated_at), 0) from dispatch_replies) as replies_updated');
  cols.push('(select coalesce(sum(attempts), 0) from outbox) as outbox_attempts');
  cols.push('(select coalesce(sum(updated_at), 0) from dossier_results) as results_updated');
  cols.push('(select coalesce(sum(attempts), 0) from portal_outbox) as portal_attempts');
  cols.push('(select count(*) from delegations where revoked_at is not null) as delegations_revoked');
  const rows = await db.raw(`select ${cols.join(', ')}`);
  const row = Array.isArray(rows) ? (Array.isArray(rows[0]) ? rows[0][0] : rows[0]) : rows;
  return JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])));
}

/** Vietnamese diacritics: an error message meant for a person must contain at least one. */
export const VIETNAMESE = /[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]/i;

/** The contract's error body, or a description of what is wrong with it. */
export function errorShapeProblem(res: { status: number; type?: string; body: unknown; text: string }): string | null {
  if (!/json/.test(res.type ?? '')) return `not JSON (${res.type}): ${res.text.slice(0, 120)}`;
  const e = (res.body as { error?: { code?: unknown; message?: unknown } })?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string')
    return `no {"error":{"code","message"}}: ${res.text.slice(0, 160)}`;
  if (!VIETNAMESE.test(e.message)) return `message not Vietnamese: ${e.message}`;
  if (/\n\s+at |node_modules|\.ts:\d+/.test(res.text)) return 'stack trace in body';
  return null;
}

/** Method and full path of every route in the app's router stack (Express 5: app.router.stack). */
export function listRoutes(app: Express): Array<{ method: string; path: string }> {
  const out: Array<{ method: string; path: string }> = [];
  const walk = (stack: any[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route)
        for (const m of Object.keys(layer.route.methods)) out.push({ method: m, path: prefix + layer.route.path });
      else if (layer.handle?.stack)
        walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack, '');
  return out;
}
