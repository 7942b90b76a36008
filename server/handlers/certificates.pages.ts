import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { Invalid, NotFound, TooLarge } from '../errors';
import { uploadErrorOf, uploadFiles } from '../middleware/upload';
import { flash } from '../middleware/locals';
import { findUnitByCode } from '../queries/units.queries';
import { findUserByUsername } from '../queries/users.queries';
import type { Owner } from '../queries/certificates.queries';
import { certificateOverview, MAX_P12_BYTES, uploadCertificate } from '../services/certificates.service';
import type { Req } from '../routes/route';
import type { unitCodeParams, usernameParams } from '../schemas/params.schema';

const PAGE = '/quan-tri/chung-thu-so';

/**
 * The admin's certificates page (design.md §10): leaders and units with their current certificate,
 * and a PKCS#12 upload per row. The file and its password are read once, checked, stored sealed and
 * never shown or logged; a bad upload shows its message beside the form and stores nothing.
 */
export function certificatePages(ctx: AppContext) {
  const page = async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const overview = await certificateOverview(ctx.db);
    res.status(status).render('pages/admin/certificates', {
      title: 'Chứng thư số',
      demoMode: overview.demoMode,
      users: overview.users.map((u) => ({
        ...u,
        key: `user-${u.id}`,
        action: `${PAGE}/nguoi-dung/${encodeURIComponent(u.username)}`,
      })),
      units: overview.units.map((u) => ({
        ...u,
        key: `unit-${u.id}`,
        action: `${PAGE}/don-vi/${encodeURIComponent(u.code)}`,
      })),
      maxKb: MAX_P12_BYTES / 1024,
      ...extra,
    });
  };

  const upload = async (req: Request, res: Response, owner: Owner, key: string, label: string) => {
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    // The password is used for this request only: it is not put back into the form.
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    try {
      const tooLarge = uploadErrorOf(req);
      if (tooLarge || files.some((f) => f.size > MAX_P12_BYTES))
        throw new TooLarge(`Tệp chứng thư số quá lớn (tối đa ${MAX_P12_BYTES / 1024} KB).`, {
          fields: { file: `Tệp quá ${MAX_P12_BYTES / 1024} KB` },
        });
      if (files.length !== 1) {
        const msg = files.length ? 'Chỉ chọn một tệp .p12/.pfx.' : 'Chưa chọn tệp chứng thư số (.p12/.pfx).';
        throw new Invalid(msg, { fields: { file: msg } });
      }
      const saved = await uploadCertificate(ctx.db, ctx.config, {
        owner,
        p12: files[0].buffer,
        password,
        uploadedBy: req.user!.id,
      });
      flash(req, 'success', `Đã lưu chứng thư số của ${label}: ${saved.subject}.`);
      res.redirect(303, `${PAGE}#${key}`);
    } catch (err) {
      if (!(err instanceof Invalid || err instanceof TooLarge)) throw err;
      const fields = ((err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {}) as Record<
        string,
        string
      >;
      await page(res, { error: err.message, failed: { key, fields } }, err.status);
    }
  };

  return {
    page: (_req: Request, res: Response) => page(res),
    upload: uploadFiles(10, { keepForm: true }),
    async uploadForUser(req: Req<{ params: typeof usernameParams }>, res: Response) {
      const user = await findUserByUsername(ctx.db, req.input.params.username);
      if (!user) throw new NotFound('Không tìm thấy người dùng.');
      await upload(req, res, { kind: 'user', id: user.id }, `user-${user.id}`, user.fullName);
    },
    async uploadForUnit(req: Req<{ params: typeof unitCodeParams }>, res: Response) {
      const unit = await findUnitByCode(ctx.db, req.input.params.code);
      if (!unit) throw new NotFound('Không tìm thấy đơn vị.');
      await upload(req, res, { kind: 'unit', id: unit.id }, `unit-${unit.id}`, unit.name);
    },
  };
}
