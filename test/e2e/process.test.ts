import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildTestApp } from '../helpers/app';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the server process', () => {
  beforeAll(() => {
    // What `npm start` does first (its prestart): compile to dist/ when missing or stale.
    execFileSync(process.execPath, ['server/cli/build.js', '--if-stale'], { cwd: ROOT, stdio: 'pipe' });
  });

  it('runs compiled JavaScript: starts with migrations and demo data, serves /healthz, and exits 0 soon after SIGTERM', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('node dist/server/index.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-proc-'));
    // `npm start` is `node dist/server/index.js`: the node process that listens is the one signalled.
    const child = spawn(process.execPath, ['dist/server/index.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dir,
        LOG_LEVEL: 'warn',
        PASSWORD_HASH_COST: '4',
        DATABASE_URL: '',
        ADMIN_PASSWORD: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const url = await new Promise<string>((resolve, reject) => {
      // Start seeds the demo data set: minutes on a loaded 2-core machine is slow but not wrong.
      const timer = setTimeout(() => reject(new Error('no start within 600 s:\n' + out)), 600_000);
      child.stdout.on('data', () => {
        const m = /đang chạy tại (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    expect(out).toMatch(/Đã tạo tài khoản quản trị "admin" với mật khẩu: \S+/);
    expect(out).toMatch(/Đã nạp dữ liệu mẫu: \d+ đơn vị, \d+ người dùng, \d+ hồ sơ/);
    expect((await request(url).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(url).get('/dang-nhap')).status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    // A clean stop: exit code 0 (a stop past the app's own shutdown deadline would exit 1).
    expect(await exit).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('/healthz answers 503 when the database does not', async () => {
    const t = await buildTestApp('sqlite');
    await t.tdb.db.destroy();
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable' });
  });
});
