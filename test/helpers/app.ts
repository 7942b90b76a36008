import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { loadConfig } from '../../server/config';
import { createApp } from '../../server/app';
import { setHashCost } from '../../server/auth/passwords';
import type { AppContext } from '../../server/context';
import { createTestDb, TestDb } from './db';

export interface TestApp {
  tdb: TestDb;
  ctx: AppContext;
  app: Express;
  close: () => Promise<void>;
}

/** createApp() on a fresh database of the given engine, with a cheap password hash for speed. */
export async function buildTestApp(engine: 'sqlite' | 'mysql', env: Record<string, string> = {}): Promise<TestApp> {
  setHashCost(4);
  const tdb = await createTestDb(engine);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: tdb.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    JOBS: '0',
    ...env,
  });
  const ctx: AppContext = {
    config,
    db: tdb.db,
    logger: pino({ level: 'silent' }),
    sessionSecret: 'test-secret-test-secret',
  };
  const close = async () => {
    await tdb.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { tdb, ctx, app: createApp(ctx), close };
}

/** A supertest agent signed in through the real form (cookie jar + CSRF token). */
export async function signIn(app: Express, username: string, password: string) {
  const agent = request.agent(app);
  const page = await agent.get('/dang-nhap');
  const csrf = csrfFrom(page.text);
  const res = await agent.post('/dang-nhap').type('form').send({ username, password, _csrf: csrf });
  if (res.status !== 303) throw new Error(`sign-in failed for ${username}: ${res.status}`);
  return agent;
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in page');
  return m[1];
}

/** Bearer token for a user through POST /api/v1/tokens. */
export async function tokenFor(app: Express, username: string, password: string): Promise<string> {
  const res = await request(app).post('/api/v1/tokens').send({ username, password });
  if (res.status !== 201) throw new Error(`token failed for ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token;
}
