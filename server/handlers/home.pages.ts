import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { listDossiers, listWork } from '../services/dossiers.service';
import { getCalendar } from '../services/calendar.service';
import { urgencyBadge } from '../presenters/urgency.presenter';
import { workItemJson } from '../presenters/dossier.presenter';

/** The home page: who I am, and what waits for me (the first of my work list). */
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
      res.render('pages/home/index', { title: 'Trang chủ', user, mine, overdueTotal: overdue?.total ?? 0 });
    },
  };
}
