import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import { flash } from '../middleware/locals';
import { Invalid } from '../errors';
import type { portalMessageParams, portalPageQuerySchema } from '../schemas/portal.schema';
import { portalOverview, queueNeverSynced, resendAll, resendMessage } from '../services/portal-admin.service';
import { portalPage } from '../presenters/portal.presenter';
import { vnDate } from '../../workflows/calendar';
import { toTypedDate, TYPED_DATE_PATTERN } from '../schemas/dates.schema';

const PAGE = '/quan-tri/dong-bo';

/** Admin: the national-portal sync (design.md §12): failures with resend buttons, and the day's reconciliation. */
export function portalPages(ctx: AppContext) {
  return {
    async show(req: Req<{ query: typeof portalPageQuerySchema }>, res: Response) {
      const day = req.input.query.ngay ?? vnDate(new Date());
      const o = await portalOverview(ctx.db, ctx.config, req.user!, { day, page: req.input.query.trang ?? 1 });
      res.render('pages/admin/portal-sync', {
        title: 'Đồng bộ Cổng Dịch vụ công quốc gia',
        ...portalPage(o),
        dayTyped: toTypedDate(day),
        datePattern: TYPED_DATE_PATTERN,
      });
    },
    async resend(req: Req<{ params: typeof portalMessageParams }>, res: Response) {
      let resent: boolean;
      try {
        resent = await resendMessage(ctx.db, ctx.config, req.user!, req.input.params.id);
      } catch (err) {
        if (!(err instanceof Invalid)) throw err;
        flash(req, 'error', err.message);
        return res.redirect(303, PAGE);
      }
      if (resent) flash(req, 'success', 'Đã đưa tin vào hàng đợi gửi lại ngay.');
      else flash(req, 'info', 'Tin này đã được Cổng DVC quốc gia tiếp nhận hoặc đang được gửi, không cần gửi lại.');
      res.redirect(303, PAGE);
    },
    async resendAll(req: Request, res: Response) {
      const n = await resendAll(ctx.db, req.user!);
      flash(
        req,
        n ? 'success' : 'info',
        n ? `Đã đưa ${n} tin vào hàng đợi gửi lại ngay.` : 'Không có tin nào chờ gửi.',
      );
      res.redirect(303, PAGE);
    },
    async queueOld(req: Request, res: Response) {
      const { queued, left } = await queueNeverSynced(ctx.db, ctx.config, req.user!);
      const more = left ? ` Còn ${left} hồ sơ chưa gửi: bấm lại để tiếp tục.` : '';
      flash(req, queued ? 'success' : 'info', `Đã đưa ${queued} hồ sơ vào hàng đợi gửi Cổng DVC quốc gia.${more}`);
      res.redirect(303, PAGE);
    },
  };
}
