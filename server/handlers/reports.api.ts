import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { Invalid } from '../errors';
import { parsePeriod, reportScope, summary } from '../services/reports.service';

/** /api/v1/reports: the summary figures of contract.md §2 "Reports". */
export function reportsApi(ctx: AppContext) {
  return {
    /** GET /reports/summary?from=&to=&unitCode= → exactly the seven figures; 404 outside the user's tree, then 422 for bad dates. */
    async summary(req: Request, res: Response) {
      const { from, to, unitCode } = req.query;
      if (unitCode !== undefined && typeof unitCode !== 'string')
        throw new Invalid('Mã đơn vị không hợp lệ.', { fields: { unitCode: 'Chỉ được chọn một đơn vị.' } });
      const scope = await reportScope(ctx.db, req.user!, unitCode || undefined);
      const period = parsePeriod({ from, to });
      res.json(await summary(ctx.db, { unitIds: scope.unitIds, ...period, now: Date.now() }));
    },
  };
}
