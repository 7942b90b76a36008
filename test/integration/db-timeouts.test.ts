import request from 'supertest';
import knexFactory from 'knex';
import { ENGINES } from '../helpers/db';
import type { TestApp } from '../helpers/app';
import { bearer, buildDossierApp, receive, World } from '../factories/dossiers';
import { createDb, isUnavailable } from '../../server/db';
import { loadConfig } from '../../server/config';

/**
 * design.md §9: every query has a time limit, so a database that holds a request (a lock never
 * released, a network that stopped answering) costs it seconds, and the answer is 503, not a hang.
 */
describe.each(ENGINES)('statement time limits on %s', (engine) => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
  });
  afterAll(() => t.close());

  it('the limits are settings with defaults (DB_QUERY_TIMEOUT_MS 10 s, SQLITE_BUSY_TIMEOUT_MS 5 s)', () => {
    const d = loadConfig({ NODE_ENV: 'test' });
    expect([d.DB_QUERY_TIMEOUT_MS, d.SQLITE_BUSY_TIMEOUT_MS]).toEqual([10_000, 5_000]);
    const c = loadConfig({ NODE_ENV: 'test', DB_QUERY_TIMEOUT_MS: '2500', SQLITE_BUSY_TIMEOUT_MS: '750' });
    expect([c.DB_QUERY_TIMEOUT_MS, c.SQLITE_BUSY_TIMEOUT_MS]).toEqual([2500, 750]);
    expect(() => loadConfig({ NODE_ENV: 'test', DB_QUERY_TIMEOUT_MS: 'abc' })).toThrow(/DB_QUERY_TIMEOUT_MS/);
  });

  if (engine === 'sqlite') {
    it('busy_timeout is the configured one', async () => {
      const db = createDb(t.tdb.url, { busyTimeoutMs: 1234 });
      try {
        const rows = (await db.raw('pragma busy_timeout')) as Array<Record<string, number>>;
        expect(Object.values(rows[0])[0]).toBe(1234);
      } finally {
        await db.destroy();
      }
    });

    it('a write lock held elsewhere beyond busy_timeout → 503 with the Vietnamese message; then it works again', async () => {
      await t.tdb.db.raw('pragma busy_timeout = 20');
      const other = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: t.tdb.url.slice('sqlite:'.length) },
        useNullAsDefault: true,
        pool: { min: 1, max: 1 },
      });
      try {
        const conn = await other.client.acquireConnection();
        conn.prepare('BEGIN IMMEDIATE').run();
        const held = await request(t.app)
          .post('/api/v1/dossiers')
          .set(bearer(w.tokens.intake))
          .send({
            procedureCode: '1.000775',
            applicant: { fullName: 'Phạm Thị Dung' },
            documents: ['TO_TRINH', 'BAO_CAO'],
          });
        expect(held.status).toBe(503);
        expect(held.body.error.code).toBe('unavailable');
        expect(held.body.error.message).toMatch(/Cơ sở dữ liệu tạm thời không phản hồi/);
        conn.prepare('ROLLBACK').run();
        await other.client.releaseConnection(conn);
      } finally {
        await other.destroy();
        await t.tdb.db.raw('pragma busy_timeout = 5000');
      }
      expect((await receive(t.app, w, '1.000775')).code).toBeTruthy();
    });
  }

  if (engine === 'mysql') {
    it('a statement that outlives DB_QUERY_TIMEOUT_MS → 503; its connection is dropped, the next request works', async () => {
      const d = await receive(t.app, w, '1.000775');
      const config = t.tdb.db.client.config as { queryTimeoutMs?: number };
      const before = config.queryTimeoutMs;
      // Another client holds the dossier's row lock; the event's SELECT … FOR UPDATE waits for it.
      const holder = createDb(t.tdb.url, { pool: { min: 1, max: 1 }, queryTimeoutMs: 0 });
      const trx = await holder.transaction();
      try {
        await trx('dossiers').where({ code: d.code }).forUpdate().first();
        config.queryTimeoutMs = 500;
        const res = await request(t.app)
          .post(`/api/v1/dossiers/${d.code}/events`)
          .set(bearer(w.tokens.specialist))
          .send({ type: 'FORWARD', version: 1 });
        expect(res.status).toBe(503);
        expect(res.body.error.message).toMatch(/Cơ sở dữ liệu tạm thời không phản hồi/);
        // The timeout error is one the app calls "unavailable".
        const err = await t.tdb.db.raw('select sleep(2)').catch((e: unknown) => e);
        expect(isUnavailable(err)).toBe(true);
      } finally {
        config.queryTimeoutMs = before;
        await trx.rollback();
        await holder.destroy();
      }
      // Nothing happened, and the pool serves the next requests on live connections.
      for (let i = 0; i < 3; i++) {
        const now = await request(t.app).get(`/api/v1/dossiers/${d.code}`).set(bearer(w.tokens.specialist));
        expect([now.status, now.body.version]).toEqual([200, 1]);
      }
      const fwd = await request(t.app)
        .post(`/api/v1/dossiers/${d.code}/events`)
        .set(bearer(w.tokens.specialist))
        .send({ type: 'FORWARD', version: 1 });
      expect(fwd.status).toBe(200);
    });

    it('after a statement times out, no connection opened before it is handed out again (a partition kills them all)', async () => {
      const db = createDb(t.tdb.url, { pool: { min: 0, max: 3 }, queryTimeoutMs: 300 });
      const ids = async () => {
        const rows = await Promise.all(
          [0, 1, 2].map(() =>
            db.raw('select connection_id() as id, sleep(0.05)').then((r) => r as [Array<{ id: number }>]),
          ),
        );
        return rows.map(([r]) => Number(r[0].id));
      };
      try {
        const first = await ids();
        expect(new Set(first).size).toBe(3);
        // Idle connections are reused while nothing has timed out.
        expect((await ids()).filter((id) => first.includes(id)).length).toBeGreaterThan(0);
        const err = await db.raw('select sleep(2)').catch((e: unknown) => e);
        expect(isUnavailable(err)).toBe(true);
        // The two idle ones were opened before the timeout: each is replaced by a new connection.
        const after = await ids();
        expect(after.filter((id) => first.includes(id))).toEqual([]);
        // And those new ones are reused again.
        expect((await ids()).filter((id) => after.includes(id)).length).toBeGreaterThan(0);
      } finally {
        await db.destroy();
      }
    });
  }
});
