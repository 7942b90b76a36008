import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildWorld, definition, receive, World } from '../factories/dossiers';
import { createApp, redactUrl } from '../../server/app';
import { dossierMails } from '../../server/mail/compose';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const TOO_BIG = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]);
type Agent = Awaited<ReturnType<typeof signIn>>;
type Fields = Record<string, string | string[]>;

const occurrences = (html: string, s: string) => html.split(s).length - 1;
const formTokenOf = (html: string) => /name="formToken" value="([^"]+)"/.exec(html)?.[1] ?? '';
/** The error box beside the file field. */
const fileError = (html: string) => /id="e-files"[^>]*>([^<]*)</.exec(html)?.[1] ?? '';

describe.each(ENGINES)('the desk intake form on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let dept: { id: number; code: string };
  const users: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildWorld(t.app, t.tdb.db);
    dept = await buildUnit(t.tdb.db, { level: 'province', parentId: w.province.id, name: 'Sở Nội vụ tỉnh Thử' });
    const admin = bearer(w.tokens.admin);
    const post = (body: object) => request(t.app).post('/api/v1/procedures').set(admin).send(body);
    expect((await post(definition())).status).toBe(201); // no level: received anywhere
    expect((await post(definition('XA.001', { name: 'Thủ tục riêng cấp xã', level: 'commune' }))).status).toBe(201);
    expect((await post(definition('HUYEN.001', { name: 'Thủ tục riêng cấp huyện', level: 'district' }))).status).toBe(
      201,
    );
    const withDept = definition('SO.001', {
      name: 'Thủ tục liên thông lên Sở',
      level: 'commune',
      steps: [
        { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 16 },
        { code: 'appraise', name: 'Sở thẩm định', role: 'specialist', hours: 16, unit: dept.code },
      ],
    });
    expect((await post(withDept)).status).toBe(201);
    for (const [key, unitId, role] of [
      ['intake', w.commune.id, 'intake'],
      ['specialist', w.commune.id, 'specialist'],
      ['leader', w.commune.id, 'leader'],
      ['districtIntake', w.district.id, 'intake'],
      ['deptSpecialist', dept.id, 'specialist'],
    ] as const) {
      users[key] = (await buildUser(t.tdb.db, { unitId, roles: [role], fullName: `Cán bộ ${key}` })).username;
    }
  });
  afterAll(() => t.close());

  const as = (key: string) => signIn(t.app, users[key], PASSWORD);
  const dossierCount = async () => Number((await t.tdb.db('dossiers').count({ n: '*' }))[0].n);
  const fileCount = async () => Number((await t.tdb.db('attachments').count({ n: '*' }))[0].n);

  /**
   * The form with its fields, then the files. The token travels in a header here (read before and
   * after this change alike); the CSRF test below sends it in the body, as the browser does.
   */
  function submit(agent: Agent, html: string, fields: Fields, files: Array<[Buffer, string]> = []) {
    const req = agent.post('/ho-so/moi').set('x-csrf-token', csrfFrom(html));
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) req.field(k, one);
    for (const [buf, name] of files) req.attach('files', buf, name);
    return req;
  }
  const valid = (html: string, over: Fields = {}): Fields => ({
    formToken: formTokenOf(html),
    procedureCode: '1.000775',
    fullName: 'Nguyễn Thị Hoa',
    phone: '0912345678',
    documents: ['TO_TRINH', 'BAO_CAO'],
    ...over,
  });

  it('Back and submit again: one dossier; the second answer shows the first (one-time form token)', async () => {
    const agent = await as('intake');
    const form = (await agent.get('/ho-so/moi?thu-tuc=1.000775')).text;
    const before = await dossierCount();
    const first = await submit(agent, form, valid(form), [[PNG, 'to-trinh.png']]);
    expect(first.status).toBe(303);
    expect(first.headers.location).toMatch(/^\/ho-so\/[^/]+\/in\/01$/);
    await agent.get(first.headers.location); // the receipt, which takes the success flash
    const again = await submit(agent, form, valid(form), [[PNG, 'to-trinh.png']]);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await dossierCount()).toBe(before + 1);
    const code = decodeURIComponent(first.headers.location.split('/')[2]);
    expect((await agent.get(again.headers.location)).text).toContain(
      `Hồ sơ này đã được tiếp nhận trước đó với mã ${code}; không tạo hồ sơ mới.`,
    );
    // A fresh form is a fresh token: a new dossier.
    const next = (await agent.get('/ho-so/moi?thu-tuc=1.000775')).text;
    expect(formTokenOf(next)).not.toBe(formTokenOf(form));
    expect((await submit(agent, next, valid(next))).status).toBe(303);
    expect(await dossierCount()).toBe(before + 2);
    // The key is the user's: the same token from another desk officer is their own first submission.
    const row = await t.tdb
      .db('idempotency_keys')
      .where({ key: formTokenOf(form) })
      .first();
    expect(row).toMatchObject({ scope: 'form:intake', status: 201 });
    expect(JSON.parse(row.response)).toEqual({ code });
  });

  it('a file over 10 MB keeps the form: 413 with the input kept and the message beside the file field', async () => {
    const agent = await as('intake');
    const form = (await agent.get('/ho-so/moi?thu-tuc=1.000775')).text;
    expect(form).toContain('data-max-bytes="10485760"');
    expect(form).toContain('src="/assets/upload.js"');
    const [dossiers, files] = [await dossierCount(), await fileCount()];
    const res = await submit(agent, form, valid(form, { address: '12 Lê Lợi', note: 'Nộp thay' }), [
      [TOO_BIG, 'ban-quet.pdf'],
    ]);
    expect(res.status).toBe(413);
    expect(res.text).toContain('<h1>Tiếp nhận hồ sơ</h1>');
    expect(res.text).toContain('value="Nguyễn Thị Hoa"');
    expect(res.text).toContain('value="12 Lê Lợi"');
    expect(res.text).toContain('>Nộp thay</textarea>');
    expect(res.text).toMatch(/value="TO_TRINH"\s+checked/);
    expect(fileError(res.text)).toContain('Tệp vượt quá 10 MB');
    expect(res.text).toContain('Vui lòng chọn lại tệp');
    expect([await dossierCount(), await fileCount()]).toEqual([dossiers, files]);

    // The same on the dossier page's upload form.
    const ok = await submit(agent, form, valid(form));
    const code = decodeURIComponent(ok.headers.location.split('/')[2]);
    const page = (await agent.get(`/ho-so/${code}`)).text;
    const up = await agent
      .post(`/ho-so/${code}/tep`)
      .set('x-csrf-token', csrfFrom(page))
      .attach('files', TOO_BIG, 'ban-quet.pdf');
    expect(up.status).toBe(413);
    expect(up.text).toContain(`Hồ sơ ${code}`);
    expect(fileError(up.text)).toContain('Tệp vượt quá 10 MB');
    expect(await fileCount()).toBe(files);
  });

  it('shows every problem at once, in Vietnamese labels, each message once; inputs carry the limits', async () => {
    const agent = await as('intake');
    const form = (await agent.get('/ho-so/moi?thu-tuc=1.000775')).text;
    for (const [name, max] of [
      ['fullName', 255],
      ['idNumber', 20],
      ['phone', 20],
      ['email', 255],
      ['address', 500],
      ['note', 2000],
    ] as const)
      expect(form).toMatch(new RegExp(`name="${name}"[^>]*maxlength="${max}"`));
    expect(form).toMatch(/name="fullName"[^>]*required/);
    expect(form).toMatch(/name="idNumber"[^>]*pattern="\[0-9A-Za-z\]\{6,20\}"/);
    const before = await dossierCount();
    const res = await submit(agent, form, valid(form, { fullName: '', phone: 'abc', documents: ['KHAC'] }));
    expect(res.status).toBe(422);
    // One round: the fields and the missing documents together.
    for (const message of [
      'Họ tên người nộp là bắt buộc',
      'Số điện thoại không hợp lệ',
      'Thiếu giấy tờ bắt buộc: Tờ trình đề nghị khen thưởng; Báo cáo thành tích.',
    ])
      expect(occurrences(res.text, message)).toBe(1);
    expect(res.text).toContain('3 mục cần sửa');
    expect(res.text).toContain('<a href="#f-fullName">Họ và tên / tên tổ chức</a>');
    expect(res.text).toContain('<a href="#f-documents">Thành phần hồ sơ đã nhận</a>');
    expect(res.text).not.toContain('applicant.');
    expect(res.text).not.toContain('Dữ liệu không hợp lệ');
    expect(res.text).toMatch(/class="check missing"><input type="checkbox" name="documents" value="TO_TRINH"/);
    expect(await dossierCount()).toBe(before);
  });

  it('a refused action says its reason once, beside the field (no path names, no repeats)', async () => {
    const { code } = await receive(t.app, w, '1.000775');
    const specialist = await as('specialist');
    const page = (await specialist.get(`/ho-so/${code}`)).text;
    const res = await specialist
      .post(`/ho-so/${code}/thao-tac`)
      .type('form')
      .send({ _csrf: csrfFrom(page), version: '1', type: 'REFUSE', comment: '' });
    expect(res.status).toBe(422);
    const message = /<div class="field-error">([^<]+)<\/div>/.exec(res.text)![1];
    expect(message).toContain('Cần ghi rõ lý do');
    expect(occurrences(res.text, message)).toBe(1);
    expect(res.text).not.toContain('Dữ liệu không hợp lệ');
  });

  it('a commune desk is offered commune procedures and the competent units that make sense, grouped', async () => {
    const commune = await as('intake');
    const list = (await commune.get('/ho-so/moi')).text;
    expect(list).toContain('Thủ tục riêng cấp xã');
    expect(list).toContain('Tặng Giấy khen của Chủ tịch UBND cấp xã'); // no level: any desk
    expect(list).not.toContain('Thủ tục riêng cấp huyện');
    const district = await as('districtIntake');
    const dList = (await district.get('/ho-so/moi')).text;
    expect(dList).toContain('Thủ tục riêng cấp huyện');
    expect(dList).not.toContain('Thủ tục riêng cấp xã');

    const form = (await commune.get('/ho-so/moi?thu-tuc=SO.001')).text;
    const select = /<select id="f-competentUnitCode"[\s\S]*?<\/select>/.exec(form)![0];
    const group = (label: string) => new RegExp(`<optgroup label="${label}">(.*?)</optgroup>`).exec(select)?.[1] ?? '';
    expect(group('Đơn vị tiếp nhận')).toContain(`value="${w.commune.code}" selected`);
    expect(group('Cấp trên')).toContain(`value="${w.district.code}"`);
    expect(group('Cấp trên')).toContain(`value="${w.province.code}"`);
    expect(group('Đơn vị xử lý theo quy trình')).toContain(`value="${dept.code}"`);
    expect(select).not.toContain(`value="${w.other.code}"`); // a neighbouring commune
    expect(occurrences(select, '<option')).toBe(4);

    // A district procedure posted at a commune desk is refused beside the procedure, nothing stored.
    const before = await dossierCount();
    const wrong = await submit(commune, form, valid(form, { procedureCode: 'HUYEN.001' }));
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Thủ tục cấp huyện: không tiếp nhận tại UBND xã Một.');
    expect(await dossierCount()).toBe(before);
    // The level is part of the definition schema: an unknown one is refused.
    const bad = await request(t.app)
      .post('/api/v1/procedures')
      .set(bearer(w.tokens.admin))
      .send(definition('BAD.001', { level: 'ward' }));
    expect(bad.status).toBe(422);
  });

  it('records the applicant type and addresses an organisation by its name on forms and mails', async () => {
    const agent = await as('intake');
    const form = (await agent.get('/ho-so/moi?thu-tuc=1.000775')).text;
    expect(form).toMatch(/name="applicantType" value="1"\s+checked/);
    const res = await submit(
      agent,
      form,
      valid(form, { applicantType: '2', fullName: 'Công ty TNHH ABC', email: 'vanthu@abc.vn', idNumber: '0101234567' }),
    );
    expect(res.status).toBe(303);
    const code = decodeURIComponent(res.headers.location.split('/')[2]);
    const row = await t.tdb.db('dossiers').where({ code }).first();
    expect(Number(row.applicant_type)).toBe(2);
    const json = await request(t.app).get(`/api/v1/dossiers/${code}`).set(bearer(w.tokens.intake));
    expect(json.body.applicant).toMatchObject({ type: 2, fullName: 'Công ty TNHH ABC' });
    expect((await agent.get(`/ho-so/${code}`)).text).toMatch(/<dt>Loại người nộp<\/dt><dd>Doanh nghiệp<\/dd>/);

    const receipt = (await agent.get(`/ho-so/${code}/in/01`)).text;
    expect(receipt).toContain('Tổ chức: <strong>Công ty TNHH ABC</strong> (Doanh nghiệp)');
    expect(receipt).not.toContain('Ông/Bà');
    const supplement = await request(t.app)
      .post(`/api/v1/dossiers/${code}/events`)
      .set(bearer(w.tokens.specialist))
      .send({ type: 'REQUEST_SUPPLEMENT', version: 1, comment: 'Bổ sung giấy phép kinh doanh' });
    expect(supplement.status).toBe(200);
    const form02 = (await agent.get(`/ho-so/${code}/in/02`)).text;
    expect(form02).toContain('Kính gửi: <strong>Công ty TNHH ABC</strong>');
    expect(form02).toContain('hồ sơ của Quý doanh nghiệp');
    expect(form02).not.toContain('Ông/Bà');

    const mails = await dossierMails(t.tdb.db, { code, type: 'RECEIVE', to: 'review' }, 'http://motcua.test');
    const toApplicant = mails.find((m) => m.to === 'vanthu@abc.vn')!;
    expect(toApplicant.text).toContain('Kính gửi Công ty TNHH ABC,');
    expect(toApplicant.text).toContain('hồ sơ của Quý doanh nghiệp');
    expect(toApplicant.text + toApplicant.html).not.toContain('Ông/Bà');

    // A citizen stays "Ông/Bà"; the API without a type receives a citizen (type 1).
    const api = await request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(w.tokens.intake))
      .send({
        procedureCode: '1.000775',
        applicant: { fullName: 'Trần Văn Bình', email: 'binh@example.vn' },
        documents: ['TO_TRINH', 'BAO_CAO'],
      });
    expect(api.status).toBe(201);
    expect(api.body.applicant.type).toBe(1);
    const citizen = await dossierMails(t.tdb.db, { code: api.body.code, type: 'RECEIVE', to: 'review' }, 'http://x');
    expect(citizen.find((m) => m.to === 'binh@example.vn')!.text).toContain('Kính gửi Ông/Bà Trần Văn Bình,');
    expect((await agent.get(`/ho-so/${api.body.code}/in/01`)).text).toContain('Ông/Bà: <strong>Trần Văn Bình</strong>');
    const agency = await request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(w.tokens.intake))
      .send({
        procedureCode: '1.000775',
        applicant: { type: 3, fullName: 'Trường Tiểu học Xã Một' },
        documents: ['TO_TRINH', 'BAO_CAO'],
      });
    expect(agency.body.applicant.type).toBe(3);
    const badType = await request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(w.tokens.intake))
      .send({ procedureCode: '1.000775', applicant: { type: 7, fullName: 'X' }, documents: ['TO_TRINH', 'BAO_CAO'] });
    expect(badType.status).toBe(422);
    expect(badType.body.error.details.fields['applicant.type']).toContain('Loại người nộp');
  });

  it('keeps the CSRF token out of URLs and the access log; multipart forms carry it in the body', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const app = createApp({ ...t.ctx, logger: pino({ level: 'info' }, sink) });
    const agent = await signIn(app, users.intake, PASSWORD);
    const form = (await agent.get('/ho-so/moi?thu-tuc=1.000775')).text;
    const token = csrfFrom(form);
    expect(form).toContain('action="/ho-so/moi"');
    expect(form).not.toMatch(/action="[^"]*_csrf/);

    const before = await dossierCount();
    const fields = valid(form);
    const noToken = agent.post('/ho-so/moi');
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) noToken.field(k, one);
    expect((await noToken.attach('files', PNG, 'a.png')).status).toBe(403);
    // The old way (token in the query string) is no longer read.
    const inQuery = agent.post(`/ho-so/moi?_csrf=${encodeURIComponent(token)}`);
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) inQuery.field(k, one);
    expect((await inQuery).status).toBe(403);
    expect(await dossierCount()).toBe(before);
    const inBody = agent.post('/ho-so/moi').field('_csrf', token);
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) inBody.field(k, one);
    const ok = await inBody.attach('files', PNG, 'a.png');
    expect(ok.status).toBe(303);
    expect(await dossierCount()).toBe(before + 1);

    const code = decodeURIComponent(ok.headers.location.split('/')[2]);
    const page = (await agent.get(`/ho-so/${code}`)).text;
    expect(page).toContain(`action="/ho-so/${code}/tep"`);
    expect(page).not.toMatch(/action="[^"]*_csrf/);
    const up = await agent.post(`/ho-so/${code}/tep`).field('_csrf', csrfFrom(page)).attach('files', PNG, 'b.png');
    expect(up.status).toBe(303);
    expect((await agent.post(`/ho-so/${code}/tep`).attach('files', PNG, 'c.png')).status).toBe(403);

    expect(lines.some((l) => l.includes('"url":"/ho-so/moi?_csrf=[redacted]"'))).toBe(true);
    for (const l of lines) expect(l).not.toContain(token);
    expect(redactUrl('/a?x=1&_csrf=abc&y=2')).toBe('/a?x=1&_csrf=[redacted]&y=2');
  });
});
