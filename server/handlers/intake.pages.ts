import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { AppError, Conflict, Invalid, NotAllowed } from '../errors';
import { isDuplicate } from '../db';
import { flash } from '../middleware/locals';
import { uploadErrorOf } from '../middleware/upload';
import { fieldErrors } from '../schemas/validate';
import { intakeSchema } from '../schemas/dossier.schema';
import { INTAKE_FORM_SCOPE, receiveDossier } from '../services/intake.service';
import { dossierCodeForKey } from '../services/idempotency.service';
import {
  ALLOWED_TYPES,
  checkFile,
  MAX_FILE_BYTES,
  MAX_FILES,
  storeBlob,
  UploadedFile,
} from '../services/attachments.service';
import { insertAttachments } from '../queries/attachments.queries';
import { findDossierByCode } from '../queries/dossiers.queries';
import { findVersion, listLatest } from '../queries/procedures.queries';
import { listUnits, type Unit } from '../queries/units.queries';
import { deskUnitOf, mayReceiveProcedure } from '../policies/intake.policy';
import { CHANNELS } from '../../workflows/labels';
import { APPLICANT_TYPE_LABELS } from '../../workflows/applicant';
import type { ProcedureDefinition } from '../../workflows/procedure';

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

/** The form's fields as a person reads them, in the order they appear (error summary, once each). */
const LABELS: Record<string, string> = {
  procedureCode: 'Thủ tục',
  applicantType: 'Loại người nộp',
  fullName: 'Họ và tên / tên tổ chức',
  idNumber: 'Số CCCD / giấy tờ',
  phone: 'Số điện thoại',
  email: 'Thư điện tử',
  address: 'Địa chỉ',
  documents: 'Thành phần hồ sơ đã nhận',
  files: 'Tệp đính kèm',
  competentUnitCode: 'Cơ quan có thẩm quyền giải quyết',
  channel: 'Hình thức nộp',
  note: 'Ghi chú',
};

const LEVEL_NAMES: Record<string, string> = { province: 'cấp tỉnh', district: 'cấp huyện', commune: 'cấp xã' };

/** A schema path ("applicant.fullName") as the form's field name ("fullName"). */
const formName = (path: string) => (path === 'applicant.type' ? 'applicantType' : path.replace(/^applicant\./, ''));

/** One-time form tokens: what the form sends back, in the API's Idempotency-Key alphabet. */
const TOKEN = /^[A-Za-z0-9_.:-]{1,100}$/;

/** A desk receives a procedure of its level, or one that names none (policies/intake.policy). */
const receivableAt = mayReceiveProcedure;

/**
 * The competent units worth offering: this unit, its parents up the tree, and the units the
 * procedure's steps name by code (a department of the province, say), in three groups.
 */
function competentGroups(units: Unit[], own: Unit | undefined, def: ProcedureDefinition | null, selected: string) {
  const byId = new Map(units.map((u) => [u.id, u]));
  const byCode = new Map(units.map((u) => [u.code, u]));
  const option = (u: Unit) => ({ code: u.code, name: u.name, selected: u.code === selected });
  const parents: Unit[] = [];
  for (let p = own?.parentId ? byId.get(own.parentId) : undefined; p && parents.length < 10;) {
    parents.push(p);
    p = p.parentId ? byId.get(p.parentId) : undefined;
  }
  const seen = new Set([own?.code, ...parents.map((p) => p.code)]);
  const named = (def?.steps ?? [])
    .map((s) => byCode.get(s.unit))
    .filter((u): u is Unit => !!u && !seen.has(u.code) && !!seen.add(u.code));
  const groups = [
    { label: 'Đơn vị tiếp nhận', options: own ? [option(own)] : [] },
    { label: 'Cấp trên', options: parents.map(option) },
    { label: 'Đơn vị xử lý theo quy trình', options: named.map(option) },
  ];
  // A value posted from elsewhere (an old bookmark, the API's choice) stays selectable rather than vanish.
  const other = selected && !seen.has(selected) ? byCode.get(selected) : undefined;
  if (other) groups.push({ label: 'Đơn vị khác', options: [option(other)] });
  return groups.filter((g) => g.options.length);
}

/** The desk's intake form: pick a procedure, then applicant, checklist, files, unit and channel. */
export function intakePages(ctx: AppContext) {
  const render = async (
    req: Request,
    res: Response,
    form: Record<string, unknown>,
    extra: { fields?: Record<string, string>; missing?: string[]; filesLost?: boolean; error?: string } = {},
    status = 200,
  ) => {
    const search = typeof req.query.tim === 'string' ? req.query.tim.trim().slice(0, 100) : '';
    const units = (await listUnits(ctx.db)).filter((u) => u.active);
    const own = deskUnitOf(req.user!, units);
    const listed = (await listLatest(ctx.db, { offset: 0, limit: 200, q: search || undefined })).items;
    const procedures = listed
      .filter((p) => receivableAt(p.definition, own))
      .map((p) => ({
        code: p.code,
        name: p.definition.name,
        field: p.definition.field,
        totalDays: p.definition.totalDays,
      }));
    const hidden = listed.length - procedures.length;
    const code = String(form.procedureCode ?? '');
    const chosen = code ? await findVersion(ctx.db, code) : null;
    const documents = asList(form.documents);
    const fields = extra.fields ?? {};
    const competent = String(form.competentUnitCode || own?.code || '');
    const applicantType = String(form.applicantType ?? '1');
    res.status(status).render('pages/dossiers/intake', {
      title: 'Tiếp nhận hồ sơ',
      search,
      procedures,
      hiddenProcedures: hidden > 0 ? { count: hidden, level: LEVEL_NAMES[own?.level ?? ''] ?? '' } : null,
      chosen: chosen && {
        ...chosen.definition,
        version: chosen.version,
        documents: chosen.definition.documents.map((d) => ({ ...d, checked: documents.includes(d.code) })),
        elsewhere:
          !receivableAt(chosen.definition, own) && chosen.definition.level
            ? `Thủ tục ${LEVEL_NAMES[chosen.definition.level]}: không tiếp nhận tại ${own?.name ?? 'đơn vị này'}.`
            : null,
      },
      unitGroups: competentGroups(units, own, chosen?.definition ?? null, competent),
      channels: Object.entries(CHANNELS).map(([value, label]) => ({
        value,
        label,
        checked: String(form.channel ?? '1') === value,
      })),
      applicantTypes: Object.entries(APPLICANT_TYPE_LABELS).map(([value, label]) => ({
        value,
        label,
        checked: applicantType === value,
      })),
      limits: {
        maxBytes: MAX_FILE_BYTES,
        maxFiles: MAX_FILES,
        accept: Object.values(ALLOWED_TYPES).flat().join(','),
      },
      form: { ...form, formToken: TOKEN.test(String(form.formToken ?? '')) ? form.formToken : crypto.randomUUID() },
      fields,
      missing: extra.missing ?? [],
      filesLost: extra.filesLost ?? false,
      // Every problem at once, each named once, in the form's order: the message stays beside its field.
      problems: Object.keys(LABELS)
        .filter((k) => fields[k])
        .map((k) => ({ name: k, label: LABELS[k] })),
      error: extra.error,
    });
  };

  /** The dossier this form's one-time token already created: its receipt, not a second dossier. */
  const replay = (req: Request, res: Response, code: string) => {
    flash(
      req,
      'info',
      `Hồ sơ này đã được tiếp nhận trước đó với mã ${code}; không tạo hồ sơ mới. Đây là giấy tiếp nhận của hồ sơ đó.`,
    );
    res.redirect(303, `/ho-so/${encodeURIComponent(code)}/in/01`);
  };

  return {
    intakeForm: (req: Request, res: Response) => render(req, res, { procedureCode: req.query['thu-tuc'] ?? '' }),

    async intake(req: Request, res: Response) {
      const b = req.body as Record<string, unknown>;
      const user = req.user!;
      const token = typeof b.formToken === 'string' && TOKEN.test(b.formToken) ? b.formToken : null;
      if (token) {
        const prior = await dossierCodeForKey(ctx.db, user.id, INTAKE_FORM_SCOPE, token);
        if (prior) return replay(req, res, prior);
      }
      const form = {
        procedureCode: b.procedureCode,
        applicant: {
          type: b.applicantType === undefined || b.applicantType === '' ? undefined : Number(b.applicantType),
          fullName: b.fullName,
          idNumber: b.idNumber || null,
          phone: b.phone || null,
          email: b.email || null,
          address: b.address || null,
        },
        documents: asList(b.documents),
        competentUnitCode: b.competentUnitCode || null,
        channel: Number(b.channel || 1),
        note: b.note || null,
      };
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      const tooLarge = uploadErrorOf(req);
      const again = (fields: Record<string, string>, missing: string[], status: number, error?: string) =>
        render(
          req,
          res,
          { ...b, documents: form.documents },
          { fields, missing, filesLost: files.length > 0 || !!tooLarge, error },
          status,
        );

      // Every problem in one round: the files, every field, the checklist, the procedure's level.
      const fields: Record<string, string> = {};
      if (tooLarge) fields.files = tooLarge.message;
      else {
        const bad = files.map(checkFile).filter(Boolean);
        if (bad.length) fields.files = bad.join(' ');
      }
      const parsed = intakeSchema.safeParse(form);
      if (!parsed.success)
        for (const [path, message] of Object.entries(fieldErrors(parsed.error))) fields[formName(path)] ??= message;
      let missing: string[] = [];
      const pv =
        typeof form.procedureCode === 'string' && form.procedureCode
          ? await findVersion(ctx.db, form.procedureCode)
          : null;
      if (!pv) fields.procedureCode ??= 'Thủ tục không có trong danh mục';
      else {
        const given = new Set(form.documents);
        const lacking = pv.definition.documents.filter((d) => d.required && !given.has(d.code));
        missing = lacking.map((d) => d.code);
        if (lacking.length) fields.documents = `Thiếu giấy tờ bắt buộc: ${lacking.map((d) => d.name).join('; ')}.`;
        const own = deskUnitOf(user, await listUnits(ctx.db));
        if (!receivableAt(pv.definition, own))
          fields.procedureCode = `Thủ tục ${LEVEL_NAMES[pv.definition.level!]}: không tiếp nhận tại ${own?.name ?? 'đơn vị này'}.`;
      }
      if (Object.keys(fields).length || !parsed.success) return again(fields, missing, tooLarge ? 413 : 422);

      try {
        // Files are part of the intake: stored by hash first, recorded in the intake's own transaction.
        const stored = files.map((f) => storeBlob(ctx.config.dataDir, f));
        const code = await receiveDossier(
          ctx.db,
          ctx.config,
          user,
          parsed.data,
          Date.now(),
          async (trx, code) => {
            const { id } = (await findDossierByCode(trx, code))!;
            const at = Date.now();
            const rows = stored.map((f) => ({
              dossier_id: id,
              document_code: null,
              ...f,
              uploaded_by: user.id,
              created_at: at,
            }));
            await insertAttachments(trx, rows);
          },
          token ? { scope: INTAKE_FORM_SCOPE, key: token } : undefined,
        );
        flash(req, 'success', `Đã tiếp nhận hồ sơ ${code}. In giấy tiếp nhận và hẹn trả kết quả cho công dân.`);
        res.redirect(303, `/ho-so/${encodeURIComponent(code)}/in/01`);
      } catch (err) {
        // The same form sent twice at once: the twin that lost shows the one that won.
        if (token && isDuplicate(err)) {
          const prior = await dossierCodeForKey(ctx.db, user.id, INTAKE_FORM_SCOPE, token);
          if (prior) return replay(req, res, prior);
        }
        if (!(err instanceof Invalid || err instanceof NotAllowed || err instanceof Conflict)) throw err;
        const details = ((err as AppError).details ?? {}) as {
          fields?: Record<string, string>;
          missingDocuments?: string[];
        };
        const named = Object.fromEntries(Object.entries(details.fields ?? {}).map(([k, v]) => [formName(k), v]));
        await again(
          named,
          details.missingDocuments ?? [],
          err.status,
          Object.keys(named).length ? undefined : err.message,
        );
      }
    },
  };
}
