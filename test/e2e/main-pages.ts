/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { newContext, submitAndWait } from '../helpers/browser';
import type { startServer } from '../helpers/server';
import { DEMO_PASSWORD } from '../../db/seeds/demo';
import { SEED_USERS } from '../../db/seeds/demo/users';

/*
 * The main pages of the app on the demo data, shared by the phone, date, accessibility and screenshot
 * browser tests. Not a test file itself (no .test.ts).
 */

export type Server = Awaited<ReturnType<typeof startServer>>;
export const OUT = path.resolve(__dirname, '..', '..', 'test-results');

export interface MainPage {
  /** Short name, used in file names and failure messages. */
  name: string;
  path: string;
  /** Signed in as this demo user; null = not signed in. */
  user: string | null;
}

/** A signed-in page (or an anonymous one when `username` is null). */
export async function pageAs(
  browser: Browser,
  srv: Server,
  username: string | null,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const ctx = await newContext(browser, {
    viewport: { width: 1366, height: 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    ...options,
  });
  const page = await ctx.newPage();
  if (!username) return page;
  await page.goto(srv.url + '/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(username === 'admin' ? 'admin-e2e-pass' : DEMO_PASSWORD);
  await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
  return page;
}

const deskOf = (unitCode: string) =>
  SEED_USERS.find((u) => u.unitCode === unitCode && u.roles.includes('intake'))?.username ?? null;

/** A demo dossier whose history holds an event of `type`, with the desk user of its receiving unit. */
async function dossierWith(srv: Server, type: string | null): Promise<{ code: string; user: string }> {
  const db = srv.running.ctx.db;
  const q = db('dossiers as d')
    .join('units as u', 'u.id', 'd.receiving_unit_id')
    .select('d.code', 'u.code as unit_code')
    .orderBy('d.id');
  if (type) q.whereExists(db('dossier_events as e').whereRaw('e.dossier_id = d.id').where('e.type', type));
  for (const row of (await q) as Array<{ code: string; unit_code: string }>) {
    const user = deskOf(row.unit_code);
    if (user) return { code: row.code, user };
  }
  throw new Error(`no demo dossier with a ${type} event at a unit with a desk user`);
}

/**
 * The demo data may hold no extension: the former city leader, now at phường 1 (which took over the
 * city's dossiers in the 2025 reorganisation), extends one of the ward's dossiers through the API.
 */
async function extendOne(srv: Server): Promise<{ code: string; user: string }> {
  const WARD = '000.01.01.H05';
  const api = async (method: string, url: string, token: string | null, body?: unknown) => {
    const res = await fetch(srv.url + '/api/v1' + url, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const { token } = await api('POST', '/tokens', null, { username: 'lanhdao.tpbl', password: DEMO_PASSWORD });
  const list = await api('GET', '/dossiers?status=processing&pageSize=100', token);
  const d = list.items.find((x: { competentUnit: { code: string } }) => x.competentUnit.code === WARD);
  if (!d) throw new Error('no processing dossier at the ward to extend');
  const { dueAt } = await api('GET', `/calendar/deadline?from=${encodeURIComponent(d.dueAt)}&days=5`, token);
  await api('POST', `/dossiers/${d.code}/events`, token, {
    type: 'EXTEND',
    version: d.version,
    dueAt,
    comment: 'Cần xác minh thêm thông tin tại địa phương.',
  });
  return { code: d.code, user: 'lanhdao.tpbl' };
}

/** The pages every browser check walks (each print view included). */
export async function mainPages(srv: Server): Promise<MainPage[]> {
  const open = await dossierWith(srv, null);
  const supplement = await dossierWith(srv, 'REQUEST_SUPPLEMENT');
  const refused = await dossierWith(srv, 'REFUSE');
  const extended = await dossierWith(srv, 'EXTEND').catch(() => extendOne(srv));
  const dispatch = (await srv.running.ctx
    .db('dispatches as x')
    .join('units as u', 'u.id', 'x.issuing_unit_id')
    .where('u.code', '000.00.31.H05')
    .orderBy('x.id')
    .first('x.id')) as { id: number } | undefined;
  if (!dispatch) throw new Error('no demo dispatch issued by Sở Nội vụ');
  const desk = 'motcua.tpbl';
  return [
    { name: 'dang-nhap', path: '/dang-nhap', user: null },
    { name: 'trang-chu', path: '/', user: desk },
    { name: 'danh-sach-ho-so', path: '/ho-so', user: desk },
    { name: 'ho-so', path: `/ho-so/${open.code}`, user: open.user },
    { name: 'tiep-nhan', path: '/ho-so/moi', user: desk },
    { name: 'in-01', path: `/ho-so/${open.code}/in/01`, user: open.user },
    { name: 'in-02', path: `/ho-so/${supplement.code}/in/02`, user: supplement.user },
    { name: 'in-03', path: `/ho-so/${refused.code}/in/03`, user: refused.user },
    { name: 'in-04', path: `/ho-so/${extended.code}/in/04`, user: extended.user },
    { name: 'in-06', path: `/ho-so/${open.code}/in/06`, user: open.user },
    { name: 'in-07', path: '/so-theo-doi', user: desk },
    { name: 'tra-cuu', path: '/tra-cuu', user: null },
    { name: 'tra-cuu-ma', path: `/tra-cuu?ma=${supplement.code}`, user: null },
    { name: 'bao-cao', path: '/bao-cao', user: 'lanhdao.tpbl' },
    { name: 'cong-van', path: '/cong-van', user: 'chuyenvien.snv' },
    { name: 'cong-van-trang', path: `/cong-van/${dispatch.id}`, user: 'chuyenvien.snv' },
    { name: 'cong-van-moi', path: '/cong-van/moi', user: 'chuyenvien.snv' },
    { name: 'quan-tri-don-vi', path: '/quan-tri/don-vi', user: 'admin' },
    { name: 'quan-tri-nguoi-dung', path: '/quan-tri/nguoi-dung', user: 'admin' },
    // The demo drafter of Sở Nội vụ still has dispatches and a dossier only they can act on.
    { name: 'quan-tri-khoa-nguoi-dung', path: '/quan-tri/nguoi-dung/chuyenvien.snv/khoa', user: 'admin' },
    { name: 'quan-tri-thu-tuc', path: '/quan-tri/thu-tuc', user: 'admin' },
    { name: 'quan-tri-lich', path: '/quan-tri/lich', user: 'admin' },
    { name: 'quan-tri-thu', path: '/quan-tri/thu', user: 'admin' },
  ];
}

/** Signed-in pages, one per user, reused across the pages of that user. */
export class Sessions {
  private pages = new Map<string, Page>();
  constructor(
    private browser: Browser,
    private srv: Server,
    private options: BrowserContextOptions = {},
  ) {}
  async open(p: MainPage): Promise<Page> {
    const key = p.user ?? '';
    let page = this.pages.get(key);
    if (!page) {
      page = await pageAs(this.browser, this.srv, p.user, this.options);
      this.pages.set(key, page);
    }
    const res = await page.goto(this.srv.url + p.path);
    if (!res || res.status() !== 200) throw new Error(`${p.name} ${p.path}: HTTP ${res?.status()}`);
    return page;
  }
  async close(): Promise<void> {
    for (const page of this.pages.values()) await page.context().close();
  }
}

export function ensureOut(): void {
  fs.mkdirSync(OUT, { recursive: true });
}
