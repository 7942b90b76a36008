import crypto from 'node:crypto';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import session from 'express-session';
import { pinoHttp } from 'pino-http';
import { csrfSync } from 'csrf-sync';
import type { AppContext } from './context';
import { expressEngine, VIEWS_DIR } from './views';
import { DbSessionStore } from './auth/session-store';
import { createPassport } from './auth/passport';
import { errorHandler, notFoundHandler } from './middleware/errors';
import { pageLocals } from './middleware/locals';
import { workWaiting } from './services/work-counts.service';
import { healthRoutes } from './routes/health.routes';
import { apiRouter } from './routes/api.routes';
import { publicResultPages } from './handlers/result.pages';
import { htmlRouter } from './routes/html.routes';
import { publicPages } from './handlers/public.pages';
import { multipartBeforeCsrf } from './middleware/upload';

/** Build the Express app (no listen): middleware, routers and the error handler. */
export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy(ctx.config.TRUST_PROXY));
  app.engine('hbs', expressEngine);
  app.set('view engine', 'hbs');
  app.set('views', VIEWS_DIR);

  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
      // Public lookups are the hot, anonymous path: per-request access lines cost ~14% of its CPU.
      // Their errors are still logged by the error handler.
      autoLogging: {
        ignore: (req) => req.url === '/healthz' || /^\/(assets\/|tra-cuu|api\/v1\/public\/)/.test(req.url ?? ''),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
        },
      },
    }),
  );
  app.use('/assets', express.static(path.join(VIEWS_DIR, 'assets'), { maxAge: '1h', index: false }));
  app.get('/favicon.ico', (_req, res) => res.sendFile(path.join(VIEWS_DIR, 'assets', 'favicon.ico'), { maxAge: '1d' }));
  app.use(healthRoutes(ctx));

  // The JSON API: bearer tokens, no cookies, so no CSRF.
  app.use('/api/v1', express.json({ limit: '1mb', strict: false }), apiRouter(ctx));

  // The public lookup needs no session: mounted before the session middleware so citizens' visits
  // write nothing to the database.
  const pub = publicPages(ctx);
  app.get('/tra-cuu', pub.limiter, pub.page);
  // The citizen's electronic result and the verification its QR leads to (contract §3): public too.
  const results = publicResultPages(ctx);
  app.get('/tra-cuu/ket-qua', results.limiter, results.citizen);
  app.get('/xac-thuc/:sha', results.limiter, results.verify);

  // Pages: cookie sessions in the database, Passport, CSRF on every state-changing form.
  const ttlMs = ctx.config.SESSION_TTL_HOURS * 3_600_000;
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(
    session({
      name: 'motcua.sid',
      secret: ctx.sessionSecret,
      store: new DbSessionStore(ctx.db, ttlMs),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: ttlMs },
    }),
  );
  const passport = createPassport(ctx);
  app.use(passport.initialize());
  app.use(passport.session());
  const csrf = csrfSync({
    // The token travels in the form's body (or a header), never in the URL: multipart forms are read
    // first (signed-in users, upload routes only) so their hidden `_csrf` field is here too.
    getTokenFromRequest: (req) =>
      (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
    errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
  });
  app.use(multipartBeforeCsrf());
  app.use(csrf.csrfSynchronisedProtection);
  app.use(pageLocals(csrf.generateToken, (user) => workWaiting(ctx.db, user)));
  app.use(htmlRouter(ctx, passport));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

function trustProxy(v: string): boolean | number | string {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** A URL as logged: a CSRF token that arrived in the query (an old bookmark, a forged link) is not written down. */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url || !/[?&]_csrf=/i.test(url)) return url;
  return url.replace(/([?&]_csrf=)[^&#]*/gi, '$1[redacted]');
}
