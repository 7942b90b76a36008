import type { AppContext } from '../context';
import type { routes } from './define';
import { unitPages } from '../handlers/units.pages';
import { unitCodeParams } from '../schemas/params.schema';
import { mergePreviewQuerySchema, unitTreeQuerySchema } from '../schemas/unit-pages.schema';

/** The unit tree, merge and retire pages (design.md §13), mounted by html.routes. */
export function unitRoutes(r: ReturnType<typeof routes>, ctx: AppContext): void {
  const units = unitPages(ctx);
  r.get('/quan-tri/don-vi', ['admin'], { query: unitTreeQuerySchema }, units.list);
  r.get(
    '/quan-tri/don-vi/:code/sap-nhap',
    ['admin'],
    { params: unitCodeParams, query: mergePreviewQuerySchema },
    units.preview,
  );
  r.post('/quan-tri/don-vi/:code/sap-nhap', ['admin'], { params: unitCodeParams }, units.merge);
  r.post('/quan-tri/don-vi/:code/ngung-hoat-dong', ['admin'], { params: unitCodeParams }, units.retire);
}
