import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import type { Express } from 'express';
import { startServer } from '../helpers/server';
import { signIn } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildWorld, definition, receive } from '../factories/dossiers';
import { loadConfig } from '../../server/config';

/** Contract §1: what start does with the settings left unset. */
describe('start with defaults', () => {
  it('NODE_ENV=production loads no demo data, and PUBLIC_URL names the port actually served', async () => {
    const s = await startServer({ NODE_ENV: 'production' });
    try {
      const db = s.running.ctx.db;
      // Only the bootstrap admin: no demo units, users or dossiers.
      expect(await db('users').pluck('username')).toEqual(['admin']);
      expect(Number((await db('dossiers').count({ n: '*' }))[0].n)).toBe(0);
      expect(Number((await db('units').count({ n: '*' }))[0].n)).toBe(0);

      // The receipt's lookup link and QR code point at this server (PORT=0 chose the port).
      const port = new URL(s.url).port;
      expect(port).not.toBe('3000');
      const app = s.url as unknown as Express;
      const w = await buildWorld(app, db);
      expect(
        (await request(app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition())).status,
      ).toBe(201);
      const d = await receive(app, w, '1.000775');
      const intake = await buildUser(db, { unitId: w.commune.id, roles: ['intake'] });
      const page = await (await signIn(app, intake.username, PASSWORD)).get(`/ho-so/${d.code}/in/01`);
      expect(page.status).toBe(200);
      // Handlebars escapes `=` as &#x3D;.
      expect(page.text).toContain(`<span class="url">http://localhost:${port}/tra-cuu?ma&#x3D;${d.code}</span>`);
    } finally {
      await s.close();
    }
  });

  it("the applicant's mail links to the port actually served (PUBLIC_URL unset, the scheduler's copy)", async () => {
    const s = await startServer({ NODE_ENV: 'production', JOBS: '1', JOB_INTERVAL_MS: '200' });
    try {
      const db = s.running.ctx.db;
      const port = new URL(s.url).port;
      const app = s.url as unknown as Express;
      const w = await buildWorld(app, db);
      await request(app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition());
      const d = await receive(app, w, '1.000775', {
        applicant: { fullName: 'Nguyễn Văn An', email: 'an@example.vn' },
      });
      // The outbox job writes the mail under DATA_DIR/mail (no SMTP_URL): wait for it, a condition.
      const dir = path.join(s.running.ctx.config.dataDir, 'mail');
      let text = '';
      for (let i = 0; i < 600 && !text; i++) {
        for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
          const m = await simpleParser(fs.readFileSync(path.join(dir, f)));
          const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
          if (to.some((a) => a.text.includes('an@example.vn'))) text = m.text ?? '';
        }
        if (!text) await new Promise((r) => setTimeout(r, 200));
      }
      expect(text).toContain(`http://localhost:${port}/tra-cuu?ma=${d.code}`);
      expect(text).not.toContain('localhost:3000');
    } finally {
      await s.close();
    }
  });

  it('SEED_DEMO decides the demo data; unset, only production goes without', () => {
    expect(loadConfig({}).SEED_DEMO).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).SEED_DEMO).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', SEED_DEMO: '1' }).SEED_DEMO).toBe(true);
    expect(loadConfig({ SEED_DEMO: '0' }).SEED_DEMO).toBe(false);
  });

  it('HEAP_GROWING_PERCENT is 20 unless set; 0 keeps V8 own factor; anything else stops the start with its name', () => {
    expect(loadConfig({}).HEAP_GROWING_PERCENT).toBe(20);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).HEAP_GROWING_PERCENT).toBe(0);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: 'nhiều' })).toThrow(/HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '-5' })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it('an explicit PUBLIC_URL is kept as given (without a trailing slash)', () => {
    const c = loadConfig({ PORT: '0', PUBLIC_URL: 'https://motcua.example.vn/' });
    expect([c.PUBLIC_URL, c.publicUrlFollowsPort]).toEqual(['https://motcua.example.vn', false]);
    expect(loadConfig({ PORT: '8080' }).PUBLIC_URL).toBe('http://localhost:8080');
  });
});
