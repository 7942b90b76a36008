import express, { RequestHandler, Router } from 'express';
import type { AppContext } from '../context';
import { authorize, bearerAuth } from '../middleware/auth';
import { notFoundHandler } from '../middleware/errors';
import { idempotency } from '../middleware/idempotency';
import { uploadFiles } from '../middleware/upload';
import { validateInput } from '../middleware/input';
import { openApiDocument } from '../openapi';
import { publicPages } from '../handlers/public.pages';
import type { ApiRoute } from './route';
import { accountRoutes, tokenRoute } from './api/accounts.routes';
import { dossierRoutes } from './api/dossiers.routes';
import { dispatchRoutes } from './api/dispatches.routes';
import { consultationRoutes } from './api/consultations.routes';
import { catalogRoutes } from './api/catalog.routes';
import { resultRoutes } from './api/results.routes';
import { attachmentRoutes } from './api/attachments.routes';
import { publicLookupRoute } from './api/public.routes';

export type { ApiRoute } from './route';

/**
 * Every authenticated /api/v1 route in one table: access is declared beside each path (deny by
 * default), with its input schemas and its answers. The same table mounts the routes, validates
 * their input and generates the OpenAPI document; the security suite walks it too.
 */
export function apiRoutes(ctx: AppContext): ApiRoute[] {
  return [
    ...accountRoutes(ctx),
    ...catalogRoutes(ctx),
    ...dossierRoutes(ctx),
    ...consultationRoutes(ctx),
    ...resultRoutes(ctx),
    ...attachmentRoutes(ctx),
    ...dispatchRoutes(ctx),
  ];
}

/** Routes that need no token. */
export function publicApiRoutes(ctx: AppContext): ApiRoute[] {
  return [tokenRoute(ctx), publicLookupRoute(ctx)];
}

type Keys = ReturnType<typeof idempotency>;

function mount(router: Router, r: ApiRoute, keys?: Keys): void {
  // validateInput has put the typed input on the request the handler is declared to take.
  const raw = r.rawBody ? [express.raw({ type: () => true, limit: r.rawBody.limit })] : [];
  const files = r.multipart ? [uploadFiles(r.multipart.maxFields, { field: r.multipart.field })] : [];
  // Idempotency-Key (contract.md §2): every authenticated POST, once its body is read.
  const once = keys && r.method === 'post' ? { before: [keys.before], after: [keys.after] } : { before: [], after: [] };
  router[r.method](
    r.path,
    authorize(r.access),
    ...raw,
    ...files,
    ...once.before,
    validateInput(r),
    r.handler as unknown as RequestHandler,
    ...once.after,
  );
}

/** /api/v1: the description and public endpoints first, then everything else behind a bearer token. */
export function apiRouter(ctx: AppContext): Router {
  const router = Router();
  const pub = publicApiRoutes(ctx);
  const authed = apiRoutes(ctx);
  let doc: object | undefined; // built on first request: most app instances (tests) never serve it
  router.get('/openapi.json', (_req, res) => res.json((doc ??= openApiDocument([...pub, ...authed]))));
  router.use('/public', publicPages(ctx).limiter);
  for (const r of pub) mount(router, r);
  router.use(bearerAuth(ctx.db));
  const keys = idempotency(ctx);
  for (const r of authed) mount(router, r, keys);
  router.use(notFoundHandler);
  return router;
}
