import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { listDossiers, listWork } from '../services/dossiers.service';
import { getCalendar } from '../services/calendar.service';
import { workWaiting } from '../services/work-counts.service';
import { urgencyBadge } from '../presenters/urgency.presenter';
import { workItemJson } from '../presenters/dossier.presenter';
import { delegationNotice } from '../presenters/delegation.presenter';

/** The home page: who I am, and every kind of work that waits for me (dossiers and dispatches). */
export function homePages(ctx: AppContext) {
  return {
    async index(req: Request, res: Response) {
      const user = req.user!;
      const staff = user.unitId != null;
      const work = staff
        ? await listWork(ctx.db, user, { mine: true, page: 1, pageSize: 8 }, await getCalendar(ctx.db, ctx.config))
        : null;
      const mine = work && {
        ...work,
        items: work.items.map((w) => ({ ...workItemJson(w), badge: urgencyBadge(w.urgency) })),
      };
      const overdue = staff ? await listDossiers(ctx.db, user, { overdue: true, page: 1, pageSize: 1 }) : null;
      const waiting = staff ? await workWaiting(ctx.db, user) : null;
      // One card per kind of dispatch work, shown only when something waits.
      const dispatchWork = waiting
        ? [
            { n: waiting.dispatchesToApprove, text: 'công văn chờ duyệt', href: '/cong-van?loc=da-gui' },
            { n: waiting.dispatchesToIssue, text: 'công văn chờ ban hành', href: '/cong-van?loc=da-gui' },
            { n: waiting.repliesToAssign, text: 'công văn đến chờ giao xử lý', href: '/cong-van?loc=den' },
            { n: waiting.repliesToDraft, text: 'ý kiến trả lời chờ bạn soạn', href: '/cong-van?loc=den' },
            { n: waiting.repliesToApprove, text: 'ý kiến trả lời chờ duyệt', href: '/cong-van?loc=den' },
          ].filter((c) => c.n > 0)
        : [];
      res.render('pages/home/index', {
        title: 'Trang chủ',
        user,
        acting: (user.delegations ?? []).map(delegationNotice),
        mine,
        overdueTotal: overdue?.total ?? 0,
        dispatchWork,
      });
    },
  };
}
