/**
 * What each API route must answer to each caller: the access matrix (design.md §4 and §6, contract.md
 * §2). Keyed by "method path" exactly as in apiRoutes(ctx); a route missing here fails the matrix test.
 * A probe names a situation (a body, a dossier or dispatch in some state) and the expected status for
 * every principal: staff role × unit relation to commune A, and the admin.
 */
import type { Db } from '../../server/db';
import type { Driver, Principal, SecWorld } from './fixture';
import { PROC, PROC_LT, resultPdf } from './fixture';
import { definition } from '../factories/dossiers';
import { vnDate } from '../../workflows/calendar';
import { WorkCalendar } from '../../workflows/calendar/work-calendar';

export type Fx = Record<string, string | number>;
export interface Probe {
  name: string;
  /** Path params for this probe (merged over the shared fixture); called again after a call changed state. */
  setup?: (dr: Driver, w: SecWorld) => Promise<Fx>;
  query?: (fx: Fx) => string;
  body?: (fx: Fx, p: Principal, w: SecWorld) => unknown;
  expect: (p: Principal) => number;
  /** Extra check of a 2xx body; returns a problem or null. */
  check?: (body: any, p: Principal, fx: Fx) => string | null;
  /** Call with a token issued just for this call (the route revokes it). */
  freshToken?: boolean;
  /** What an accepted call must have written besides its answer (an event row, …); a problem or null. */
  effect?: (db: Db, fx: Fx) => Promise<string | null>;
  /** A raw body sent as `application/pdf` instead of the JSON `body` (made again for every call). */
  pdf?: () => Promise<Buffer>;
  /** A multipart upload of one file under `file` instead of the JSON `body`. */
  file?: () => { buf: Buffer; name: string; type: string };
}

/** The accepted call wrote one event row of `type` for the dispatch `fx.id` (issue 12: every change is an event). */
export const dispatchEventWritten =
  (type: string) =>
  async (db: Db, fx: Fx): Promise<string | null> => {
    const rows = await db('dispatch_events')
      .where({ dispatch_id: Number(fx.id), type })
      .select('id');
    return rows.length === 1
      ? null
      : `${rows.length} ${type} rows in dispatch_events for dispatch ${fx.id}, expected 1`;
  };

/** The accepted call drafted one consultation of the dossier `fx.code`, with its CREATE event. */
export async function consultationWritten(db: Db, fx: Fx): Promise<string | null> {
  const rows = await db('dispatches as d')
    .join('dossiers as s', 's.id', 'd.dossier_id')
    .join('dispatch_events as e', 'e.dispatch_id', 'd.id')
    .where({ 's.code': String(fx.code), 'e.type': 'CREATE' })
    .select('d.id');
  return rows.length === 1 ? null : `${rows.length} consultations with a CREATE event for ${fx.code}, expected 1`;
}

/** The accepted draft: one RESULT event and one dossier_results row for the dossier `fx.code`. */
export async function resultWritten(db: Db, fx: Fx): Promise<string | null> {
  const d = await db('dossiers')
    .where({ code: String(fx.code) })
    .first('id');
  if (!d) return `no dossier ${fx.code}`;
  const events = await db('dossier_events').where({ dossier_id: d.id, type: 'RESULT' }).select('id');
  const results = await db('dossier_results').where({ dossier_id: d.id }).select('id');
  const bad: string[] = [];
  if (events.length !== 1) bad.push(`${events.length} RESULT rows in dossier_events, expected 1`);
  if (results.length !== 1) bad.push(`${results.length} dossier_results rows, expected 1`);
  return bad.length ? `${fx.code}: ${bad.join('; ')}` : null;
}

/** Bytes that start like a PDF but are not one: refused (422) by whoever sees the dossier, before the 403. */
export const notAPdf = async () => Buffer.from(`%PDF-1.4\n% không phải PDF ${Date.now()}\n`);

export const admin = (p: Principal) => p.role === 'admin';
export const at =
  (rel: Principal['rel'], ...roles: string[]) =>
  (p: Principal) =>
    p.rel === rel && roles.includes(p.role);
/** Sees a dossier received and handled at A: A, the units above A, the admin (design.md §4). */
export const seesDossier = (p: Principal) => admin(p) || p.rel === 'own' || p.rel === 'parent' || p.rel === 'province';
/** Sees a dispatch issued by D: D and above, the admin; recipients (A) only once issued (design.md §6). */
export const sender = (p: Principal) => admin(p) || p.rel === 'parent' || p.rel === 'province';
export const seesIssued = (p: Principal) => sender(p) || p.rel === 'own';

const all = (status: number) => () => status;
const adminOnly = (status: number) => (p: Principal) => (admin(p) ? status : 403);
/** `ok` for whoever may act, 403 for whoever sees but may not act, 404 for the rest. */
export const act =
  (may: (p: Principal) => boolean, sees: (p: Principal) => boolean, ok = 200) =>
  (p: Principal) =>
    may(p) ? ok : sees(p) ? 403 : 404;
const has = (items: Array<Record<string, unknown>>, key: string, value: unknown) => items.some((i) => i[key] === value);
const presence =
  (shouldSee: (p: Principal) => boolean, key: string, fxKey: string) => (b: any, p: Principal, fx: Fx) =>
    has(b.items, key, fxKey === 'id' ? Number(fx[fxKey]) : fx[fxKey]) === shouldSee(p)
      ? null
      : `list ${shouldSee(p) ? 'lacks' : 'shows'} ${fx[fxKey]}`;

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;
/** 10:00 on the first working day at least `days` days from now: inside working hours whatever the time now. */
const later = (days: number) => {
  const cal = new WorkCalendar();
  let day = vnDate(new Date(Date.now() + days * 86_400_000));
  while (!cal.isWorkingDay(day)) day = vnDate(new Date(Date.parse(`${day}T12:00:00+07:00`) + 86_400_000));
  return `${day}T10:00:00+07:00`;
};

const dossierEvent = (
  name: string,
  setup: Probe['setup'],
  body: (fx: Fx) => object,
  expect: Probe['expect'],
): Probe => ({ name, setup, body, expect });
const fresh = (dr: Driver) => dr.dossier();
const spA = at('own', 'specialist');
/** The drafting unit's staff who answer replies (tiếp thu, giải trình): D's specialist, head, leader. */
export const drafter = at('parent', 'specialist', 'head', 'leader');
const intakeA = at('own', 'intake');

export const ACCESS: Record<string, Probe[]> = {
  'delete /tokens/current': [{ name: 'revoke own token', freshToken: true, expect: all(204) }],
  'get /units': [{ name: 'list', expect: all(200) }],
  'post /units': [
    {
      name: 'create',
      body: (fx) => ({ code: `SEC.${uniq()}`, name: 'UBND xã Mới', level: 'commune', parentCode: fx.districtCode }),
      expect: adminOnly(201),
    },
  ],
  'patch /units/:code': [
    {
      name: 'rename',
      setup: async (_d, w) => ({ code: w.units.C.code }),
      body: () => ({ name: 'UBND xã Ba' }),
      expect: adminOnly(200),
    },
  ],
  'post /units/:code/merge': [
    {
      name: 'merge an empty commune into C',
      setup: async (dr, w) => {
        const code = `SEC.M.${uniq()}`;
        const res = await dr
          .api(w.by('admin', 'none').token)
          .post('/units', { code, name: 'UBND xã Sáp Nhập', level: 'commune', parentCode: w.units.D.code });
        if (res.status !== 201) throw new Error(`unit for the merge probe: ${res.status}`);
        return { code, intoCode: w.units.C.code };
      },
      body: (fx) => ({ intoCode: fx.intoCode }),
      expect: adminOnly(200),
      check: (b, _p, fx) =>
        b.from === fx.code && b.into === fx.intoCode && b.moved?.users === 0 ? null : `unexpected ${JSON.stringify(b)}`,
    },
  ],
  'get /users': [{ name: 'list', expect: adminOnly(200) }],
  'post /users': [
    {
      name: 'create',
      body: (fx) => ({
        username: `sec.${uniq()}`,
        password: 'mat-khau-dai-du',
        fullName: 'Người Mới',
        unitCode: fx.unitCode,
        roles: ['specialist'],
      }),
      expect: adminOnly(201),
    },
  ],
  'patch /users/:username': [
    {
      name: 'rename',
      setup: async (_d, w) => ({ username: w.cSpecialist.username }),
      body: () => ({ fullName: 'Cán bộ specialist@C' }),
      expect: adminOnly(200),
    },
  ],
  'get /procedures': [{ name: 'list', expect: all(200) }],
  'post /procedures': [{ name: 'create', body: () => definition(`SEC.P${uniq()}`), expect: adminOnly(201) }],
  'get /procedures/:code': [{ name: 'read', setup: async () => ({ code: PROC }), expect: all(200) }],
  'get /dossiers': [
    {
      name: 'search A dossier',
      query: (fx) => `q=${fx.code}&pageSize=100`,
      expect: all(200),
      check: presence(seesDossier, 'code', 'code'),
    },
  ],
  'post /dossiers': [
    {
      name: 'intake',
      body: () => ({
        procedureCode: PROC,
        applicant: { fullName: 'Trần Thị Bình' },
        documents: ['TO_TRINH', 'BAO_CAO'],
      }),
      expect: (p) => (p.role === 'intake' ? 201 : 403),
    },
    {
      name: "online, with the national portal's code",
      body: () => ({
        procedureCode: PROC,
        applicant: { fullName: 'Trần Thị Bình' },
        documents: ['TO_TRINH', 'BAO_CAO'],
        channel: 2,
        code: `G22.99-${uniq()}`,
      }),
      expect: (p) => (p.role === 'intake' ? 201 : 403),
      check: (b) => (/^G22\.99-/.test(b.code) ? null : `code not kept: ${b.code}`),
    },
  ],
  'get /dossiers/:code': [
    {
      name: 'A dossier',
      expect: act(seesDossier, () => false),
      check: (b, _p, fx) => (b.code === fx.code ? null : 'wrong dossier'),
    },
    { name: 'inter-level dossier', setup: (dr) => dr.dossier({}, PROC_LT), expect: act(seesDossier, () => false) },
  ],
  'get /dossiers/:code/history': [{ name: 'A dossier', expect: act(seesDossier, () => false) }],
  'get /dossiers/:code/attachments': [{ name: 'A dossier', expect: act(seesDossier, () => false) }],
  'post /dossiers/:code/attachments': [
    {
      name: 'at the first step (the holder, or the desk)',
      setup: fresh,
      file: () => ({
        buf: Buffer.from(`%PDF-1.4\n% ${uniq()}\n%%EOF\n`),
        name: 'to-trinh.pdf',
        type: 'application/pdf',
      }),
      expect: act((p) => spA(p) || intakeA(p), seesDossier, 201),
      check: (b) => (b.name === 'to-trinh.pdf' && b.id > 0 ? null : `not the attachment: ${JSON.stringify(b)}`),
    },
    {
      name: 'a file of a type not allowed (422 before 403)',
      setup: fresh,
      file: () => ({ buf: Buffer.from('MZ'), name: 'x.exe', type: 'application/x-msdownload' }),
      expect: (p) => (seesDossier(p) ? 422 : 404),
    },
  ],
  'post /dossiers/:code/events': [
    dossierEvent(
      'FORWARD at first step',
      fresh,
      (fx) => ({ type: 'FORWARD', version: fx.version }),
      act(spA, seesDossier),
    ),
    dossierEvent(
      'REFUSE at first step',
      fresh,
      (fx) => ({ type: 'REFUSE', version: fx.version, comment: 'Không đủ điều kiện' }),
      act(spA, seesDossier),
    ),
    dossierEvent(
      'REQUEST_SUPPLEMENT',
      fresh,
      (fx) => ({ type: 'REQUEST_SUPPLEMENT', version: fx.version, comment: 'Thiếu bản sao' }),
      act(spA, seesDossier),
    ),
    dossierEvent(
      'RETURN at first step (not allowed)',
      fresh,
      (fx) => ({ type: 'RETURN', version: fx.version, comment: 'x' }),
      act(spA, seesDossier, 422),
    ),
    dossierEvent(
      'FORWARD at head step',
      (dr) => dr.atCheck(),
      (fx) => ({ type: 'FORWARD', version: fx.version }),
      act(at('own', 'head'), seesDossier),
    ),
    dossierEvent(
      'RETURN at head step',
      (dr) => dr.atCheck(),
      (fx) => ({ type: 'RETURN', version: fx.version, comment: 'Thiếu chữ ký' }),
      act(at('own', 'head'), seesDossier),
    ),
    dossierEvent(
      'EXTEND',
      fresh,
      (fx) => ({ type: 'EXTEND', version: fx.version, comment: 'Xin lỗi', dueAt: later(60) }),
      act(at('own', 'leader'), seesDossier),
    ),
    dossierEvent(
      'WITHDRAW',
      fresh,
      (fx) => ({ type: 'WITHDRAW', version: fx.version, comment: 'Công dân rút' }),
      act(intakeA, seesDossier),
    ),
    dossierEvent(
      'SUPPLEMENT_RECEIVED while processing',
      fresh,
      (fx) => ({ type: 'SUPPLEMENT_RECEIVED', version: fx.version }),
      act(intakeA, seesDossier, 422),
    ),
    dossierEvent(
      'SUPPLEMENT_RECEIVED while waiting',
      (dr) => dr.waitingSupplement(),
      (fx) => ({ type: 'SUPPLEMENT_RECEIVED', version: fx.version }),
      act(intakeA, seesDossier),
    ),
    dossierEvent(
      'RETURN_RESULT while processing',
      fresh,
      (fx) => ({ type: 'RETURN_RESULT', version: fx.version }),
      act(intakeA, seesDossier, 422),
    ),
    dossierEvent(
      'RETURN_RESULT at result_ready',
      (dr) => dr.resultReady(),
      (fx) => ({ type: 'RETURN_RESULT', version: fx.version }),
      act(intakeA, seesDossier),
    ),
    dossierEvent(
      'FORWARD inter-level step (done by D)',
      (dr) => dr.dossier({}, PROC_LT),
      (fx) => ({ type: 'FORWARD', version: fx.version }),
      act(at('parent', 'specialist'), seesDossier),
    ),
  ],
  // Consultations inside a dossier (design.md §11): the specialist acting at the current step drafts a dispatch
  // linked to the dossier; whoever sees the dossier reads them.
  'get /dossiers/:code/consultations': [
    {
      name: 'A dossier',
      expect: act(seesDossier, () => false),
      check: (b) => (Array.isArray(b.items) ? null : 'no items'),
    },
  ],
  'post /dossiers/:code/consultations': [
    {
      name: 'at the specialist step, to C',
      setup: fresh,
      body: (fx) => ({ title: 'Lấy ý kiến', summary: 'Nội dung', dueDate: fx.dueDate, recipientUnitCodes: [fx.cCode] }),
      expect: act(spA, seesDossier, 201),
      check: (b, _p, fx) => (b.dossierCode === fx.code && b.state === 'draft' ? null : 'not a draft of this dossier'),
      effect: consultationWritten,
    },
    {
      name: 'at the head step (nobody)',
      setup: (dr) => dr.atCheck(),
      body: (fx) => ({ title: 'Lấy ý kiến', summary: 'Nội dung', dueDate: fx.dueDate, recipientUnitCodes: [fx.cCode] }),
      expect: act(() => false, seesDossier),
    },
    {
      name: 'refused (final: the specialist who handled it is told why)',
      setup: (dr) => dr.final('refused'),
      body: (fx) => ({ title: 'Lấy ý kiến', summary: 'Nội dung', dueDate: fx.dueDate, recipientUnitCodes: [fx.cCode] }),
      expect: act(spA, seesDossier, 422),
    },
    {
      name: 'to its own handling unit (fields before 403)',
      setup: fresh,
      body: (fx) => ({
        title: 'Lấy ý kiến',
        summary: 'Nội dung',
        dueDate: fx.dueDate,
        recipientUnitCodes: [fx.unitCode],
      }),
      expect: (p) => (seesDossier(p) ? 422 : 404),
    },
  ],
  // The draft result (contract §2 "Results", design.md §10): whoever may act at the current step, up to the
  // signing step. Order: 404 (cannot see) → 422 (not a readable PDF) → 403 (may not act) → 422 (no result,
  // or past signing). The body is the PDF itself.
  'put /dossiers/:code/result': [
    {
      name: 'at the first step (A specialist)',
      setup: (dr) => dr.withResult('review'),
      pdf: resultPdf,
      expect: act(spA, seesDossier),
      check: (b, _p, fx) =>
        b.code === fx.code && b.result?.number === null && b.version === Number(fx.version) + 1
          ? null
          : `not a draft of ${fx.code}: ${JSON.stringify(b.result)}`,
      effect: resultWritten,
    },
    {
      name: 'at the signing step (A leader)',
      setup: (dr) => dr.withResult('sign'),
      pdf: resultPdf,
      expect: act(at('own', 'leader'), seesDossier),
      effect: resultWritten,
    },
    {
      name: 'not a PDF (422 before 403)',
      setup: (dr) => dr.withResult('review'),
      pdf: notAPdf,
      expect: (p) => (seesDossier(p) ? 422 : 404),
    },
    {
      name: 'procedure without a result',
      setup: fresh,
      pdf: resultPdf,
      expect: act(spA, seesDossier, 422),
    },
    {
      name: 'signed, at the numbering step (A clerk: 422)',
      setup: (dr) => dr.withResult('number'),
      pdf: resultPdf,
      expect: act(at('own', 'clerk'), seesDossier, 422),
    },
    {
      name: 'result ready (no step: 422 to whoever sees it)',
      setup: (dr) => dr.withResult('result_ready'),
      pdf: resultPdf,
      expect: (p) => (seesDossier(p) ? 422 : 404),
    },
  ],
  'get /dossiers/:code/result': [
    { name: 'with a draft', setup: (dr) => dr.withResult('number'), expect: act(seesDossier, () => false) },
    { name: 'without a result', expect: () => 404 },
  ],
  'get /calendar/deadline': [
    { name: 'deadline', query: () => 'from=2027-04-29T10:00:00%2B07:00&days=3', expect: all(200) },
  ],
  'get /calendar/days': [{ name: 'list', expect: all(200) }],
  'put /calendar/days/:date': [
    { name: 'override', body: () => ({ kind: 'holiday', name: 'Nghỉ thử' }), expect: adminOnly(200) },
  ],
  'delete /calendar/days/:date': [{ name: 'remove override', expect: adminOnly(204) }],
  'get /reports/summary': [
    { name: 'own unit', query: () => 'from=2020-01-01&to=2024-12-31', expect: all(200) },
    {
      name: 'unit A',
      query: (fx) => `from=2020-01-01&to=2024-12-31&unitCode=${fx.unitCode}`,
      expect: (p) => (p.rel === 'other' ? 404 : 200),
    },
  ],
  'get /dispatches': [
    { name: 'sent', query: () => 'pageSize=100', expect: all(200), check: presence(sender, 'id', 'id') },
    {
      name: 'inbox',
      query: () => 'inbox=1&pageSize=100',
      expect: all(200),
      check: presence((p) => p.rel === 'own', 'id', 'id'),
    },
  ],
  'post /dispatches': [
    {
      name: 'draft to C',
      body: (fx) => ({ title: 'Xin ý kiến', summary: 'Nội dung', dueDate: fx.dueDate, recipientUnitCodes: [fx.cCode] }),
      expect: (p) => (p.role === 'specialist' ? 201 : 403),
    },
  ],
  'get /dispatches/:id': [
    {
      name: 'issued to A and C',
      expect: act(seesIssued, () => false),
      check: (b, p) =>
        b.recipients.length === (p.rel === 'own' ? 1 : 2) ? null : `sees ${b.recipients.length} replies`,
    },
    { name: 'draft', setup: (dr) => dr.dispatch('draft'), expect: act(sender, () => false) },
  ],
  'post /dispatches/:id/events': [
    {
      name: 'SUBMIT draft',
      setup: (dr) => dr.dispatch('draft'),
      body: (fx) => ({ type: 'SUBMIT', version: fx.version }),
      expect: act(at('parent', 'specialist'), sender),
    },
    {
      name: 'APPROVE',
      setup: (dr) => dr.dispatch('pending_approval'),
      body: (fx) => ({ type: 'APPROVE', version: fx.version }),
      expect: act(at('parent', 'head', 'leader'), sender),
    },
    {
      name: 'REJECT',
      setup: (dr) => dr.dispatch('pending_approval'),
      body: (fx) => ({ type: 'REJECT', version: fx.version, comment: 'Sửa hạn' }),
      expect: act(at('parent', 'head', 'leader'), sender),
    },
    {
      name: 'ISSUE',
      setup: (dr) => dr.dispatch('approved'),
      body: (fx) => ({ type: 'ISSUE', version: fx.version }),
      expect: act(at('parent', 'clerk'), sender),
    },
    {
      name: 'CLOSE with open replies',
      setup: (dr) => dr.dispatch('issued'),
      body: (fx) => ({ type: 'CLOSE', version: fx.version }),
      expect: act(at('parent', 'specialist', 'leader'), seesIssued, 422),
    },
  ],
  // Only the drafter (D's specialist) edits or deletes, only a draft; an edit is an EDIT event, a delete a DELETE event.
  'patch /dispatches/:id': [
    {
      name: 'edit draft',
      setup: (dr) => dr.dispatch('draft'),
      body: (fx) => ({ title: 'Xin ý kiến (sửa)', version: fx.version }),
      expect: act(at('parent', 'specialist'), sender),
      effect: dispatchEventWritten('EDIT'),
    },
    {
      name: 'edit issued',
      setup: (dr) => dr.dispatch('issued'),
      body: (fx) => ({ title: 'Sửa sau khi ban hành', version: fx.version }),
      expect: act(at('parent', 'specialist'), seesIssued, 422),
    },
  ],
  'delete /dispatches/:id': [
    {
      name: 'delete draft',
      setup: (dr) => dr.dispatch('draft'),
      query: (fx) => `version=${fx.version}`,
      expect: act(at('parent', 'specialist'), sender, 204),
      effect: dispatchEventWritten('DELETE'),
    },
  ],
  'get /dispatches/:id/synthesis': [{ name: 'issued', expect: act(sender, () => false) }],
  'post /dispatches/:id/replies/:unitCode/events': [
    {
      name: 'ASSIGN A reply',
      setup: (dr) => dr.reply('received'),
      body: (fx, _p, w) => ({ type: 'ASSIGN', version: fx.version, assignee: w.by('specialist', 'own').username }),
      expect: act(at('own', 'head', 'leader', 'clerk'), seesIssued),
    },
    {
      name: 'SUBMIT A reply',
      setup: (dr) => dr.reply('assigned'),
      body: (fx) => ({ type: 'SUBMIT', version: fx.version, position: 'agree' }),
      expect: act(spA, seesIssued),
    },
    {
      name: 'APPROVE A reply',
      setup: (dr) => dr.reply('pending_approval'),
      body: (fx) => ({ type: 'APPROVE', version: fx.version }),
      expect: act(at('own', 'head', 'leader'), seesIssued),
    },
    {
      name: 'RETURN A reply',
      setup: (dr) => dr.reply('pending_approval'),
      body: (fx) => ({ type: 'RETURN', version: fx.version, comment: 'Nêu căn cứ' }),
      expect: act(at('own', 'head', 'leader'), seesIssued),
    },
    // C's reply: A sees the dispatch but not C's reply (404); the sender side sees it, and the assignee is not C's specialist (422 before 403).
    {
      name: "ASSIGN C's reply",
      setup: async (dr, w) => ({ ...(await dr.reply('received')), unitCode: w.units.C.code }),
      body: (fx, _p, w) => ({ type: 'ASSIGN', version: 1, assignee: w.by('specialist', 'own').username }),
      expect: (p) => (sender(p) ? 422 : 404),
    },
  ],
  // Files on A's reply: its assigned specialist, head or leader while the reply is open (an ATTACH event);
  // the sender side reads, never writes (403); C does not see A's reply (404).
  'post /dispatches/:id/replies/:unitCode/attachments': [
    {
      name: "file on A's reply",
      setup: (dr) => dr.reply('assigned'),
      file: () => ({ buf: Buffer.from(`%PDF-1.4\n% ${uniq()}\n`), name: 'y-kien.pdf', type: 'application/pdf' }),
      expect: act(at('own', 'specialist', 'head', 'leader'), seesIssued, 201),
      effect: dispatchEventWritten('ATTACH'),
    },
  ],
  // The drafting unit's tiếp thu / giải trình: an event like any other change, and none after CLOSE.
  'put /dispatches/:id/replies/:unitCode/response': [
    {
      name: 'response to A',
      setup: (dr) => dr.dispatch('issued'),
      body: () => ({ response: 'Tiếp thu' }),
      expect: act(drafter, sender),
      effect: dispatchEventWritten('RESPOND'),
    },
    {
      name: 'response to A after CLOSE',
      setup: (dr) => dr.closedDispatch(),
      body: () => ({ response: 'Tiếp thu sau khi kết thúc' }),
      expect: act(drafter, sender, 422),
    },
  ],
};
