import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { NotFound } from '../errors';
import { publicRateLimit } from '../middleware/rate-limit';
import { normaliseCode, publicDossier, publicGuidance, publicTimeline } from '../services/public-lookup.service';
import { DOSSIER_CODE } from './public.api';

/** Public lookup page, no sign-in, with the per-address rate limit it shares with the JSON lookup. */
export function publicPages(ctx: AppContext) {
  const limiter = publicRateLimit(
    ctx,
    'lookup',
    'Bạn tra cứu quá nhiều lần trong một phút. Vui lòng đợi một lát rồi thử lại.',
  );
  return {
    limiter,
    async page(req: Request, res: Response) {
      const code = typeof req.query.ma === 'string' ? normaliseCode(req.query.ma).slice(0, 100) : '';
      const view = { title: 'Tra cứu hồ sơ', layout: 'public', code };
      if (!code) return res.render('pages/public/lookup', view);
      try {
        if (!DOSSIER_CODE.test(code))
          throw new NotFound('Mã hồ sơ không đúng định dạng (ví dụ 000.01.01.H05-261125-0001).');
        const found = await publicDossier(ctx.db, code);
        res.set('Cache-Control', 'no-store').render('pages/public/lookup', {
          ...view,
          code: found.body.code, // as issued, whatever case it was typed in
          d: found.body,
          timeline: await publicTimeline(ctx.db, found.id),
          ...(await publicGuidance(ctx.db, found.id, found.body.status)),
        });
      } catch (err) {
        if (err instanceof NotFound)
          return res.status(404).render('pages/public/lookup', { ...view, error: err.message });
        throw err;
      }
    },
  };
}
