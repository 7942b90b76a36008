import type { AppContext } from '../context';
import type { routes } from './define';
import { dispatchDraftPages } from '../handlers/dispatch-draft.pages';
import { dispatchIdParams, replyParams } from '../schemas/params.schema';

/** The drafter's edit and delete, files on a reply and the printable công văn; mounted by html.routes. */
export function dispatchDraftRoutes(r: ReturnType<typeof routes>, ctx: AppContext): void {
  const p = dispatchDraftPages(ctx);
  r.get('/cong-van/:id/sua', ['specialist'], { params: dispatchIdParams }, p.editForm);
  r.post('/cong-van/:id/sua', ['specialist'], { params: dispatchIdParams }, p.edit);
  r.post('/cong-van/:id/xoa', ['specialist'], { params: dispatchIdParams }, p.remove);
  r.post('/cong-van/:id/y-kien/:unitCode/tep', 'user', { params: replyParams }, p.replyUpload, p.replyAttach);
  r.get('/cong-van/:id/in.pdf', 'user', { params: dispatchIdParams }, p.printPdf);
  r.get('/cong-van/:id/in', 'user', { params: dispatchIdParams }, p.print);
}
