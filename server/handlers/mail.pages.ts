import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../errors';
import { flash } from '../middleware/locals';
import { resendMail } from '../jobs/outbox.job';

const STATUS: Record<string, string> = { pending: 'Đang chờ gửi', sent: 'Đã gửi', failed: 'Gửi thất bại' };

/** Admin: recent mail from the outbox, failures first, with a resend button. */
export function mailPages(ctx: AppContext) {
  return {
    async list(req: Request, res: Response) {
      const only = req.query['trang-thai'] === 'failed' ? 'failed' : null;
      const q = ctx
        .db('outbox')
        .where({ kind: 'mail' })
        .orderBy('id', 'desc')
        .limit(200)
        .select('id', 'payload', 'status', 'attempts', 'last_error', 'created_at', 'sent_at', 'available_at');
      if (only) q.where({ status: only });
      const rows = (await q).map((r) => {
        const m = JSON.parse(r.payload) as { to: string; subject: string };
        return {
          id: r.id,
          to: m.to,
          subject: m.subject,
          status: r.status,
          statusText: STATUS[r.status] ?? r.status,
          attempts: r.attempts,
          error: r.last_error,
          createdAt: Number(r.created_at),
          sentAt: r.sent_at ? Number(r.sent_at) : null,
          nextAt: r.status === 'pending' ? Number(r.available_at) : null,
        };
      });
      const [{ n }] = await ctx
        .db('outbox')
        .where({ kind: 'mail', status: 'failed' })
        .count<{ n: number }[]>({ n: '*' });
      res.render('pages/admin/mail', {
        title: 'Thư đã gửi',
        rows,
        failedCount: Number(n),
        only,
        transport: ctx.config.SMTP_URL ? 'SMTP' : `tệp .eml trong ${ctx.config.dataDir}/mail`,
      });
    },
    async resend(req: Request, res: Response) {
      if (!(await resendMail(ctx.db, Number(req.params.id) || 0)))
        throw new NotFound('Không có thư gửi thất bại với mã này.');
      flash(req, 'success', 'Đã đưa thư vào hàng đợi gửi lại.');
      res.redirect(303, '/quan-tri/thu');
    },
  };
}
