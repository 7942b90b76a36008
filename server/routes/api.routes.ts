import { RequestHandler, Router } from 'express';
import type { AppContext } from '../context';
import { Access, bearerAuth } from '../middleware/auth';
import { notFoundHandler } from '../middleware/errors';
import { authorize } from '../middleware/auth';
import { accountsApi } from '../handlers/accounts.api';
import { proceduresApi } from '../handlers/procedures.api';
import { dossiersApi } from '../handlers/dossiers.api';
import { calendarApi } from '../handlers/calendar.api';
import { openApiDocument } from '../openapi';
import { publicPages } from '../handlers/public.pages';
import { reportsApi } from '../handlers/reports.api';
import { dispatchesApi } from '../handlers/dispatches.api';

export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  access: Access;
  handler: RequestHandler;
}

const STAFF = ['intake', 'specialist', 'head', 'leader', 'clerk', 'admin'] as const;

/**
 * Every authenticated /api/v1 route in one table: access is declared beside each path (deny by
 * default), and the OpenAPI test walks this table to prove the description lists them all.
 */
export function apiRoutes(ctx: AppContext): ApiRoute[] {
  const accounts = accountsApi(ctx);
  const procedures = proceduresApi(ctx);
  const dossiers = dossiersApi(ctx);
  const calendar = calendarApi(ctx);
  const reports = reportsApi(ctx);
  const dispatches = dispatchesApi(ctx);
  return [
    { method: 'delete', path: '/tokens/current', access: 'user', handler: accounts.revokeCurrentToken },
    { method: 'get', path: '/units', access: 'user', handler: accounts.listUnits },
    { method: 'post', path: '/units', access: ['admin'], handler: accounts.createUnit },
    { method: 'patch', path: '/units/:code', access: ['admin'], handler: accounts.updateUnit },
    { method: 'get', path: '/users', access: ['admin'], handler: accounts.listUsers },
    { method: 'post', path: '/users', access: ['admin'], handler: accounts.createUser },
    { method: 'patch', path: '/users/:username', access: ['admin'], handler: accounts.updateUser },
    { method: 'get', path: '/procedures', access: STAFF, handler: procedures.list },
    { method: 'post', path: '/procedures', access: ['admin'], handler: procedures.create },
    { method: 'get', path: '/procedures/:code', access: STAFF, handler: procedures.get },
    { method: 'get', path: '/dossiers', access: STAFF, handler: dossiers.list },
    { method: 'post', path: '/dossiers', access: STAFF, handler: dossiers.create },
    { method: 'get', path: '/dossiers/:code', access: STAFF, handler: dossiers.get },
    { method: 'get', path: '/dossiers/:code/history', access: STAFF, handler: dossiers.history },
    { method: 'post', path: '/dossiers/:code/events', access: STAFF, handler: dossiers.event },
    { method: 'get', path: '/calendar/deadline', access: 'user', handler: calendar.deadline },
    { method: 'get', path: '/calendar/days', access: 'user', handler: calendar.listDays },
    { method: 'put', path: '/calendar/days/:date', access: ['admin'], handler: calendar.putDay },
    { method: 'delete', path: '/calendar/days/:date', access: ['admin'], handler: calendar.deleteDay },
    { method: 'get', path: '/reports/summary', access: STAFF, handler: reports.summary },
    { method: 'get', path: '/dispatches', access: STAFF, handler: dispatches.list },
    { method: 'post', path: '/dispatches', access: STAFF, handler: dispatches.create },
    { method: 'get', path: '/dispatches/:id', access: STAFF, handler: dispatches.get },
    { method: 'post', path: '/dispatches/:id/events', access: STAFF, handler: dispatches.event },
    { method: 'get', path: '/dispatches/:id/synthesis', access: STAFF, handler: dispatches.synthesis },
    { method: 'post', path: '/dispatches/:id/replies/:unitCode/events', access: STAFF, handler: dispatches.replyEvent },
    { method: 'put', path: '/dispatches/:id/replies/:unitCode/response', access: STAFF, handler: dispatches.response },
  ];
}

/** Routes that need no token. */
export function publicApiRoutes(ctx: AppContext): ApiRoute[] {
  const accounts = accountsApi(ctx);
  const pub = publicPages(ctx);
  return [
    { method: 'post', path: '/tokens', access: 'public', handler: accounts.createToken },
    { method: 'get', path: '/public/dossiers/:code', access: 'public', handler: pub.api },
  ];
}

/** /api/v1: public endpoints first, then everything else behind a bearer token. */
export function apiRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => res.json(openApiDocument()));
  router.use('/public', publicPages(ctx).limiter);
  for (const r of publicApiRoutes(ctx)) router[r.method](r.path, authorize(r.access), r.handler);
  router.use(bearerAuth(ctx.db));
  for (const r of apiRoutes(ctx)) router[r.method](r.path, authorize(r.access), r.handler);
  router.use(notFoundHandler);
  return router;
}
