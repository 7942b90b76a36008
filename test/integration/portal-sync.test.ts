/**
 * The national-portal mirror (design.md §12, contract.md §4) against the portal simulator, a real
 * HTTP server that validates every field: what is queued with each change, the order it arrives in,
 * `isUpdating`, the portal being down, answering garbage or "already exists", and data it would refuse.
 */
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { workingDayAfter } from '../helpers/time';
import { bearer, buildDossierApp, receive, send, type World } from '../factories/dossiers';
import type { TestApp } from '../helpers/app';
import { PortalSimulator } from '../portal/simulator';
import { PortalSender } from '../../server/jobs/portal-sync.job';
import { portalTime } from '../../workflows/portal';
import { ROLE_LABELS } from '../../workflows/labels';
import { resendMessage } from '../../server/services/portal-admin.service';
import { SYSTEM_ACTOR } from '../../server/policies/actor';

const FUTURE = () => Date.now() + 24 * 3_600_000; // every back-off has run out by then

describe.each(ENGINES)('national portal sync on %s', (engine) => {
  let sim: PortalSimulator;
  let t: TestApp;
  let w: World;
  let sender: PortalSender;

  beforeAll(async () => {
    sim = new PortalSimulator({ token: 'bi-mat-cong' });
    const url = await sim.start();
    ({ t, w } = await buildDossierApp(engine, { PORTAL_URL: url, PORTAL_TOKEN: 'bi-mat-cong' }));
    sender = new PortalSender(t.tdb.db, {
      owner: 'test-sender',
      url,
      token: 'bi-mat-cong',
      timeoutMs: 5_000,
      leaseMs: 60_000,
      baseDelayMs: 10,
      concurrency: 3,
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.stop();
  });
  beforeEach(() => sim.reset());

  /** Send until nothing is left to send (retries included: their back-off is skipped). */
  const drain = async () => {
    for (let i = 0; i < 200; i++) {
      const s = await sender.tick(FUTURE());
      if (s.accepted + s.retried === 0) return;
    }
  };
  const get = async (code: string) =>
    (await request(t.app).get(`/api/v1/dossiers/${code}`).set(bearer(w.tokens.intake))).body;
  const act = async (token: string, code: string, body: Record<string, unknown>) => {
    const version = (await get(code)).version;
    const res = await send(t.app, token, code, { version, ...body });
    if (res.status !== 200) throw new Error(`${body.type}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it('a dossier walked through every state reaches the portal as headers and steps, in order', async () => {
    const d = await receive(t.app, w, '1.000775');
    expect(d.sync).toEqual({ state: 'pending', message: null });
    await act(w.tokens.specialist, d.code, { type: 'FORWARD' });
    await act(w.tokens.head, d.code, { type: 'RETURN', comment: 'Bổ sung đánh giá' });
    await act(w.tokens.specialist, d.code, { type: 'REQUEST_SUPPLEMENT', comment: 'Thiếu bản sao' });
    await act(w.tokens.intake, d.code, { type: 'SUPPLEMENT_RECEIVED' });
    await act(w.tokens.leader, d.code, {
      type: 'EXTEND',
      comment: 'Cần xác minh thêm',
      dueAt: workingDayAfter(Date.parse((await get(d.code)).dueAt), 3),
    });
    await act(w.tokens.specialist, d.code, { type: 'FORWARD' });
    await act(w.tokens.head, d.code, { type: 'FORWARD' });
    await act(w.tokens.leader, d.code, { type: 'FORWARD' });
    await act(w.tokens.clerk, d.code, { type: 'FORWARD' });
    await act(w.tokens.intake, d.code, { type: 'RETURN_RESULT' });
    expect(sim.messages).toHaveLength(0); // nothing is sent until the sender runs

    await drain();
    const last = await get(d.code);
    expect(last.status).toBe('returned');
    expect(last.sync).toEqual({ state: 'synced', message: null });

    // 11 events, a step each, in order; a header first whenever the portal's view of the dossier
    // changed (the receipt, the supplement asked and received, the extension, the result, the return).
    const mine = sim.messages.filter((m) => (m.data as Array<{ MaHoSo: string }>)[0].MaHoSo === d.code);
    const H = 'DongBoHoSoMC';
    const S = 'CapNhatTienDoHoSoMC';
    expect(mine.map((m) => m.service)).toEqual([H, S, S, S, H, S, H, S, H, S, S, S, S, H, S, H, S]);
    const headers = sim.headersFor(d.code);
    expect(headers.map((h) => h.isUpdating)).toEqual([false, true, true, true, true, true]);
    expect(headers.map((h) => h.hoSo.TrangThaiHoSo)).toEqual(['4', '5', '4', '4', '9', '10']);
    const final = sim.dossiers.get(d.code)!;
    expect(final.TrangThaiHoSo).toBe(String(last.nationalStatus));
    expect(final.NgayHenTra).toBe(portalTime(Date.parse(last.dueAt)));
    expect(final.NgayTra).toBe(portalTime(Date.parse(last.completedAt)));
    expect(final.NgayKetThucXuLy).toBe(portalTime(Date.parse(last.resolvedAt)));
    expect(final.ChuHoSo).toBe('Nguyễn Văn An');
    expect(final.SoGiayToChuHoSo).toBe('094123456789');
    expect(final.KenhThucHien).toBe('1');
    // The extension moved the promised date, and the portal heard of it with the EXTEND header.
    expect(headers[3].hoSo.NgayHenTra).not.toBe(headers[2].hoSo.NgayHenTra);

    const steps = sim.steps(d.code).map((s) => s.step);
    expect(steps[0].NoiDungXuLy).toBe('Tiếp nhận hồ sơ');
    expect(steps[0].ChucDanh).toBe(ROLE_LABELS.intake);
    expect(steps[2].NoiDungXuLy).toBe('Trả lại bước trước: Bổ sung đánh giá');
    expect(steps[2].ChucDanh).toBe(ROLE_LABELS.head);
    expect(steps.map((s) => s.TrangThai).at(-1)).toBe('10');
    expect(steps.every((s) => s.PhongBanXuLy === 'UBND xã Một')).toBe(true);
    // Each queued message was accepted once, at the first try (a repeat of the same content, as
    // when the status goes back to 4 within the second, is a message of its own here).
    const rows = await t.tdb.db('portal_outbox').where({ dossier_code: d.code });
    expect(rows).toHaveLength(mine.length);
    expect(rows.every((r) => r.status === 'sent' && Number(r.attempts) === 1)).toBe(true);
    expect(sim.requests.filter((r) => r.codes?.includes(d.code))).toHaveLength(mine.length);
    expect(sim.rejected).toEqual([]);
  });

  it('the portal down: changes wait, show as failed after three tries, then all arrive once, in order', async () => {
    const d = await receive(t.app, w, '1.000775');
    await sim.goDown();
    await act(w.tokens.specialist, d.code, { type: 'FORWARD' });
    await act(w.tokens.head, d.code, { type: 'FORWARD' });
    await act(w.tokens.leader, d.code, { type: 'FORWARD' });
    await act(w.tokens.clerk, d.code, { type: 'FORWARD' });
    await sender.tick(FUTURE());
    expect((await get(d.code)).sync.state).toBe('pending');
    await sender.tick(FUTURE());
    await sender.tick(FUTURE());
    const down = (await get(d.code)).sync;
    expect(down.state).toBe('failed');
    expect(down.message).toMatch(/Không kết nối được Cổng DVC quốc gia/);

    await sim.comeUp();
    await drain();
    const now = await get(d.code);
    expect(now.sync).toEqual({ state: 'synced', message: null });
    const headers = sim.headersFor(d.code);
    expect(headers).toHaveLength(2);
    expect(headers.map((h) => h.isUpdating)).toEqual([false, true]);
    expect(headers.at(-1)!.hoSo.TrangThaiHoSo).toBe('9');
    expect(sim.dossiers.get(d.code)!.TrangThaiHoSo).toBe(String(now.nationalStatus));
    expect(sim.steps(d.code)).toHaveLength(5);
    expect(sim.duplicates).toEqual([]);
  });

  it('garbage from the portal is retried, shown with the raw answer, and delivered once the portal answers', async () => {
    sim.fail({ mode: 'garbage' });
    const d = await receive(t.app, w, '1.000775');
    for (let i = 0; i < 3; i++) await sender.tick(FUTURE());
    const failing = (await get(d.code)).sync;
    expect(failing.state).toBe('failed');
    expect(failing.message).toMatch(/Câu trả lời không hợp lệ: .*<html/i);
    sim.heal();
    await drain();
    expect((await get(d.code)).sync.state).toBe('synced');
    expect(sim.headersFor(d.code)).toHaveLength(1);
  });

  it('"already exists" on a first header: the same header is sent again as an update', async () => {
    // The portal made this online dossier itself: it knows the code before the back office says anything.
    const code = 'G22.99-261201-0001';
    const d = await receive(t.app, w, '1.000775', { channel: 2, code });
    expect(d.code).toBe(code);
    sim.fail({ mode: 'error3', count: 1 });
    await drain();
    const headers = sim.headersFor(code);
    expect(headers.map((h) => h.isUpdating)).toEqual([true]);
    expect(headers[0].hoSo.KenhThucHien).toBe('2');
    expect((await get(code)).sync.state).toBe('synced');
  });

  it('data the portal would refuse is flagged with the reason, never sent with made-up values', async () => {
    const d = await receive(t.app, w, '1.000775');
    await drain();
    // A name lost on the way (an old import, say): the next change must not send an empty ChuHoSo.
    const row = await t.tdb.db('dossiers').where({ code: d.code }).first();
    await t.tdb
      .db('dossiers')
      .where({ code: d.code })
      .update({ applicant: JSON.stringify({ ...JSON.parse(row.applicant), fullName: '  ' }) });
    await act(w.tokens.specialist, d.code, { type: 'FORWARD' });
    await drain();
    const sync = (await get(d.code)).sync;
    expect(sync.state).toBe('failed');
    expect(sync.message).toMatch(/Thiếu tên chủ hồ sơ/);
    expect(sim.headersFor(d.code)).toHaveLength(1); // only the receipt's
    expect(sim.rejected).toEqual([]);

    // An admin resends it before the data is right: refused again, with the reason.
    const refused = await t.tdb.db('portal_outbox').where({ dossier_code: d.code, status: 'failed' }).first();
    const admin = { ...SYSTEM_ACTOR, roles: ['admin'] } as Express.User;
    await expect(resendMessage(t.tdb.db, t.ctx.config, admin, Number(refused.id))).rejects.toThrow(
      /Vẫn chưa gửi được: Thiếu tên chủ hồ sơ/,
    );
    // Put right, then resent: the header goes as the dossier is now, and the queue behind it follows.
    await t.tdb.db('dossiers').where({ code: d.code }).update({ applicant: row.applicant });
    expect(await resendMessage(t.tdb.db, t.ctx.config, admin, Number(refused.id))).toBe(true);
    await drain();
    expect((await get(d.code)).sync).toEqual({ state: 'synced', message: null });
    expect(sim.headersFor(d.code).map((h) => h.hoSo.ChuHoSo)).toEqual(['Nguyễn Văn An', 'Nguyễn Văn An']);
    expect(sim.steps(d.code)).toHaveLength(2);
  });

  it('without PORTAL_URL nothing is queued and sync is off', async () => {
    const { t: off, w: ow } = await buildDossierApp(engine);
    try {
      const d = await receive(off.app, ow, '1.000775');
      expect(d.sync).toEqual({ state: 'off', message: null });
      const res = await send(off.app, ow.tokens.specialist, d.code, { type: 'FORWARD', version: 1 });
      expect(res.body.sync).toEqual({ state: 'off', message: null });
      expect(await off.tdb.db('portal_outbox').count({ n: '*' })).toEqual([{ n: 0 }]);
    } finally {
      await off.close();
    }
  });
});
