import type { Server } from 'node:http';
import { Config } from './config';
import { createDb, migrate, withStartupLock, Db } from './db';
import { ensureReportCounts } from './services/report-counts.service';
import { createLogger } from './logger';
import { createApp } from './app';
import { setHashCost } from './auth/passwords';
import { ensureAdmin, sessionSecret } from './services/bootstrap.service';
import { ensureDemoCa } from './services/certificates.service';
import { seedDemo } from '../db/seeds/demo';
import type { AppContext } from './context';
import { createMailer } from './mail/mailer';
import { startScheduler, Scheduler } from './jobs/scheduler';

export interface Running {
  ctx: AppContext;
  server: Server;
  stop: () => Promise<void>;
}

/** Everything `npm start` does: migrate, bootstrap, seed, listen; `stop` drains and closes. */
export async function start(config: Config, opts: { print?: (s: string) => void } = {}): Promise<Running> {
  const print = opts.print ?? ((s: string) => process.stdout.write(s + '\n'));
  const logger = createLogger(config);
  setHashCost(config.PASSWORD_HASH_COST);
  const db: Db = createDb(config.databaseUrl, {
    queryTimeoutMs: config.DB_QUERY_TIMEOUT_MS,
    busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS,
  });
  // Several processes may start together on one empty MySQL database: one migrates and seeds, the
  // others wait for it and find the work done.
  await withStartupLock(db, config.databaseUrl, async () => {
    const applied = await migrate(db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    // A database with dossiers from before the report counts existed gets them computed once.
    const counts = await ensureReportCounts(db);
    if (counts?.dossiers) logger.info(counts, 'report counts built');
    const admin = await ensureAdmin(db, config.ADMIN_PASSWORD);
    if (admin?.generated)
      print(
        `\nĐã tạo tài khoản quản trị "admin" với mật khẩu: ${admin.password}\n(Mật khẩu chỉ hiện một lần; đặt ADMIN_PASSWORD để tự chọn.)\n`,
      );
    if (admin && config.SEED_DEMO) {
      const demo = await seedDemo(db, config);
      print(demo.summary);
    }
    // Signing works out of the box: a local demo CA ("không có giá trị pháp lý") until an admin uploads certificates.
    await ensureDemoCa(db, config);
  });
  const ctx: AppContext = { config, db, logger, sessionSecret: await sessionSecret(db, config.SESSION_SECRET) };
  const app = createApp(ctx);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 5000;
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  // PUBLIC_URL unset: links, mail and QR codes name the port actually served (PORT=0 picks one).
  // Set before the first request is read and before the scheduler copies it.
  if (config.publicUrlFollowsPort) ctx.config = { ...config, PUBLIC_URL: `http://localhost:${port}` };
  const mailer = createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, dataDir: config.dataDir });
  const scheduler: Scheduler | null = config.JOBS ? startScheduler(ctx, mailer) : null;
  logger.info({ port }, 'listening');
  print(`Một Cửa đang chạy tại http://localhost:${port}`);

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop accepting, let requests in flight finish (their transactions commit), then close the pool.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await scheduler?.stop();
      mailer.close();
      await db.destroy();
      logger.info('stopped');
    })());
  return { ctx, server, stop };
}
