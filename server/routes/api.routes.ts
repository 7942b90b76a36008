import { Router } from 'express';
import type { AppContext } from '../context';
import { bearerAuth } from '../middleware/auth';
import { notFoundHandler } from '../middleware/errors';
import { routes } from './define';
import { accountsApi } from '../handlers/accounts.api';

/** /api/v1: public endpoints first, then everything else behind a bearer token. */
export function apiRouter(ctx: AppContext): Router {
  const router = Router();
  const r = routes(router);
  const accounts = accountsApi(ctx);

  r.post('/tokens', 'public', accounts.createToken);

  router.use(bearerAuth(ctx.db));
  r.delete('/tokens/current', 'user', accounts.revokeCurrentToken);
  r.get('/units', 'user', accounts.listUnits);
  r.post('/units', ['admin'], accounts.createUnit);
  r.patch('/units/:code', ['admin'], accounts.updateUnit);
  r.get('/users', ['admin'], accounts.listUsers);
  r.post('/users', ['admin'], accounts.createUser);
  r.patch('/users/:username', ['admin'], accounts.updateUser);

  router.use(notFoundHandler);
  return router;
}
