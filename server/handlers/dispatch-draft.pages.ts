import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { AppError, Conflict, Invalid, NotAllowed, NotFound, TooLarge } from '../errors';
import { flash } from '../middleware/locals';
import { uploadFiles } from '../middleware/upload';
import { fieldErrors } from '../schemas/validate';
import { editDispatchSchema } from '../schemas/dispatch.schema';
import type { UploadedFile } from '../services/attachments.service';
import { loadVisible } from '../services/dispatches.service';
import { attachToReply, deleteDraft, editDraft } from '../services/dispatch-drafts.service';
import { dayText, expandRecipients, recipientPicker } from '../presenters/dispatch-pages.presenter';
import { congVanModel } from '../presenters/dispatch-print.presenter';
import { formatRecipients } from '../pdf/document';
import { renderCongVanPdf } from '../pdf/cong-van';
import { unitLabelsByIds } from '../queries/units.queries';
import { assertMayEditDraft } from '../policies/dispatch.policy';

const STALE =
  'Dự thảo vừa được cập nhật ở nơi khác nên thay đổi chưa được lưu. Vui lòng xem bản mới nhất rồi thao tác lại.';
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);
const idOf = (req: Request) => {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw new NotFound('Không tìm thấy công văn.');
  return id;
};
const fieldsOf = (err: AppError) => (err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};

type Form = {
  title: string;
  summary: string;
  dueDate: string;
  silence: boolean;
  recipients: string[];
  groups: string[];
};

/**
 * /cong-van/:id — the drafter's "Sửa" and "Xóa" of a draft, files on a reply, and the printable
 * công văn (HTML and PDF). Services decide; these pages explain.
 */
export function dispatchDraftPages(ctx: AppContext) {
  const db = ctx.db;

  const renderEdit = async (
    req: Request,
    res: Response,
    form: Form & { version: number },
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const id = idOf(req);
    res.status(status).render('pages/dispatches/new', {
      title: 'Sửa dự thảo công văn',
      form,
      edit: { id, version: form.version, action: `/cong-van/${id}/sua`, back: `/cong-van/${id}` },
      picker: await recipientPicker(db, req.user!.unitId, form.recipients, form.groups),
      ...extra,
    });
  };

  const back = (req: Request, res: Response, err: unknown, hash = '') => {
    if (err instanceof Conflict) flash(req, 'error', STALE);
    else if (err instanceof Invalid || err instanceof NotAllowed || err instanceof TooLarge)
      flash(req, 'error', Object.values(fieldsOf(err))[0] ?? err.message);
    else throw err;
    res.redirect(303, `/cong-van/${idOf(req)}${hash}`);
  };

  return {
    replyUpload: uploadFiles(10, { keepForm: true }),

    /** GET /cong-van/:id/sua — the draft's form, prefilled (the policy decides on save). */
    async editForm(req: Request, res: Response) {
      const { d } = await loadVisible(db, req.user!, idOf(req));
      assertMayEditDraft(req.user!, d);
      if (d.state !== 'draft') {
        flash(req, 'info', 'Công văn không còn là dự thảo nên không sửa được nữa.');
        return res.redirect(303, `/cong-van/${d.id}`);
      }
      const units = await unitLabelsByIds(db, JSON.parse(d.recipients) as number[]);
      await renderEdit(req, res, {
        title: d.title,
        summary: d.summary,
        dueDate: dayText(d.due_date),
        silence: d.silence_means_agreement,
        recipients: units.map((u) => u.code),
        groups: [],
        version: d.version,
      });
    },

    /** POST /cong-van/:id/sua — save the edit; 422 keeps the input beside its errors. */
    async edit(req: Request, res: Response) {
      const id = idOf(req);
      const b = (req.body ?? {}) as Record<string, unknown>;
      const form = {
        title: str(b.title),
        summary: str(b.summary),
        dueDate: str(b.dueDate),
        silence: b.silenceMeansAgreement != null,
        recipients: asList(b.recipients),
        groups: asList(b.groups),
        version: Number(b.version),
      };
      try {
        const codes = await expandRecipients(db, form.recipients, form.groups, req.user!.unitId);
        const parsed = editDispatchSchema.safeParse({
          title: form.title,
          summary: form.summary,
          dueDate: form.dueDate || undefined,
          recipientUnitCodes: codes,
          silenceMeansAgreement: form.silence,
          version: form.version,
        });
        if (!parsed.success)
          throw new Invalid('Dự thảo chưa được lưu: vui lòng kiểm tra các mục được đánh dấu.', {
            fields: fieldErrors(parsed.error),
          });
        await editDraft(db, req.user!, id, parsed.data);
        flash(req, 'success', 'Đã lưu dự thảo công văn.');
        res.redirect(303, `/cong-van/${id}`);
      } catch (err) {
        if (err instanceof Conflict) {
          flash(req, 'error', STALE);
          return res.redirect(303, `/cong-van/${id}`);
        }
        if (!(err instanceof Invalid || err instanceof NotAllowed)) throw err;
        const fields = Object.fromEntries(
          Object.entries(fieldsOf(err)).map(([k, v]) => [k.startsWith('recipientUnitCodes') ? 'recipients' : k, v]),
        );
        await renderEdit(req, res, form, { error: Object.keys(fields).length ? null : err.message, fields }, 422);
      }
    },

    /** POST /cong-van/:id/xoa — delete the draft (the page asked for confirmation first). */
    async remove(req: Request, res: Response) {
      const b = (req.body ?? {}) as Record<string, unknown>;
      try {
        await deleteDraft(db, req.user!, idOf(req), Number(b.version) || undefined);
        flash(req, 'success', 'Đã xóa dự thảo công văn.');
        res.redirect(303, '/cong-van');
      } catch (err) {
        back(req, res, err);
      }
    },

    /** POST /cong-van/:id/y-kien/:unitCode/tep — files on the recipient unit's reply. */
    async replyAttach(req: Request, res: Response) {
      const files = (req.files as UploadedFile[] | undefined) ?? [];
      try {
        const err = (req as Request & { uploadError?: TooLarge }).uploadError;
        if (err) throw err;
        const n = await attachToReply(
          db,
          ctx.config.dataDir,
          req.user!,
          {
            id: idOf(req),
            unitCode: String(req.params.unitCode),
          },
          files,
        );
        flash(req, 'success', `Đã đính kèm ${n} tệp vào ý kiến.`);
        res.redirect(303, `/cong-van/${idOf(req)}#y-kien`);
      } catch (err) {
        back(req, res, err, '#y-kien');
      }
    },

    /** GET /cong-van/:id/in — the công văn to print (A4, Decree 30). */
    async print(req: Request, res: Response) {
      const { d } = await loadVisible(db, req.user!, idOf(req));
      const cv = await congVanModel(db, d);
      res.render('print/cong-van', {
        title: d.number ? `Công văn số ${d.number}` : 'Dự thảo công văn',
        layout: 'print',
        bodyClass: 'portrait',
        cv,
        addresseeLines: formatRecipients(cv.addressees),
        recipientLines: formatRecipients(cv.recipients),
        back: { href: `/cong-van/${d.id}`, label: '← Về công văn' },
        pdf: { href: `/cong-van/${d.id}/in.pdf` },
      });
    },

    /** GET /cong-van/:id/in.pdf — the same công văn as a PDF. */
    async printPdf(req: Request, res: Response) {
      const { d } = await loadVisible(db, req.user!, idOf(req));
      const pdf = await renderCongVanPdf(await congVanModel(db, d));
      const name = d.number ? `cong-van-${d.number}` : `du-thao-cong-van-${d.id}`;
      res.setHeader('Content-Disposition', `inline; filename="${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.pdf"`);
      res.setHeader('Cache-Control', 'private, no-store');
      res.type('application/pdf').send(pdf);
    },
  };
}
