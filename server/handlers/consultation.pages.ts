import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { Invalid } from '../errors';
import { flash } from '../middleware/locals';
import { uploadFiles } from '../middleware/upload';
import { fieldErrors } from '../schemas/validate';
import { createDispatchSchema } from '../schemas/dispatch.schema';
import { checkFile, storeBlob, type UploadedFile } from '../services/attachments.service';
import { consultableDossier, createConsultation } from '../services/consultations.service';
import { expandRecipients, recipientPicker } from '../presenters/dispatch-pages.presenter';
import type { DossierRow } from '../queries/dossiers.queries';

const NOT_SAVED = 'Công văn chưa được lưu: vui lòng kiểm tra các mục được đánh dấu.';
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

interface Form {
  title: string;
  summary: string;
  dueDate: string;
  silence: boolean;
  recipients: string[];
  groups: string[];
}

/**
 * /ho-so/:code/lay-y-kien: "Lấy ý kiến cơ quan liên quan" from a dossier (design.md §11). The form is
 * the dispatch form (views/pages/dispatches/new) with the dossier named; the draft is a dispatch of
 * the handling unit linked to the dossier, and the page that follows is the dispatch's own.
 */
export function consultationPages(ctx: AppContext) {
  const db = ctx.db;

  const render = async (
    req: Request,
    res: Response,
    row: DossierRow,
    form: Form,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const back = `/ho-so/${encodeURIComponent(row.code)}`;
    res.status(status).render('pages/dispatches/new', {
      title: `Lấy ý kiến cơ quan liên quan – hồ sơ ${row.code}`,
      consultation: {
        code: row.code,
        procedureName: row.procedure_name,
        unitName: row.handling_name,
        back: `${back}#lay-y-kien`,
        action: `${back}/lay-y-kien`,
      },
      form,
      // The handling unit issues it, so it is not offered as a recipient.
      picker: await recipientPicker(db, row.handling_unit_id, form.recipients, form.groups),
      ...extra,
    });
  };

  return {
    upload: uploadFiles(3000),

    async form(req: Request, res: Response) {
      const { row } = await consultableDossier(db, req.user!, String(req.params.code));
      await render(req, res, row, {
        title: `V/v lấy ý kiến về hồ sơ ${row.code} (${row.procedure_name})`,
        summary: '',
        dueDate: '',
        silence: true,
        recipients: [],
        groups: [],
      });
    },

    async create(req: Request, res: Response) {
      const code = String(req.params.code);
      const b = (req.body ?? {}) as Record<string, unknown>;
      const form: Form = {
        title: str(b.title),
        summary: str(b.summary),
        dueDate: str(b.dueDate),
        silence: b.silenceMeansAgreement != null,
        recipients: asList(b.recipients),
        groups: asList(b.groups),
      };
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      // 404, 403 and "not at a step" (422) before the fields are read: the form is not for this user now.
      const { row } = await consultableDossier(db, req.user!, code);
      try {
        const fields: Record<string, string> = {};
        const bad = files.map(checkFile).filter(Boolean);
        if (bad.length) fields.files = bad.join(' ');
        const codes = await expandRecipients(db, form.recipients, form.groups, row.handling_unit_id);
        const parsed = createDispatchSchema.safeParse({
          title: form.title,
          summary: form.summary,
          dueDate: form.dueDate || undefined,
          recipientUnitCodes: codes,
          silenceMeansAgreement: form.silence,
        });
        if (!parsed.success) Object.assign(fields, fieldErrors(parsed.error));
        if (Object.keys(fields).length || !parsed.success) throw new Invalid(NOT_SAVED, { fields });
        const stored = files.map((f) => storeBlob(ctx.config.dataDir, f));
        const id = await createConsultation(db, req.user!, code, parsed.data, Date.now(), stored);
        const n = stored.length;
        flash(
          req,
          'success',
          `Đã lưu dự thảo công văn lấy ý kiến cho hồ sơ ${code}, gửi ${parsed.data.recipientUnitCodes.length} đơn vị${n ? `, kèm ${n} tệp` : ''}. Kiểm tra lại rồi trình duyệt.`,
        );
        res.redirect(303, `/cong-van/${id}`);
      } catch (err) {
        if (!(err instanceof Invalid)) throw err;
        const given = (err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
        const fields = Object.fromEntries(
          Object.entries(given).map(([k, v]) => [k.startsWith('recipientUnitCodes') ? 'recipients' : k, v]),
        );
        // Each message once: the fields' beside them, a summary at the top.
        const error = Object.keys(fields).length ? NOT_SAVED : err.message;
        await render(req, res, row, form, { error, fields, filesLost: files.length > 0 }, 422);
      }
    },
  };
}
