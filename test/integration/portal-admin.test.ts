/**
 * The national-portal sync admin page (/quan-tri/dong-bo, design.md §12) and the failure alert,
 * against the portal simulator: what the admin sees (counts, the messages not yet accepted with the
 * portal's answer, escaped), resending one or all and the sender delivering them, the day's
 * reconciliation and the dossiers the portal has wrong, queuing dossiers received before sync was
 * on, the page with sync off, and one alert mail per window however many processes run the check.
 */
import { toTypedDate } from '../../server/schemas/dates.schema';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { signIn } from '../helpers/app';
import type { TestApp } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildDossierApp, receive, send, type World } from '../factories/dossiers';
import { PortalSimulator } from '../portal/simulator';
import { PortalSender } from '../../server/jobs/portal-sync.job';
import { alertPortalFailures } from '../../server/jobs/portal-alerts.job';
import { vnDate } from '../../workflows/calendar';

const FUTURE = () => Date.now() + 24 * 3_600_000; // every back-off has run out by then
const HOUR = 3_600_000;
/** A portal that answers an HTML page with a script in it (what a broken proxy might send). */
const SCRIPT = '<html><body><script>alert("cổng")</script></body></html>';
const scriptFetch: typeof fetch = async () =>
  new Response(SCRIPT, { status: 200, headers: { 'content-type': 'text/html' } });

/** The rows of the table marked `data-testid=id`, as text cells. */
function table(html: string, id: string): string[][] {
  const m = new RegExp(`<table[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  if (!m) throw new Error(`no table ${id}`);
  return [...m[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) =>
      c[1]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

describe.each(ENGINES)('national portal sync admin page on %s', (engine) => {
  let sim: PortalSimulator;
  let t: TestApp;
  let w: World;
  let sender: PortalSender;
  let url: string;
  let admin: request.Agent;
  let staff: request.Agent;

  beforeAll(async () => {
    sim = new PortalSimulator({ token: 'bi-mat-cong' });
    url = await sim.start();
    ({ t, w } = await buildDossierApp(engine, {
      PORTAL_URL: `${url}?khoa=bi-mat`,
      PORTAL_TOKEN: 'bi-mat-cong',
      PUBLIC_URL: 'https://motcua.example.vn',
    }));
    sender = newSender();
    const a = await buildUser(t.tdb.db, { roles: ['admin'], fullName: 'Quản Trị Viên' });
    admin = await signIn(t.app, a.username, PASSWORD);
    const s = await buildUser(t.tdb.db, { roles: ['specialist'], unitId: w.commune.id });
    staff = await signIn(t.app, s.username, PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });
  beforeEach(() => sim.reset());

  function newSender(fetchImpl?: typeof fetch) {
    return new PortalSender(t.tdb.db, {
      owner: 'test-sender',
      url,
      token: 'bi-mat-cong',
      timeoutMs: 5_000,
      leaseMs: 60_000,
      baseDelayMs: 10,
      concurrency: 3,
      fetch: fetchImpl,
    });
  }
  const drain = async (s = sender, at = FUTURE) => {
    for (let i = 0; i < 200; i++) {
      const r = await s.tick(at());
      if (r.accepted + r.retried === 0) return;
    }
  };
  const rowsOf = (code: string) => t.tdb.db('portal_outbox').where({ dossier_code: code }).orderBy('id');
  const csrf = async (agent: request.Agent) => /name="_csrf" value="([^"]+)"/.exec((await agent.get('/')).text)![1];
  const post = async (agent: request.Agent, path: string) =>
    agent
      .post(path)
      .type('form')
      .send({ _csrf: await csrf(agent) });
  const page = async (query = '') => {
    const res = await admin.get(`/quan-tri/dong-bo${query}`);
    expect(res.status).toBe(200);
    return res.text;
  };
  /** A dossier whose header the portal keeps answering with a script: failing after three tries. */
  const failingDossier = async () => {
    const d = await receive(t.app, w, '1.000775');
    const bad = newSender(scriptFetch);
    for (let i = 0; i < 3; i++) await bad.tick(FUTURE());
    return d;
  };

  it('shows the admin the counts and the failing messages, with the portal answer escaped', async () => {
    const d = await failingDossier();
    const html = await page();
    expect(html).toContain('Đồng bộ Cổng Dịch vụ công quốc gia');
    // The address, without what may carry a secret.
    expect(html).toContain(`<code data-testid="portal-address">${url}</code>`);
    expect(html).not.toContain('bi-mat');
    const [, counts] = table(html, 'portal-counts');
    expect(Number(counts[1])).toBeGreaterThanOrEqual(1); // failing
    const rows = table(html, 'portal-messages').filter((r) => r[0] === d.code);
    expect(rows).toHaveLength(2); // the header, then the receipt step waiting behind it
    const header = rows.find((r) => r[1] === 'Hồ sơ')!;
    expect(header[2]).toMatch(/^Gửi lỗi/);
    expect(header[3]).toBe('3');
    expect(header[4]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    const step = rows.find((r) => r[1] === 'Tiến độ xử lý')!;
    expect(step[2]).toMatch(/^Chờ gửi/);
    expect(step[4]).toBe('chờ lượt gửi'); // behind the header, never tried
    expect(step[6]).toBe(''); // nothing to resend
    expect(header[6]).toBe('Gửi lại');
    // The portal's raw answer is shown as text, never as markup.
    expect(html).toContain('&lt;script&gt;alert(&quot;cổng&quot;)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    // The dossier page says it too, in words.
    const dossier = await staff.get(`/ho-so/${d.code}`);
    expect(dossier.status).toBe(200);
    expect(dossier.text).toMatch(/data-testid="sync">Cổng DVC quốc gia: Lỗi đồng bộ</);
    expect(dossier.text).toContain('Câu trả lời không hợp lệ: &lt;html&gt;');
    await drain(); // leave the queue empty for the next test
  });

  it('refuses the page and its buttons to anyone but an admin', async () => {
    expect((await staff.get('/quan-tri/dong-bo')).status).toBe(403);
    const [row] = await t.tdb.db('portal_outbox').orderBy('id').limit(1);
    const before = await t.tdb.db('portal_outbox').where({ id: row.id }).first();
    for (const path of [
      '/quan-tri/dong-bo/gui-lai-tat-ca',
      '/quan-tri/dong-bo/ho-so-chua-gui',
      `/quan-tri/dong-bo/${row.id}/gui-lai`,
    ])
      expect([path, (await post(staff, path)).status]).toEqual([path, 403]);
    expect(await t.tdb.db('portal_outbox').where({ id: row.id }).first()).toEqual(before);
    expect((await request(t.app).get('/quan-tri/dong-bo')).status).toBe(303); // signed out: to the sign-in form
  });

  it('resend one: the message is due now, and the next sender pass delivers it to the portal', async () => {
    const d = await failingDossier();
    const [head] = await rowsOf(d.code);
    expect(Number(head.attempts)).toBe(3);
    expect(head.last_error).toMatch(/^Câu trả lời không hợp lệ/);
    const before = Date.now();
    const res = await post(admin, `/quan-tri/dong-bo/${head.id}/gui-lai`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/quan-tri/dong-bo');
    const after = await t.tdb.db('portal_outbox').where({ id: head.id }).first();
    expect(after.status).toBe('pending');
    expect(Number(after.attempts)).toBe(0);
    expect(Number(after.available_at)).toBeGreaterThanOrEqual(before);
    expect(Number(after.available_at)).toBeLessThanOrEqual(Date.now());
    expect((await admin.get('/quan-tri/dong-bo')).text).toContain('Đã đưa tin vào hàng đợi gửi lại ngay.');

    await sender.tick(); // now, not in the future: the resend made it due
    expect(sim.headersFor(d.code)).toHaveLength(1);
    expect((await t.tdb.db('portal_outbox').where({ id: head.id }).first()).status).toBe('sent');
    // Pressed again (Back and submit): nothing changes, the admin is told.
    expect((await post(admin, `/quan-tri/dong-bo/${head.id}/gui-lai`)).status).toBe(303);
    expect((await t.tdb.db('portal_outbox').where({ id: head.id }).first()).status).toBe('sent');
    expect((await post(admin, '/quan-tri/dong-bo/999999999/gui-lai')).status).toBe(404);
    await drain();
  });

  it('resend all: every message not yet accepted is due now and delivered in order', async () => {
    const a = await receive(t.app, w, '1.000775');
    const b = await receive(t.app, w, '1.000775');
    await sim.goDown();
    for (let i = 0; i < 3; i++) await sender.tick(FUTURE());
    await sim.comeUp();
    const res = await post(admin, '/quan-tri/dong-bo/gui-lai-tat-ca');
    expect(res.status).toBe(303);
    const open = await t.tdb.db('portal_outbox').whereNot('status', 'sent');
    expect(open.length).toBeGreaterThanOrEqual(4);
    expect(open.every((r) => r.status === 'pending' && Number(r.attempts) === 0)).toBe(true);
    expect(open.every((r) => Number(r.available_at) <= Date.now())).toBe(true);
    await drain(sender, () => Date.now());
    for (const d of [a, b]) {
      expect(sim.headersFor(d.code).map((h) => h.isUpdating)).toEqual([false]);
      expect(sim.steps(d.code)).toHaveLength(1);
    }
    expect(await t.tdb.db('portal_outbox').whereNot('status', 'sent')).toEqual([]);
  });

  it('reconciles the day: the dossier whose supplement request never reached the portal is listed', async () => {
    const d = await receive(t.app, w, '1.000775');
    await drain(); // the receipt reached the portal: status 4
    await sim.goDown();
    const version = (await request(t.app).get(`/api/v1/dossiers/${d.code}`).set(bearer(w.tokens.intake))).body.version;
    const r = await send(t.app, w.tokens.specialist, d.code, {
      type: 'REQUEST_SUPPLEMENT',
      comment: 'Thiếu bản sao',
      version,
    });
    expect(r.status).toBe(200);
    for (let i = 0; i < 3; i++) await sender.tick(FUTURE());

    const html = await page(`?ngay=${vnDate(new Date())}`);
    const mismatch = table(html, 'portal-mismatch').find((row) => row[0] === d.code);
    expect(mismatch).toBeDefined();
    expect(mismatch![1]).toBe('5 – Chờ bổ sung hồ sơ');
    expect(mismatch![2]).toMatch(/^4 – Đang xử lý/);
    expect(mismatch![3]).toMatch(/^Cổng DVC quốc gia: Lỗi đồng bộ Không kết nối được Cổng DVC quốc gia/);
    const day = table(html, 'portal-day');
    const line = (label: string) => day.find((row) => row[0] === label)!;
    expect(Number(line('Hồ sơ – 5 – Chờ bổ sung hồ sơ')[1])).toBeGreaterThanOrEqual(1);
    expect(line('Hồ sơ – 5 – Chờ bổ sung hồ sơ')[2]).toMatch(/^0 Chênh lệch$/);
    expect(Number(line('Hồ sơ – 4 – Đang xử lý')[2])).toBeGreaterThanOrEqual(1);
    // Another day has nothing of today's.
    const other = table(await page('?ngay=01/01/2020'), 'portal-day');
    expect(other.find((row) => row[0] === 'Tổng số tin')!.slice(1)).toEqual(['0', '0']);
    // A date that is not one falls back to today.
    // A day that does not exist falls back to today, shown as people write dates.
    expect(await page('?ngay=2026-02-31')).toContain(`value="${toTypedDate(vnDate(new Date()))}"`);

    await sim.comeUp();
    await drain();
    expect(table(await page(), 'portal-mismatch').some((row) => row[0] === d.code)).toBe(false);
  });

  it('queues the current header of open dossiers received before sync was on, once', async () => {
    const d = await receive(t.app, w, '1.000775');
    await t.tdb.db('portal_outbox').where({ dossier_code: d.code }).delete(); // as if received before
    expect(await page()).toMatch(/data-testid="never-queued">1</);
    expect((await post(admin, '/quan-tri/dong-bo/ho-so-chua-gui')).status).toBe(303);
    expect(await page()).toContain('Đã đưa 1 hồ sơ vào hàng đợi gửi Cổng DVC quốc gia.');
    expect((await post(admin, '/quan-tri/dong-bo/ho-so-chua-gui')).status).toBe(303); // again: nothing more
    const rows = await rowsOf(d.code);
    expect(rows.map((r) => [r.service, r.status])).toEqual([['DongBoHoSoMC', 'pending']]);
    await drain();
    const [h] = sim.headersFor(d.code);
    expect(h.isUpdating).toBe(false);
    expect(h.hoSo.TrangThaiHoSo).toBe('4');
    expect(h.hoSo.ChuHoSo).toBe('Nguyễn Văn An');
  });

  it('alerts the admins once when failures pile up, not again within the window', async () => {
    const config = { ...t.ctx.config, PORTAL_ALERT_THRESHOLD: 2, PORTAL_ALERT_EVERY_HOURS: 6 };
    const mails = () =>
      t.tdb.db('outbox').where({ kind: 'mail' }).where('payload', 'like', '%Đồng bộ Cổng DVC quốc gia đang lỗi%');
    const now = Date.now();
    await failingDossier();
    expect(await alertPortalFailures(t.tdb.db, { ...config, PORTAL_ALERT_THRESHOLD: 99 }, now)).toBeNull();
    await failingDossier();
    // Two processes checking at the same moment: one mail per admin in all.
    const [x, y] = await Promise.all([
      alertPortalFailures(t.tdb.db, config, now),
      alertPortalFailures(t.tdb.db, config, now),
    ]);
    const admins = await t.tdb.db('user_roles').where({ role: 'admin' });
    expect([x, y].filter((n) => n != null)).toEqual([admins.length]);
    const sent = await mails();
    expect(sent).toHaveLength(admins.length);
    const m = JSON.parse(sent[0].payload);
    expect(m.subject).toBe('[Một Cửa] Đồng bộ Cổng DVC quốc gia đang lỗi');
    expect(m.text).toContain('https://motcua.example.vn/quan-tri/dong-bo');
    expect(m.text).toMatch(/Tin gửi lỗi \(từ 3 lần trở lên, vẫn đang thử lại\): [2-9]/);
    expect(m.text).toMatch(
      /[\w.-]+ – Hồ sơ – từ \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} – đã thử 3 lần: Câu trả lời không hợp lệ/,
    );
    expect(m.html).toContain('&lt;script&gt;');

    expect(await alertPortalFailures(t.tdb.db, config, now + 5 * HOUR)).toBeNull();
    expect(await mails()).toHaveLength(admins.length);
    expect(await alertPortalFailures(t.tdb.db, config, now + 7 * HOUR)).toBe(admins.length);
    expect(await mails()).toHaveLength(2 * admins.length);
    await drain();
  });

  it('with PORTAL_URL unset the page says sync is off, and nothing else breaks', async () => {
    const { t: off, w: ow } = await buildDossierApp(engine);
    try {
      const a = await buildUser(off.tdb.db, { roles: ['admin'] });
      const agent = await signIn(off.app, a.username, PASSWORD);
      const d = await receive(off.app, ow, '1.000775');
      const res = await agent.get('/quan-tri/dong-bo');
      expect(res.status).toBe(200);
      expect(res.text).toContain('Chưa kết nối Cổng Dịch vụ công quốc gia (chưa đặt PORTAL_URL)');
      expect(res.text).not.toContain('data-testid="portal-address"');
      expect(table(res.text, 'portal-counts')[1]).toEqual(['0', '0', '0', '0']);
      expect(res.text).not.toContain('Đồng bộ hồ sơ chưa từng gửi');
      const queue = await post(agent, '/quan-tri/dong-bo/ho-so-chua-gui');
      expect(queue.status).toBe(422);
      expect(queue.text).toContain('chưa đặt PORTAL_URL');
      expect((await agent.get(`/ho-so/${d.code}`)).text).toMatch(/data-testid="sync">Cổng DVC quốc gia: Chưa đồng bộ</);
      expect(await off.tdb.db('portal_outbox').count({ n: '*' })).toEqual([{ n: 0 }]);
    } finally {
      await off.close();
    }
  });
});
