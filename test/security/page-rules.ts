/**
 * What each state-changing HTML form (every POST in html.routes.ts) must answer to each caller, written
 * once per route as a rule over the caller (role × unit relation to commune A, or the admin). A form
 * that mirrors an API route takes that route's rule from access-table.ts (a 2xx there is a 303 here);
 * the rest state their own. The test (state-matrix.test.ts) adds the signed-out and CSRF-less callers,
 * and checks that an accepted form changed data (and wrote what `effect` asks) and a refused one
 * changed nothing: no version, event, attachment, outbox row or stored file.
 */
import crypto from 'node:crypto';
import type { Db } from '../../server/db';
import { definition } from '../factories/dossiers';
import {
  ACCESS,
  act,
  admin,
  at,
  Fx,
  notAPdf,
  Probe,
  resultWritten,
  seesDossier,
  seesIssued,
  sender,
} from './access-table';
import { PASSWORD } from '../factories/accounts';
import type { Driver, Principal, SecWorld } from './fixture';
import { PROC, PROC_LT, resultPdf } from './fixture';
import { previewImport } from '../../server/services/catalog-import.service';

export type Fields = Record<string, string | string[]>;
export interface FormProbe {
  name: string;
  setup?: (dr: Driver, w: SecWorld) => Promise<Fx>;
  fields?: (fx: Fx, p: Principal, w: SecWorld) => Fields;
  /** Sent as multipart/form-data with this many small, valid PDF files (field `files`). */
  files?: number;
  /** The bytes of each file, made again for every call (default: the small fake `pdf()`). */
  pdf?: () => Promise<Buffer>;
  /** The page's answer: 303 = accepted (data must change), 200 = answered without changing anything, else refused. */
  expect: (p: Principal) => number;
  /** An accepted call answers 303 but changes nothing (sign-in, sign-out). */
  changesNothing?: boolean;
  effect?: (db: Db, fx: Fx, p: Principal) => Promise<string | null>;
  /** Public form: a signed-out caller gets the same answer as anyone. */
  public?: boolean;
}

/** The factory definition as the procedure form posts it (flat `steps.N.field` names). */
const procedureFormFields = (code: string): Fields => {
  const def = definition(code);
  return {
    code,
    name: def.name,
    totalDays: String(def.totalDays),
    ...Object.fromEntries(
      def.documents.flatMap((d, i) => [
        [`documents.${i}.code`, d.code],
        [`documents.${i}.name`, d.name],
        ...(d.required ? [[`documents.${i}.required`, 'on']] : []),
      ]),
    ),
    ...Object.fromEntries(
      def.steps.flatMap((s, i) => [
        [`steps.${i}.code`, s.code],
        [`steps.${i}.name`, s.name],
        [`steps.${i}.role`, s.role],
        [`steps.${i}.duration`, String(s.hours)],
      ]),
    ),
  };
};

let seq = 0;
const uniq = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

/** A small valid PDF whose bytes differ per call (so a stored blob is always a new file). */
export const pdf = () => ({
  name: `tep-${uniq()}.pdf`,
  buffer: Buffer.from(`%PDF-1.4\n% ${crypto.randomBytes(8).toString('hex')}\n`),
});

/** The API body as the form sends it: the extension's ISO `dueAt` becomes the form's dd/mm/yyyy date and HH:mm time. */
const toFields = (body: unknown): Fields =>
  Object.fromEntries(
    Object.entries((body ?? {}) as Record<string, unknown>).flatMap(([k, v]): Array<[string, string | string[]]> => {
      const m = k === 'dueAt' ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(String(v)) : null;
      if (m)
        return [
          ['dueDate', `${m[3]}/${m[2]}/${m[1]}`],
          ['dueTime', m[4]],
        ];
      return [[k, Array.isArray(v) ? v.map(String) : String(v)]];
    }),
  );
const pageStatus = (api: number) => (api >= 200 && api < 300 ? 303 : api);

/** The API route's probes, sent through its form: same caller rule, a 2xx there is a 303 here. */
function mirror(apiKey: string, only?: (probe: Probe) => boolean): FormProbe[] {
  const probes = ACCESS[apiKey];
  if (!probes) throw new Error(`no API rule ${apiKey}`);
  return probes
    .filter((pr) => !only || only(pr))
    .map((pr) => ({
      name: `as ${apiKey} [${pr.name}]`,
      setup: pr.setup,
      fields: (fx, p, w) => toFields(pr.body?.(fx, p, w)),
      expect: (p) => pageStatus(pr.expect(p)),
      effect: pr.effect ? (db, fx) => pr.effect!(db, fx) : undefined,
    }));
}

const adminForm = (name: string, fields: FormProbe['fields'], setup?: FormProbe['setup'], ok = 303): FormProbe => ({
  name,
  setup,
  fields,
  expect: (p) => (admin(p) ? ok : 403),
});

/** A new commune under D with nothing in it (merged or retired by a probe). */
async function emptyCommune(dr: Driver, w: SecWorld): Promise<string> {
  const code = `SEC.E${uniq()}`;
  const res = await dr
    .api(w.by('admin', 'none').token)
    .post('/units', { code, name: 'UBND xã Trống', level: 'commune', parentCode: w.units.D.code });
  if (res.status !== 201) throw new Error(`empty commune: ${res.status}`);
  return code;
}

/** A new specialist of C with no work (disabled by a probe). */
async function idleUser(dr: Driver, w: SecWorld): Promise<string> {
  const username = `sec.idle.${uniq()}`;
  const res = await dr.api(w.by('admin', 'none').token).post('/users', {
    username,
    password: 'mat-khau-dai-du',
    fullName: 'Cán bộ Nghỉ',
    unitCode: w.units.C.code,
    roles: ['specialist'],
  });
  if (res.status !== 201) throw new Error(`idle user: ${res.status}`);
  return username;
}

/** Rows of `table` for one dossier, by code. */
async function countFor(db: Db, table: string, code: string, where: Record<string, string> = {}): Promise<number> {
  const d = await db('dossiers').where({ code }).first('id');
  if (!d) return -1;
  const [{ n }] = await db(table)
    .where({ dossier_id: d.id, ...where })
    .count<{ n: number }[]>({ n: '*' });
  return Number(n);
}

/**
 * Who may attach a file to a dossier (the rule the policy implements): whoever may act on it now —
 * the current step's role in the unit handling that step, or the receiving unit's intake officer
 * (at the desk: waiting for a supplement or with the result ready; and at any other time before a
 * final state). Nobody once it is final (returned, refused, withdrawn): the intake officer, who could
 * attach before, gets 422 (not allowed in this state); everyone else who sees it 403; the rest 404.
 */
function attach(name: string, setup: FormProbe['setup'], mayAct: (p: Principal) => boolean, final = false): FormProbe {
  const intakeA = at('own', 'intake');
  return {
    name,
    setup,
    files: 1,
    fields: () => ({}),
    expect: final
      ? (p) => (intakeA(p) ? 422 : seesDossier(p) ? 403 : 404)
      : act((p) => intakeA(p) || mayAct(p), seesDossier, 303),
    effect: async (db, fx) => {
      const files = await countFor(db, 'attachments', String(fx.code));
      const events = await countFor(db, 'dossier_events', String(fx.code), { type: 'ATTACH' });
      const bad: string[] = [];
      if (files !== 1) bad.push(`${files} attachment rows, expected 1`);
      if (events !== 1) bad.push(`${events} ATTACH rows in dossier_events, expected 1`);
      return bad.length ? bad.join('; ') : null;
    },
  };
}

export const PAGE_RULES: Record<string, FormProbe[]> = {
  'post /dang-nhap': [
    {
      name: 'sign in as oneself',
      public: true,
      changesNothing: true,
      fields: (_fx, p) => ({ username: p.username, password: PASSWORD }),
      expect: () => 303,
    },
  ],
  'post /dang-xuat': [{ name: 'sign out', public: true, changesNothing: true, expect: () => 303 }],

  // Intake with files: one dossier and its attachment rows, in the caller's unit.
  'post /ho-so/moi': [
    {
      name: 'intake with a file',
      files: 1,
      fields: () => ({ procedureCode: PROC, fullName: 'Trần Thị Bình', documents: ['TO_TRINH', 'BAO_CAO'] }),
      expect: (p) => (p.role === 'intake' ? 303 : 403),
      effect: async (db) => {
        const last = await db('dossiers').orderBy('id', 'desc').first('code');
        const n = await countFor(db, 'attachments', last.code);
        return n === 1 ? null : `${n} attachment rows on the new dossier ${last.code}, expected 1`;
      },
    },
  ],
  'post /ho-so/:code/thao-tac': mirror('post /dossiers/:code/events'),
  'post /ho-so/:code/tep': [
    {
      name: 'no file chosen',
      fields: () => ({}),
      expect: (p) => (seesDossier(p) ? 422 : 404),
    },
    attach('first step (A specialist)', (dr) => dr.dossier(), at('own', 'specialist')),
    attach('check step (A head)', (dr) => dr.atCheck(), at('own', 'head')),
    attach('inter-level step (D specialist)', (dr) => dr.dossier({}, PROC_LT), at('parent', 'specialist')),
    attach(
      'waiting for a supplement (desk)',
      (dr) => dr.waitingSupplement(),
      () => false,
    ),
    attach(
      'result ready (desk)',
      (dr) => dr.resultReady(),
      () => false,
    ),
    attach(
      'withdrawn',
      (dr) => dr.final('withdrawn'),
      () => false,
      true,
    ),
    attach(
      'refused',
      (dr) => dr.final('refused'),
      () => false,
      true,
    ),
    attach(
      'returned',
      (dr) => dr.final('returned'),
      () => false,
      true,
    ),
  ],

  // A consultation drafted from the dossier page (design.md §11), with a file: the specialist acting at the
  // current step; the form is not for anyone else (403), nor once the dossier is final (422 to who handled it).
  'post /ho-so/:code/lay-y-kien': [
    {
      name: 'at the specialist step, to C, with a file',
      setup: (dr) => dr.dossier(),
      files: 1,
      fields: (fx) => ({
        title: 'Lấy ý kiến',
        summary: 'Nội dung',
        dueDate: String(fx.dueDate).split('-').reverse().join('/'),
        recipients: [String(fx.cCode)],
      }),
      expect: act(at('own', 'specialist'), seesDossier, 303),
      effect: async (db, fx) => {
        const d = await db('dispatches as d')
          .join('dossiers as s', 's.id', 'd.dossier_id')
          .where('s.code', String(fx.code))
          .first('d.id');
        if (!d) return `no consultation of ${fx.code}`;
        const [{ n }] = await db('dispatch_attachments')
          .where({ dispatch_id: d.id })
          .count<{ n: number }[]>({ n: '*' });
        return Number(n) === 1 ? null : `${n} dispatch_attachments rows on consultation ${d.id}, expected 1`;
      },
    },
    {
      name: 'refused dossier',
      setup: (dr) => dr.final('refused'),
      fields: (fx) => ({
        title: 'Lấy ý kiến',
        summary: 'Nội dung',
        dueDate: String(fx.dueDate),
        recipients: [String(fx.cCode)],
      }),
      expect: act(at('own', 'specialist'), seesDossier, 422),
    },
  ],
  // The draft result (design.md §10): the API rule of PUT /dossiers/:code/result, with the PDF as the form's one
  // file; 404 → 422 (not a PDF) → 403 → 422 (no result, past signing). The template form has no file to check.
  'post /ho-so/:code/ket-qua': [
    {
      name: 'at the first step (A specialist)',
      setup: (dr) => dr.withResult('review'),
      files: 1,
      pdf: resultPdf,
      expect: act(at('own', 'specialist'), seesDossier, 303),
      effect: resultWritten,
    },
    {
      name: 'at the signing step (A leader)',
      setup: (dr) => dr.withResult('sign'),
      files: 1,
      pdf: resultPdf,
      expect: act(at('own', 'leader'), seesDossier, 303),
      effect: resultWritten,
    },
    {
      name: 'not a PDF (422 before 403)',
      setup: (dr) => dr.withResult('review'),
      files: 1,
      pdf: notAPdf,
      expect: (p) => (seesDossier(p) ? 422 : 404),
    },
    {
      name: 'procedure without a result',
      setup: (dr) => dr.dossier(),
      files: 1,
      pdf: resultPdf,
      expect: act(at('own', 'specialist'), seesDossier, 422),
    },
    {
      name: 'signed, at the numbering step (A clerk: 422)',
      setup: (dr) => dr.withResult('number'),
      files: 1,
      pdf: resultPdf,
      expect: act(at('own', 'clerk'), seesDossier, 422),
    },
    {
      name: 'result ready',
      setup: (dr) => dr.withResult('result_ready'),
      files: 1,
      pdf: resultPdf,
      expect: (p) => (seesDossier(p) ? 422 : 404),
    },
  ],
  'post /ho-so/:code/ket-qua/tao': [
    {
      name: 'at the first step (A specialist)',
      setup: (dr) => dr.withResult('review'),
      expect: act(at('own', 'specialist'), seesDossier, 303),
      effect: resultWritten,
    },
    {
      name: 'at the signing step (A leader)',
      setup: (dr) => dr.withResult('sign'),
      expect: act(at('own', 'leader'), seesDossier, 303),
      effect: resultWritten,
    },
    {
      name: 'procedure without a result',
      setup: (dr) => dr.dossier(),
      expect: act(at('own', 'specialist'), seesDossier, 422),
    },
    {
      name: 'signed, at the numbering step (A clerk: 422)',
      setup: (dr) => dr.withResult('number'),
      expect: act(at('own', 'clerk'), seesDossier, 422),
    },
  ],
  // A dispatch drafted with a file: the dispatch and its file rows.
  'post /cong-van/moi': [
    {
      name: 'draft to C with a file',
      files: 1,
      fields: (fx) => ({
        title: 'Xin ý kiến',
        summary: 'Nội dung',
        dueDate: String(fx.dueDate),
        recipients: [String(fx.cCode)],
      }),
      expect: (p) => (p.role === 'specialist' ? 303 : 403),
      effect: async (db) => {
        const last = await db('dispatches').orderBy('id', 'desc').first('id');
        const [{ n }] = await db('dispatch_attachments')
          .where({ dispatch_id: last.id })
          .count<{ n: number }[]>({ n: '*' });
        return Number(n) === 1 ? null : `${n} dispatch_attachments rows on dispatch ${last.id}, expected 1`;
      },
    },
  ],
  'post /cong-van/:id/thao-tac': mirror('post /dispatches/:id/events'),
  'post /cong-van/:id/y-kien/:unitCode/thao-tac': mirror('post /dispatches/:id/replies/:unitCode/events'),
  'post /cong-van/:id/tong-hop/:unitCode': mirror('put /dispatches/:id/replies/:unitCode/response'),
  // The drafter's "Sửa" and "Xóa" (specialists only by the route; the policy: only the drafter, only a draft).
  'post /cong-van/:id/sua': [
    {
      name: 'edit draft',
      setup: (dr) => dr.dispatch('draft'),
      fields: (fx) => ({
        title: 'Xin ý kiến (sửa)',
        summary: 'Nội dung',
        dueDate: String(fx.dueDate),
        recipients: [String(fx.cCode)],
        version: String(fx.version),
      }),
      expect: (p) => (p.role !== 'specialist' ? 403 : act(at('parent', 'specialist'), sender, 303)(p)),
    },
  ],
  'post /cong-van/:id/xoa': [
    {
      name: 'delete draft',
      setup: (dr) => dr.dispatch('draft'),
      fields: (fx) => ({ version: String(fx.version) }),
      expect: (p) => (p.role !== 'specialist' ? 403 : act(at('parent', 'specialist'), sender, 303)(p)),
    },
  ],
  'post /cong-van/:id/y-kien/:unitCode/tep': [
    {
      name: "file on A's reply",
      setup: (dr) => dr.reply('assigned'),
      files: 1,
      expect: act(at('own', 'specialist', 'head', 'leader'), seesIssued, 303),
    },
  ],
  // Reminders: any user of the issuing unit, while replies are open (an outbox row).
  'post /cong-van/:id/nhac': [
    {
      name: 'remind open replies',
      setup: (dr) => dr.dispatch('issued'),
      expect: act(at('parent', 'intake', 'specialist', 'head', 'leader', 'clerk'), seesIssued, 303),
    },
  ],

  'post /quan-tri/don-vi': [
    adminForm('create a unit', (fx) => ({
      code: `SEC.U${uniq()}`,
      name: 'UBND xã Mới',
      level: 'commune',
      parentCode: String(fx.districtCode),
    })),
  ],
  'post /quan-tri/don-vi/:code': [
    adminForm(
      'rename C',
      (fx) => ({ name: `UBND xã Ba ${uniq()}`, level: 'commune', parentCode: String(fx.districtCode), active: 'on' }),
      async (_dr, w) => ({ code: w.units.C.code }),
    ),
  ],
  'post /quan-tri/don-vi/:code/sap-nhap': [
    adminForm(
      'merge an empty commune into C',
      (fx) => ({ intoCode: String(fx.intoCode) }),
      async (dr, w) => ({
        code: await emptyCommune(dr, w),
        intoCode: w.units.C.code,
      }),
    ),
  ],
  'post /quan-tri/don-vi/:code/ngung-hoat-dong': [
    adminForm(
      'retire an empty commune',
      () => ({}),
      async (dr, w) => ({ code: await emptyCommune(dr, w) }),
    ),
  ],
  'post /quan-tri/nguoi-dung': [
    adminForm('create a user', (fx) => ({
      username: `sec.${uniq()}`,
      password: 'mat-khau-dai-du',
      fullName: 'Người Mới',
      unitCode: String(fx.unitCode),
      roles: ['specialist'],
    })),
  ],
  'post /quan-tri/nguoi-dung/:username': [
    adminForm('rename C specialist', (fx) => ({
      fullName: `Cán bộ ${uniq()}`,
      unitCode: String(fx.cCode),
      roles: ['specialist'],
      active: 'on',
    })),
  ],
  // Disabling a user (issue 16): a fresh idle specialist of C each time, disabled without a hand-over.
  'post /quan-tri/nguoi-dung/:username/khoa': [
    adminForm(
      'disable an idle user',
      () => ({ mode: 'force' }),
      async (dr, w) => ({ username: await idleUser(dr, w) }),
    ),
  ],
  'post /quan-tri/thu-tuc': [
    adminForm('new procedure', () => ({ definition: JSON.stringify(definition(`SEC.P${uniq()}`)) })),
  ],
  'post /quan-tri/thu-tuc/xem-truoc': [
    adminForm(
      'preview (changes nothing)',
      () => ({ definition: JSON.stringify(definition(`SEC.P${uniq()}`)) }),
      undefined,
      200,
    ),
  ],
  // The procedure form (issue 16): the same definition as the JSON editor, posted as the form's fields.
  'post /quan-tri/thu-tuc/bieu-mau': [
    adminForm('new procedure by the form', () => ({ ...procedureFormFields(`SEC.F${uniq()}`), action: 'save' })),
    adminForm(
      'add a step (changes nothing)',
      () => ({ ...procedureFormFields(`SEC.F${uniq()}`), action: 'add-step' }),
      undefined,
      200,
    ),
  ],
  'post /quan-tri/thu-tuc/bieu-mau/kiem-tra': [
    adminForm('live check (changes nothing)', () => procedureFormFields(`SEC.F${uniq()}`), undefined, 200),
  ],
  // Import from the national catalogue (issue 16): a CSV is previewed (nothing imported: 200), the
  // matrix's PDF is refused (422); the confirm imports a preview the admin made, once.
  'post /quan-tri/thu-tuc/nhap': [
    {
      ...adminForm('preview a catalogue CSV (changes nothing)', undefined, undefined, 200),
      files: 1,
      pdf: () => catalogueCsv(),
    },
    { ...adminForm('not a CSV or XLSX', undefined, undefined, 422), files: 1 },
  ],
  'post /quan-tri/thu-tuc/nhap/xac-nhan': [
    {
      ...adminForm(
        'confirm a previewed import',
        (fx) => ({ importToken: String(fx.importToken), fileHash: String(fx.fileHash) }),
        async (_dr, w) => pendingImport(w),
      ),
      effect: async (db, fx) =>
        (await db('procedures')
          .where({ code: String(fx.importCode) })
          .first('id'))
          ? null
          : `procedure ${fx.importCode} not imported`,
    },
  ],
  'post /quan-tri/thu/:id/gui-lai': [
    adminForm('resend a failed mail', undefined, async (dr, w) => ({ id: await failedMail(dr, w) })),
  ],
  'post /quan-tri/dong-bo/:id/gui-lai': [
    adminForm('resend a portal message', undefined, async () => ({ id: await failedPortalMessage() })),
  ],
  'post /quan-tri/dong-bo/gui-lai-tat-ca': [
    adminForm('resend every portal message', undefined, async () => ({ id: await failedPortalMessage() })),
  ],
  // The security world runs without PORTAL_URL: there is nothing to queue, and the admin is told so (422).
  'post /quan-tri/dong-bo/ho-so-chua-gui': [adminForm('queue old dossiers with sync off', undefined, undefined, 422)],
  'post /quan-tri/lich': [
    adminForm('a day off', () => ({
      date: `2032-0${1 + (seq % 9)}-1${seq++ % 10}`,
      kind: 'holiday',
      name: 'Nghỉ thử',
    })),
  ],
  // Certificates: admin only; the matrix's file is a PDF, not a PKCS#12 → 422, nothing stored.
  'post /quan-tri/chung-thu-so/nguoi-dung/:username': [
    { ...adminForm('not a PKCS#12', () => ({ password: 'mat-khau' }), undefined, 422), files: 1 },
  ],
  'post /quan-tri/chung-thu-so/don-vi/:code': [
    {
      ...adminForm(
        'not a PKCS#12',
        () => ({ password: 'mat-khau' }),
        async (_dr, w) => ({ code: w.units.C.code }),
        422,
      ),
      files: 1,
    },
  ],
  // Absence delegation: a leader names the head of their own unit (far ahead, so no period overlaps).
  'post /uy-quyen': [
    {
      name: 'a leader delegates to the head of their unit',
      setup: async (_dr, w) => delegationFx(w),
      fields: (fx, p) => ({
        deputyId: String(fx[`head_${p.rel}`]),
        kind: 'KT',
        fromDate: `0${1 + (seq % 9)}/0${1 + (seq % 9)}/2040`,
        toDate: `0${1 + (seq++ % 9)}/0${1 + (seq % 9)}/2041`,
        reason: 'Đi công tác',
      }),
      expect: (p) => (p.role === 'leader' ? 303 : 403),
    },
  ],
  // Revoked by the leader who gave it (A's) or an admin; anyone else 403.
  'post /uy-quyen/:id/thu-hoi': [
    {
      name: "revoke A's leader's delegation",
      setup: async (_dr, w) => ({ id: await delegationOfA(w) }),
      expect: (p) => (admin(p) || (p.role === 'leader' && p.rel === 'own') ? 303 : 403),
    },
  ],
  'post /quan-tri/lich/:date/xoa': [
    adminForm('remove an override', undefined, async (dr, w) => {
      const date = `2033-0${1 + (seq % 9)}-1${seq++ % 10}`;
      const res = await dr
        .api(w.by('admin', 'none').token)
        .put(`/calendar/days/${date}`, { kind: 'holiday', name: 'Nghỉ thử' });
      if (res.status !== 200) throw new Error(`override ${date}: ${res.status}`);
      return { date };
    }),
  ],
};

/** The ids of the head of each unit a principal may be in, as `head_<rel>`. */
async function delegationFx(w: SecWorld): Promise<Fx> {
  const rels = ['own', 'other', 'parent', 'province'] as const;
  const ids = await Promise.all(
    rels.map(
      async (rel) =>
        (
          await failedMailDb!('users')
            .where({ username: w.by('head', rel).username })
            .first('id')
        ).id,
    ),
  );
  return Object.fromEntries(rels.map((rel, i) => [`head_${rel}`, Number(ids[i])]));
}

/** A live delegation from A's leader to A's head; its id. */
async function delegationOfA(w: SecWorld): Promise<number> {
  const id = async (username: string) => Number((await failedMailDb!('users').where({ username }).first('id')).id);
  const leader = await id(w.by('leader', 'own').username);
  const [row] = await failedMailDb!('delegations').insert({
    leader_id: leader,
    deputy_id: await id(w.by('head', 'own').username),
    unit_id: w.units.A.id,
    role: 'leader',
    kind: 'TUQ',
    from_date: '2039-01-01',
    to_date: '2039-01-02',
    reason: 'Nghỉ phép',
    created_by: leader,
    created_at: Date.now(),
  });
  return Number(row);
}

/** A failed mail in the outbox, for the resend form; its id. */
let failedMailDb: Db | null = null;
export const useDb = (db: Db) => void (failedMailDb = db);
async function failedMail(_dr: Driver, _w: SecWorld): Promise<number> {
  const [id] = await failedMailDb!('outbox').insert({
    kind: 'mail',
    payload: JSON.stringify({ to: 'x@example.vn', subject: 'Thử', text: 'a', html: '<p>a</p>' }),
    status: 'failed',
    attempts: 5,
    available_at: Date.now(),
    created_at: Date.now(),
  });
  return Number(id);
}

/** A message to the national portal that failed, for the resend forms; its id. */
async function failedPortalMessage(): Promise<number> {
  const d = await failedMailDb!('dossiers').orderBy('id').first('id', 'code');
  const [id] = await failedMailDb!('portal_outbox').insert({
    dossier_id: d.id,
    dossier_code: d.code,
    service: 'CapNhatTienDoHoSoMC',
    payload: '{}',
    status: 'failed',
    attempts: 5,
    available_at: Date.now(),
    last_error: 'Thử',
    created_at: Date.now(),
  });
  return Number(id);
}

/** A small catalogue CSV with one new code (new bytes each time). */
const catalogueCsv = async (code = `SEC.I${uniq()}`) =>
  Buffer.from(
    `Mã thủ tục;Tên thủ tục;Thời hạn giải quyết;Phí, lệ phí\n${code};Thủ tục nhập thử;5 ngày làm việc;Không\n`,
  );

/** A preview of a one-row catalogue made by the matrix's admin: its token, file hash and code. */
async function pendingImport(w: SecWorld): Promise<Fx> {
  const code = `SEC.I${uniq()}`;
  const admin = await failedMailDb!('users')
    .where({ username: w.by('admin', 'none').username })
    .first('id');
  const p = await previewImport(failedMailDb!, { name: 'danh-muc.csv', buffer: await catalogueCsv(code) }, admin.id);
  if (!p.token) throw new Error('catalogue preview kept nothing');
  return { importToken: p.token, fileHash: p.fileHash, importCode: code };
}
