import request from 'supertest';
import { createApp } from '../../server/app';
import { countHit } from '../../server/queries/rate-limits.queries';
import { ENGINES } from '../helpers/db';
import { buildTestApp, TestApp } from '../helpers/app';

/**
 * design.md §9: the public rate limit is counted in the database, so several app processes on one
 * database enforce one limit between them, and the lookup page and the lookup API share one budget.
 */
describe.each(ENGINES)('shared public rate limit on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(engine, { PUBLIC_RATE_LIMIT: '6' });
  });
  afterAll(() => t.close());

  it('two app instances on one database enforce one limit, page and API together', async () => {
    const second = createApp(t.ctx); // another process's app: its own middleware, the same database
    const lookups = [
      () => request(t.app).get('/api/v1/public/dossiers/000.00.00.X01-261201-0001'),
      () => request(second).get('/tra-cuu?ma=000.00.00.X01-261201-0002'),
    ];
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await lookups[i % 2]()).status);
    // Six answers (not found: no such dossier), then refused by whichever instance is asked.
    expect(statuses.slice(0, 6).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(6)).toEqual([429, 429]);
    const refused = await request(second).get('/api/v1/public/dossiers/000.00.00.X01-261201-0001');
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/quá nhiều lần/);
    // The citizen's result link has a budget of its own.
    expect((await request(t.app).get('/xac-thuc/' + 'a'.repeat(64))).status).not.toBe(429);
  });

  it('a burst of simultaneous lookups from one address is counted hit by hit: the limit, no more', async () => {
    await t.ctx.db('rate_limits').del();
    const second = createApp(t.ctx);
    const burst = Array.from({ length: 10 }, (_, i) =>
      request(i % 2 ? second : t.app).get('/api/v1/public/dossiers/000.00.00.X01-261201-0003'),
    );
    const statuses = (await Promise.all(burst)).map((r) => r.status).sort();
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 429, 429, 429, 429]);
  });

  it("a client's window starts at its first hit and a new one starts at 1", async () => {
    const db = t.ctx.db;
    const at = 1_800_000_000_000;
    expect((await countHit(db, 'test:w', at, 60_000)).hits).toBe(1);
    expect((await countHit(db, 'test:w', at + 30_000, 60_000)).hits).toBe(2);
    const third = await countHit(db, 'test:w', at + 59_000, 60_000);
    expect(third).toEqual({ hits: 3, windowStart: at });
    const fresh = await countHit(db, 'test:w', at + 61_000, 60_000);
    expect(fresh).toEqual({ hits: 1, windowStart: at + 61_000 });
    // Several hits counted in one statement (a burst batched by one process).
    expect(await countHit(db, 'test:w', at + 62_000, 60_000, 4)).toEqual({ hits: 5, windowStart: at + 61_000 });
    expect(await countHit(db, 'test:w', at + 200_000, 60_000, 3)).toEqual({ hits: 3, windowStart: at + 200_000 });
    expect((await countHit(db, 'test:other', at + 61_000, 60_000)).hits).toBe(1);
  });
});
