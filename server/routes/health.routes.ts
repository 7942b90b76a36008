import { Router } from 'express';
import type { AppContext } from '../context';
import { ping } from '../db';

/** GET /healthz: 200 when the database answers, 503 otherwise (contract.md §1). */
export function healthRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    const ok = await ping(ctx.db);
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ok ? 'ok' : 'unavailable' });
  });
  return r;
}
