import type { Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../errors';
import type { Req } from '../routes/route';
import type { mailIdParams } from '../schemas/params.schema';
import type { mailListQuerySchema } from '../schemas/pages.schema';
import { flash } from '../middleware/locals';
import { resendMail } from '../jobs/outbox.job';
import { countMails, listMails } from '../queries/outbox.queries';

const STATUS: Record<string, string> = { pending: 'Đang chờ gửi', sent: 'Đã gửi', failed: 'Gửi thất bại' };

/** Admin: recent mail from the outbox, failures first, with a resend button. */
export function mailPages(ctx: AppContext) {
  return {
    async list(req: Req<{ query: typeof mailListQuerySchema }>, res: Response) {
      const only = req.input.query['trang-thai'] ?? null;
      const mails = await listMails(ctx.db, { status: only ?? undefined, limit: 200 });
      const rows = mails.map((r) => {
        const m = JSON.parse(r.payload) as { to: string; subject: string };
        return {
          id: r.id,
          to: m.to,
          subject: m.subject,
          status: r.status,
          statusText: STATUS[r.status] ?? r.status,
          attempts: r.attempts,
          error: r.last_error,
          createdAt: r.created_at,
          sentAt: r.sent_at,
          nextAt: r.status === 'pending' ? r.available_at : null,
        };
      });
      res.render('pages/admin/mail', {
        title: 'Thư đã gửi',
        rows,
        failedCount: await countMails(ctx.db, 'failed'),
        only,
        transport: ctx.config.SMTP_URL ? 'SMTP' : `tệp .eml trong ${ctx.config.dataDir}/mail`,
      });
    },
    async resend(req: Req<{ params: typeof mailIdParams }>, res: Response) {
      if (!(await resendMail(ctx.db, req.input.params.id))) throw new NotFound('Không có thư gửi thất bại với mã này.');
      flash(req, 'success', 'Đã đưa thư vào hàng đợi gửi lại.');
      res.redirect(303, '/quan-tri/thu');
    },
  };
}
