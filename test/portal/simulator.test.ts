/**
 * The portal simulator over real HTTP: the portal's answers, what it keeps, its faults and outages.
 * No database. Waits are on progress (what the simulator received), never on elapsed time.
 */
import { buildHoSo, buildStep, headerMessage, stepMessage } from './fixtures';
import { PortalSimulator } from './simulator';

const CODE = 'G22.99-250701-0001';
let sim: PortalSimulator;

beforeAll(async () => {
  sim = new PortalSimulator();
  await sim.start();
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.reset();
  sim.token = null;
  sim.existsCode = '3';
});

async function post(body: unknown, init: RequestInit = {}) {
  const res = await fetch(sim.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: init.signal ?? AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* garbage: the test looks at text */
  }
  return { status: res.status, json, text, type: res.headers.get('content-type') };
}

const control = (path: string, body?: unknown) =>
  fetch(new URL(`_sim/${path}`, sim.url), {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, json: await r.json() }));

/** The error code of a failed fetch (undici wraps it in `cause`). */
async function networkError(p: Promise<unknown>): Promise<string> {
  const err: any = await p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e) => e,
  );
  return err?.cause?.code ?? err?.name;
}

describe('answers', () => {
  it('accepts a new header, then a step, and keeps both in arrival order', async () => {
    expect((await post(headerMessage([buildHoSo()]))).json).toMatchObject({ error_code: '0' });
    expect((await post(stepMessage([buildStep()]))).json).toMatchObject({ error_code: '0' });
    expect(sim.messages.map((m) => [m.seq, m.service, m.isUpdating])).toEqual([
      [1, 'DongBoHoSoMC', false],
      [2, 'CapNhatTienDoHoSoMC', null],
    ]);
    expect(sim.messages[0].kenhThucHienAs).toBe('string');
    expect(sim.dossiers.get(CODE)?.TrangThaiHoSo).toBe('2');
    expect(sim.steps(CODE).map((s) => s.step.NoiDungXuLy)).toEqual(['Chuyển thẩm định hồ sơ']);
    expect(sim.stats()).toMatchObject({ requests: 2, accepted: 2, rejected: 0, duplicates: 0 });
  });

  it('answers "already exists" (3, or -3 when so configured) to a second new header, without storing it', async () => {
    await post(headerMessage([buildHoSo()]));
    const again = await post(headerMessage([buildHoSo({ TrangThaiHoSo: '4' })]));
    expect(again).toMatchObject({ status: 200, json: { error_code: '3', message: 'Hồ sơ đã tồn tại' } });
    sim.existsCode = '-3';
    expect((await post(headerMessage([buildHoSo()]))).json.error_code).toBe('-3');
    expect(sim.dossiers.get(CODE)?.TrangThaiHoSo).toBe('2');
    expect(sim.headersFor(CODE)).toHaveLength(1);
    expect(sim.rejected.map((r) => r.kind)).toEqual(['exists', 'exists']);
  });

  it('takes an update as the latest header, and an update of an unknown dossier as an upsert', async () => {
    await post(headerMessage([buildHoSo()]));
    await post(headerMessage([buildHoSo({ TrangThaiHoSo: '4', KenhThucHien: 1 })], true));
    expect(sim.dossiers.get(CODE)?.TrangThaiHoSo).toBe('4');
    expect(sim.headersFor(CODE).map((h) => h.isUpdating)).toEqual([false, true]);
    expect(sim.messages[1].kenhThucHienAs).toBe('number');
    const other = 'G22.99-250701-0002';
    expect((await post(headerMessage([buildHoSo({ MaHoSo: other })], true))).json.error_code).toBe('0');
    expect(sim.dossiers.has(other)).toBe(true);
  });

  it('refuses a step for a dossier it never received (-1)', async () => {
    const res = await post(stepMessage([buildStep()]));
    expect(res.json.error_code).toBe('-1');
    expect(res.json.message).toContain(CODE);
    expect(sim.steps(CODE)).toEqual([]);
    expect(sim.rejected[0]).toMatchObject({ kind: 'unknown-dossier', errorCode: '-1' });
  });

  it('refuses invalid fields (-2) with a Vietnamese message naming them, and keeps them apart', async () => {
    const res = await post(headerMessage([buildHoSo({ NgayHenTra: '20250230170000', LoaiDoiTuong: 9 })]));
    expect(res.status).toBe(200);
    expect(res.json.error_code).toBe('-2');
    expect(res.json.message).toMatch(/^Dữ liệu không hợp lệ: .*LoaiDoiTuong.*NgayHenTra/);
    expect(sim.rejected[0].errors.map((e) => e.field)).toEqual(['LoaiDoiTuong', 'NgayHenTra']);
    expect(sim.rejected[0].body).toMatchObject({ service: 'DongBoHoSoMC' });
    expect((await post('<xml>not json</xml>')).json).toMatchObject({ error_code: '-2' });
    expect(sim.messages).toEqual([]);
    expect(sim.dossiers.size).toBe(0);
  });

  it('records the same content accepted twice as a duplicate', async () => {
    await post(headerMessage([buildHoSo()]));
    await post(headerMessage([buildHoSo({ TrangThaiHoSo: '4' })], true));
    expect(sim.duplicates).toEqual([]);
    await post(headerMessage([buildHoSo({ TrangThaiHoSo: '4' })], true));
    await post(stepMessage([buildStep()]));
    await post(stepMessage([buildStep()]));
    expect(sim.duplicates.map((d) => [d.service, d.seq, d.firstSeq])).toEqual([
      ['DongBoHoSoMC', 3, 2],
      ['CapNhatTienDoHoSoMC', 5, 4],
    ]);
  });

  it('with a token, answers 401 to a missing or wrong bearer token', async () => {
    sim.token = 'bi-mat';
    expect((await post(headerMessage([buildHoSo()]))).status).toBe(401);
    const wrong = await post(headerMessage([buildHoSo()]), { headers: { Authorization: 'Bearer sai' } });
    expect(wrong.status).toBe(401);
    const right = await post(headerMessage([buildHoSo()]), { headers: { Authorization: 'Bearer bi-mat' } });
    expect(right).toMatchObject({ status: 200, json: { error_code: '0' } });
    expect(sim.stats().byKind).toMatchObject({ unauthorized: 2, ok: 1 });
  });
});

describe('faults', () => {
  it('http500 for the next n requests, then normal again', async () => {
    sim.fail({ mode: 'http500', count: 2 });
    expect((await post(headerMessage([buildHoSo()]))).status).toBe(500);
    expect((await post(headerMessage([buildHoSo()]))).status).toBe(500);
    expect((await post(headerMessage([buildHoSo()]))).json.error_code).toBe('0');
    expect(sim.stats()).toMatchObject({ requests: 3, accepted: 1, byKind: { http500: 2, ok: 1 } });
    expect(sim.currentFault).toBeNull();
  });

  it('garbage: 200 with an HTML page that is not JSON', async () => {
    sim.fail({ mode: 'garbage' });
    const res = await post(headerMessage([buildHoSo()]));
    expect(res.status).toBe(200);
    expect(res.json).toBeNull();
    expect(res.type).toContain('text/html');
    expect(sim.dossiers.size).toBe(0);
  });

  it('error3: "already exists" for a dossier it does not have; processFirst stores it first', async () => {
    sim.fail({ mode: 'error3', count: 1 });
    expect((await post(headerMessage([buildHoSo()]))).json).toEqual({ error_code: '3', message: 'Hồ sơ đã tồn tại' });
    expect(sim.dossiers.size).toBe(0);
    sim.fail({ mode: 'error3', count: 1, processFirst: true });
    expect((await post(headerMessage([buildHoSo()]))).json.error_code).toBe('3');
    expect(sim.dossiers.size).toBe(1);
  });

  it('reset: the connection is reset, nothing stored', async () => {
    sim.fail({ mode: 'reset', count: 1 });
    expect(await networkError(post(headerMessage([buildHoSo()])))).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    expect(sim.stats().byKind.reset).toBe(1);
    expect((await post(headerMessage([buildHoSo()]))).json.error_code).toBe('0');
  });

  it('timeout: never answers (the client gives up), and with processFirst the message is kept all the same', async () => {
    for (const processFirst of [false, true]) {
      sim.reset();
      sim.fail({ mode: 'timeout', processFirst });
      const giveUp = new AbortController();
      let settled = false;
      const pending = post(headerMessage([buildHoSo()]), {
        signal: AbortSignal.any([giveUp.signal, AbortSignal.timeout(60_000)]),
      }).finally(() => (settled = true));
      await sim.waitFor((s) => s.requests.length === 1, { what: 'the held request' });
      expect(settled).toBe(false);
      giveUp.abort();
      expect(await networkError(pending)).toBe('AbortError');
      expect(sim.stats().byKind.timeout).toBe(1);
      expect(sim.dossiers.size).toBe(processFirst ? 1 : 0);
    }
    sim.heal();
    // A short client timeout on a held request: the caller's AbortSignal.timeout fires, nothing else.
    sim.fail({ mode: 'timeout', count: 1 });
    expect(await networkError(post(stepMessage([buildStep()]), { signal: AbortSignal.timeout(300) }))).toBe(
      'TimeoutError',
    );
  });

  it('slow: answers normally after the delay; with processFirst the message is kept before the answer', async () => {
    sim.fail({ mode: 'slow', ms: 100, count: 1 });
    expect((await post(headerMessage([buildHoSo()]))).json.error_code).toBe('0');
    expect(sim.stats().byKind).toMatchObject({ slow: 1, ok: 1 });

    sim.fail({ mode: 'slow', ms: 60_000, count: 1, processFirst: true });
    const giveUp = new AbortController();
    const pending = post(stepMessage([buildStep()]), { signal: giveUp.signal });
    await sim.waitFor((s) => s.steps(CODE).length === 1, { what: 'the slow step to be stored' });
    giveUp.abort();
    expect(await networkError(pending)).toBe('AbortError');
  });

  it('goDown refuses connections on the same port; comeUp serves again with what it had', async () => {
    await post(headerMessage([buildHoSo()]));
    const url = sim.url;
    await sim.goDown();
    // A socket the client still pooled may be cut first (after an aborted request, undici keeps one);
    // a new connection is then refused. Never an HTTP answer while down.
    const codes = [await networkError(post(stepMessage([buildStep()])))];
    if (codes[0] !== 'ECONNREFUSED') codes.push(await networkError(post(stepMessage([buildStep()]))));
    expect(codes[0]).toMatch(/ECONNREFUSED|UND_ERR_SOCKET|ECONNRESET/);
    expect(codes.at(-1)).toBe('ECONNREFUSED');
    expect(sim.stats().requests).toBe(1);
    await sim.comeUp();
    expect(sim.url).toBe(url);
    expect((await post(stepMessage([buildStep()]))).json.error_code).toBe('0');
  });
});

describe('control endpoint and helpers', () => {
  it('sets and clears faults, and shows what arrived', async () => {
    expect((await control('fail', { mode: 'http500', count: 1 })).json.fault).toMatchObject({ mode: 'http500' });
    expect((await post(headerMessage([buildHoSo()]))).status).toBe(500);
    expect((await post(headerMessage([buildHoSo()]))).status).toBe(200);
    await control('fail', { mode: 'garbage' });
    await control('heal', {});
    expect((await post(stepMessage([buildStep()]))).json.error_code).toBe('0');
    expect((await control('stats')).json).toMatchObject({ requests: 3, accepted: 2, byKind: { http500: 1 } });
    const dossier = (await control(`dossiers/${CODE}`)).json;
    expect(dossier.hoSo.MaHoSo).toBe(CODE);
    expect(dossier.steps).toHaveLength(1);
    expect((await control('dossiers/G22.99-khong-co')).status).toBe(404);
    expect((await control('messages')).json).toHaveLength(2);
    expect((await control('fail', { mode: 'meltdown' })).status).toBe(400);
    expect((await control('config', { existsCode: '-3' })).json.existsCode).toBe('-3');
  });

  it('waitFor resolves on progress and fails, naming what it waited for, when nothing arrives', async () => {
    const waiting = sim.waitFor((s) => s.dossiers.has(CODE), { what: 'the header' });
    await post(headerMessage([buildHoSo()]));
    await waiting;
    await expect(sim.waitFor(() => false, { timeoutMs: 200, what: 'nothing' })).rejects.toThrow(/waiting for nothing/);
  });

  it('reset forgets everything and heals', async () => {
    await post(headerMessage([buildHoSo()]));
    sim.fail({ mode: 'http500' });
    sim.reset();
    expect(sim.stats()).toMatchObject({ requests: 0, accepted: 0 });
    expect(sim.dossiers.size).toBe(0);
    expect((await post(headerMessage([buildHoSo()]))).json.error_code).toBe('0');
  });
});
