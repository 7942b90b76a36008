import type { Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../errors';
import type { Req } from '../routes/route';
import type { mailIdParams } from '../schemas/params.schema';
import type { mailListQuerySchema } from '../schemas/pages.schema';
import { flash } from '../middleware/locals';
import { resendMail } from '../jobs/outbox.job';
import { countMails, findMail, listMails, type OutboxRow } from '../queries/outbox.queries';

const STATUS: Record<string, string> = { pending: 'Đang chờ gửi', sent: 'Đã gửi', failed: 'Gửi thất bại' };
const TABS = [
  { key: null, label: 'Tất cả' },
  { key: 'pending', label: 'Đang chờ gửi' },
  { key: 'sent', label: 'Đã gửi' },
  { key: 'failed', label: 'Gửi thất bại' },
] as const;

/** A mail row as both pages show it; the payload is what the mailer sends (to, subject, text, html). */
function mailView(r: OutboxRow) {
  const m = JSON.parse(r.payload) as { to?: string; subject?: string; text?: string };
  return {
    id: r.id,
    to: m.to ?? '',
    subject: m.subject ?? '',
    text: m.text ?? '',
    status: r.status,
    statusText: STATUS[r.status] ?? r.status,
    attempts: r.attempts,
    error: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    nextAt: r.status === 'pending' ? r.available_at : null,
  };
}

/** Admin: recent mail from the outbox, by state, one mail to read, and a resend button for failures. */
export function mailPages(ctx: AppContext) {
  return {
    async list(req: Req<{ query: typeof mailListQuerySchema }>, res: Response) {
      const only = req.input.query['trang-thai'] ?? null;
      const mails = await listMails(ctx.db, { status: only ?? undefined, limit: 200 });
      const counts: Record<string, number> = {};
      for (const s of ['pending', 'sent', 'failed'] as const) counts[s] = await countMails(ctx.db, s);
      res.render('pages/admin/mail', {
        title: 'Thư đã gửi',
        rows: mails.map(mailView),
        tabs: TABS.map((t) => ({
          label: t.label,
          href: t.key ? `/quan-tri/thu?trang-thai=${t.key}` : '/quan-tri/thu',
          current: t.key === only,
          count: t.key ? counts[t.key] : null,
        })),
        failedCount: counts.failed,
        only,
        transport: ctx.config.SMTP_URL ? 'SMTP' : `tệp .eml trong ${ctx.config.dataDir}/mail`,
      });
    },
    /** GET /quan-tri/thu/:id — one mail to read: subject, recipient, times and its text (escaped). */
    async show(req: Req<{ params: typeof mailIdParams }>, res: Response) {
      const row = await findMail(ctx.db, req.input.params.id);
      if (!row) throw new NotFound('Không tìm thấy thư với mã này.');
      const m = mailView(row);
      res.render('pages/admin/mail-show', { title: `Thư: ${m.subject}`, m });
    },
    async resend(req: Req<{ params: typeof mailIdParams }>, res: Response) {
      if (!(await resendMail(ctx.db, req.input.params.id))) throw new NotFound('Không có thư gửi thất bại với mã này.');
      flash(req, 'success', 'Đã đưa thư vào hàng đợi gửi lại.');
      res.redirect(303, '/quan-tri/thu');
    },
  };
}
