import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type { summaryQuerySchema } from '../schemas/reports.schema';
import { parsePeriod, reportScope, summary } from '../services/reports.service';

/** /api/v1/reports: the summary figures of contract.md §2 "Reports". */
export function reportsApi(ctx: AppContext) {
  return {
    /** GET /reports/summary?from=&to=&unitCode= → exactly the seven figures. */
    async summary(req: Req<{ query: typeof summaryQuerySchema }>, res: Response) {
      const { from, to, unitCode } = req.input.query;
      const scope = await reportScope(ctx.db, req.user!, unitCode || undefined);
      const period = parsePeriod({ from, to });
      res.json(await summary(ctx.db, { unitIds: scope.unitIds, ...period, now: Date.now() }));
    },
  };
}
