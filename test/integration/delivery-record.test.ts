/**
 * A message is out, and then recording it fails: what a Galera node killed under the sending process
 * does (issue 17). The mail worker and the portal sender retry the record while their lease lasts, so
 * the message is sent once and ends sent with one attempt; a record that fails is never a failed send.
 * A claim that loses to another node's write (a deadlock error under Galera) is "not mine", not a
 * crashed pass. The database is real; only the chosen UPDATEs fail, before they run.
 */
import type { Logger } from 'pino';
import { ENGINES, createTestDb, type TestDb } from '../helpers/db';
import { buildDossierApp, receive, type World } from '../factories/dossiers';
import type { TestApp } from '../helpers/app';
import type { Db } from '../../server/db';
import type { Mail, Mailer } from '../../server/mail/mailer';
import { OutboxWorker } from '../../server/jobs/outbox.job';
import { PortalSender } from '../../server/jobs/portal-sync.job';

type Values = Record<string, unknown>;
const FUTURE = () => Date.now() + 24 * 3_600_000;
const connectionLost = () =>
  Object.assign(new Error('Connection lost: The server closed the connection.'), {
    code: 'PROTOCOL_CONNECTION_LOST',
    fatal: true,
  });
const deadlock = () =>
  Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), {
    code: 'ER_LOCK_DEADLOCK',
    errno: 1213,
  });
/** A release to 'sent' (the record); a claim sets only the lease. */
const isRecord = (v: Values) => v.status === 'sent';
const isClaim = (v: Values) => v.status === undefined && v.locked_by !== null && v.locked_by !== undefined;

/** `db` as the job sees it, except that the next `n` UPDATEs on `table` that `match` fail before running. */
function flaky(db: Db, table: string) {
  let left = 0;
  let match: (v: Values) => boolean = () => false;
  let error: () => Error = connectionLost;
  const proxy = new Proxy(db, {
    apply(target, thisArg, args: unknown[]) {
      const qb = Reflect.apply(target, thisArg, args) as { update: (v: Values) => unknown };
      if (typeof args[0] === 'string' && args[0].split(' ')[0] === table) {
        const update = qb.update.bind(qb);
        qb.update = (v: Values) => {
          if (left > 0 && match(v)) {
            left--;
            return Promise.reject(error());
          }
          return update(v);
        };
      }
      return qb;
    },
  });
  return {
    db: proxy,
    failNext(n: number, which: (v: Values) => boolean, err: () => Error = connectionLost) {
      left = n;
      match = which;
      error = err;
    },
    get left() {
      return left;
    },
  };
}

function fakeLogger() {
  const lines: Array<{ level: string; msg: string }> = [];
  const at = (level: string) => (_obj: unknown, msg: string) => void lines.push({ level, msg });
  return { logger: { warn: at('warn'), error: at('error'), info: at('info') } as unknown as Logger, lines };
}

describe.each(ENGINES)('a delivered message whose record fails on %s', (engine) => {
  describe('mail', () => {
    let tdb: TestDb;
    const sent: Mail[] = [];
    const mailer: Mailer = { send: async (m) => void sent.push(m), close: () => undefined };

    beforeAll(async () => {
      tdb = await createTestDb(engine);
    });
    afterAll(async () => tdb?.destroy());
    beforeEach(async () => {
      sent.length = 0;
      await tdb.db('outbox').delete();
    });

    const addMail = async (to: string) => {
      const now = Date.now();
      const [id] = await tdb.db('outbox').insert({
        kind: 'mail',
        payload: JSON.stringify({ to, subject: 'Thử', text: 'a', html: '<p>a</p>' }),
        status: 'pending',
        attempts: 0,
        available_at: now,
        created_at: now,
      });
      return Number(id);
    };
    const worker = (db: Db, owner: string, leaseMs: number, logger?: Logger) =>
      new OutboxWorker(db, mailer, { owner, publicUrl: 'http://mc.test', baseDelayMs: 1, leaseMs, logger });

    it('a record that fails twice after the send: sent once, ends sent with one attempt, and the retries are logged', async () => {
      const id = await addMail('a@example.vn');
      const f = flaky(tdb.db, 'outbox');
      const log = fakeLogger();
      const w = worker(f.db, 'w1', 30_000, log.logger);
      f.failNext(2, isRecord);
      expect(await w.tick()).toEqual({ sent: 1, expanded: 0, retried: 0, failed: 0 });
      expect(f.left).toBe(0);
      await new Promise((r) => setTimeout(r, 20));
      await w.tick();
      await worker(tdb.db, 'w2', 30_000).tick(FUTURE());
      expect(sent.map((m) => m.to)).toEqual(['a@example.vn']);
      const row = await tdb.db('outbox').where({ id }).first();
      expect(row).toMatchObject({ status: 'sent', locked_by: null, last_error: null });
      expect(Number(row.attempts)).toBe(1);
      expect(log.lines).toEqual([{ level: 'warn', msg: 'delivery recorded after retries' }]);
    });

    it('a record that fails for the whole lease is not a failed send: the row stays leased, no attempt counted', async () => {
      const id = await addMail('b@example.vn');
      const f = flaky(tdb.db, 'outbox');
      const log = fakeLogger();
      f.failNext(1000, isRecord);
      await worker(f.db, 'w1', 600, log.logger).tick();
      const row = await tdb.db('outbox').where({ id }).first();
      expect(row).toMatchObject({ status: 'pending', locked_by: 'w1', last_error: null });
      expect(Number(row.attempts)).toBe(0);
      expect(log.lines.map((l) => l.level)).toEqual(['error']);
      // The residual at-least-once window: once the lease has run out, another process sends it again.
      await new Promise((r) => setTimeout(r, Math.max(0, Number(row.locked_until) - Date.now() + 5)));
      await worker(tdb.db, 'w2', 30_000).tick();
      expect(sent.map((m) => m.to)).toEqual(['b@example.vn', 'b@example.vn']);
    });

    it('a claim that loses to another write (a deadlock error) skips the row; the pass goes on', async () => {
      const first = await addMail('c@example.vn');
      await addMail('d@example.vn');
      const f = flaky(tdb.db, 'outbox');
      const w = worker(f.db, 'w1', 30_000);
      f.failNext(1, isClaim, deadlock);
      expect(await w.tick()).toMatchObject({ sent: 1 });
      expect((await tdb.db('outbox').where({ id: first }).first()).status).toBe('pending');
      expect(await w.tick()).toMatchObject({ sent: 1 });
      expect(sent.map((m) => m.to).sort()).toEqual(['c@example.vn', 'd@example.vn']);
    });
  });

  describe('national portal', () => {
    let t: TestApp;
    let w: World;
    const posts: string[] = [];
    const accepting: typeof fetch = async (_url, init) => {
      posts.push(String(init?.body));
      return new Response(JSON.stringify({ error_code: 0, message: 'Thành công' }), { status: 200 });
    };

    beforeAll(async () => {
      ({ t, w } = await buildDossierApp(engine, { PORTAL_URL: 'http://127.0.0.1:9/khong-dung' }));
    });
    afterAll(async () => t?.close());
    beforeEach(() => void (posts.length = 0));

    const sender = (db: Db, owner: string, leaseMs: number, logger?: Logger) =>
      new PortalSender(db, {
        owner,
        url: 'http://cong.test/dvc',
        timeoutMs: 100,
        leaseMs,
        baseDelayMs: 1,
        concurrency: 2,
        fetch: accepting,
        logger,
      });
    const pendingOf = async (dossierId: number) =>
      t.tdb.db('portal_outbox').where({ dossier_id: dossierId }).whereNot('status', 'sent').count({ n: '*' });

    it('an accepted message whose record fails twice: posted once, ends sent with one attempt', async () => {
      const d = await receive(t.app, w, '1.000775');
      const rows = await t.tdb.db('portal_outbox').where({ dossier_code: d.code });
      expect(rows.length).toBeGreaterThan(0);
      const f = flaky(t.tdb.db, 'portal_outbox');
      const log = fakeLogger();
      f.failNext(2, isRecord);
      const s = sender(f.db, 'p1', 30_000, log.logger);
      for (let i = 0; i < 10; i++) if ((await s.tick(FUTURE())).accepted === 0) break;
      await sender(t.tdb.db, 'p2', 30_000).tick(FUTURE());
      expect(f.left).toBe(0);
      expect(posts).toHaveLength(rows.length);
      const after = await t.tdb.db('portal_outbox').where({ dossier_code: d.code });
      expect(after.map((r) => [r.status, Number(r.attempts), r.locked_by])).toEqual(rows.map(() => ['sent', 1, null]));
      expect(Number((await pendingOf(rows[0].dossier_id))[0].n)).toBe(0);
      expect(log.lines).toEqual([{ level: 'warn', msg: 'delivery recorded after retries' }]);
    });

    it('a claim that loses to another write (a deadlock error) is skipped, and sent at the next pass', async () => {
      const d = await receive(t.app, w, '1.000775');
      const f = flaky(t.tdb.db, 'portal_outbox');
      f.failNext(1, isClaim, deadlock);
      const s = sender(f.db, 'p1', 30_000);
      expect(await s.tick(FUTURE())).toEqual({ accepted: 0, retried: 0 });
      expect(posts).toHaveLength(0);
      for (let i = 0; i < 10; i++) if ((await s.tick(FUTURE())).accepted === 0) break;
      const after = await t.tdb.db('portal_outbox').where({ dossier_code: d.code });
      expect(after.map((r) => r.status)).toEqual(after.map(() => 'sent'));
      expect(posts).toHaveLength(after.length);
    });
  });
});
