import type { AppContext } from '../context';
import type { routes } from './define';
import { portalPages } from '../handlers/portal.pages';
import { portalMessageParams, portalPageQuerySchema } from '../schemas/portal.schema';

/** The national-portal sync admin page (design.md §12), mounted by html.routes. */
export function portalRoutes(r: ReturnType<typeof routes>, ctx: AppContext): void {
  const portal = portalPages(ctx);
  r.get('/quan-tri/dong-bo', ['admin'], { query: portalPageQuerySchema }, portal.show);
  r.post('/quan-tri/dong-bo/gui-lai-tat-ca', ['admin'], portal.resendAll);
  r.post('/quan-tri/dong-bo/ho-so-chua-gui', ['admin'], portal.queueOld);
  r.post('/quan-tri/dong-bo/:id/gui-lai', ['admin'], { params: portalMessageParams }, portal.resend);
}
