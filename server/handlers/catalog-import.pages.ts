import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { Conflict, Invalid } from '../errors';
import { flash } from '../middleware/locals';
import { uploadErrorOf, uploadFiles } from '../middleware/upload';
import { parseFields } from '../schemas/validate';
import { catalogImportConfirmSchema, type catalogImportParams } from '../schemas/catalog-import.schema';
import { confirmImport, importResult, previewImport } from '../services/catalog-import.service';
import { importFormModel, importPreviewModel, importResultModel } from '../presenters/catalog-import.presenter';
import type { Req } from '../routes/route';

export const IMPORT_PATH = '/quan-tri/thu-tuc/nhap';
const vn = (n: number) => n.toLocaleString('vi-VN');

/**
 * The admin's import from the national procedure catalogue (issue 16): upload a CSV/XLSX export →
 * preview (nothing written) → confirm (every good row in one transaction, once) → the result page.
 */
export function catalogImportPages(ctx: AppContext) {
  const form = (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    res.status(status).render('pages/admin/procedure-import', { ...importFormModel(), ...extra });

  return {
    form: (_req: Request, res: Response) => form(res),
    upload: uploadFiles(10, { keepForm: true }),
    async preview(req: Request, res: Response) {
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      const { maxMb } = importFormModel();
      if (uploadErrorOf(req)) return form(res, { error: `Tệp quá lớn: tối đa ${maxMb} MB.` }, 422);
      if (files.length !== 1)
        return form(res, { error: files.length ? 'Chỉ chọn một tệp.' : 'Chưa chọn tệp CSV hoặc XLSX.' }, 422);
      // multer reads the name's UTF-8 bytes as latin1.
      const name = Buffer.from(files[0].originalname, 'latin1').toString('utf8');
      try {
        const preview = await previewImport(ctx.db, { name, buffer: files[0].buffer }, req.user!.id);
        res.render('pages/admin/procedure-import-preview', importPreviewModel(preview));
      } catch (err) {
        if (!(err instanceof Invalid)) throw err;
        form(res, { error: err.message, fileName: name }, 422);
      }
    },
    async confirm(req: Request, res: Response) {
      const input = parseFields(catalogImportConfirmSchema, req.body);
      try {
        const done = await confirmImport(ctx.db, { token: input.importToken, fileHash: input.fileHash }, req.user!.id);
        const { created, updated } = done.result;
        if (done.imported) flash(req, 'success', `Đã nhập ${vn(created)} thủ tục mới và ${vn(updated)} phiên bản mới.`);
        else flash(req, 'info', 'Bản xem trước này đã được nhập trước đó; không nhập lại lần nữa.');
        res.redirect(303, `${IMPORT_PATH}/${done.id}`);
      } catch (err) {
        if (!(err instanceof Conflict || err instanceof Invalid)) throw err;
        form(res, { error: err.message }, err.status);
      }
    },
    async result(req: Req<{ params: typeof catalogImportParams }>, res: Response) {
      const r = await importResult(ctx.db, req.input.params.id);
      res.render('pages/admin/procedure-import-result', importResultModel(r));
    },
  };
}
