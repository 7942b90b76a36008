import request from 'supertest';
import { ENGINES } from '../helpers/db';
import type { TestApp } from '../helpers/app';
import { bearer, buildDossierApp, receive, World } from '../factories/dossiers';
import { MAX_FILE_BYTES } from '../../server/services/attachments.service';

/**
 * Online dossiers from the national portal (design.md §12, contract.md §2): `channel` 2 with the
 * portal's own code, delivered with an Idempotency-Key; their files by the attachments API.
 */
describe.each(ENGINES)('inbound online dossiers on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let n = 0;
  const portalCode = () => `G22.99-${engine}-${Date.now().toString(36)}-${++n}`;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
  });
  afterAll(() => t.close());

  const online = (body: Record<string, unknown>, key?: string) => {
    const r = request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(w.tokens.intake))
      .send({
        procedureCode: '1.000775',
        applicant: { fullName: 'Lê Văn Cường', idNumber: '001099012345' },
        documents: ['TO_TRINH', 'BAO_CAO'],
        channel: 2,
        ...body,
      });
    return key ? r.set('Idempotency-Key', key) : r;
  };
  const countCode = async (code: string) => Number((await t.tdb.db('dossiers').where({ code }).count({ n: '*' }))[0].n);

  it("keeps the portal's code, and the dossier is found by it (API, public lookup JSON and page)", async () => {
    const code = portalCode();
    const res = await online({ code });
    expect(res.status).toBe(201);
    expect(res.body.code).toBe(code);
    expect(res.headers.location).toBe(`/api/v1/dossiers/${code}`);
    const got = await request(t.app).get(`/api/v1/dossiers/${code}`).set(bearer(w.tokens.specialist));
    expect([got.status, got.body.code]).toEqual([200, code]);
    const pub = await request(t.app).get(`/api/v1/public/dossiers/${encodeURIComponent(code.toLowerCase())}`);
    expect([pub.status, pub.body.code]).toEqual([200, code]);
    const page = await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(` ${code} `)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(code);
    // A code of ours is still given to the next desk intake.
    const desk = await receive(t.app, w, '1.000775');
    expect(desk.code).toMatch(/-\d{6}-\d{4,}$/);
  });

  it('a code already used (in any case) → 409 duplicate_code, nothing created', async () => {
    const code = portalCode();
    expect((await online({ code })).status).toBe(201);
    for (const again of [code, code.toUpperCase() === code ? code.toLowerCase() : code.toUpperCase()]) {
      const res = await online({ code: again });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('duplicate_code');
      expect(res.body.error.message).toMatch(/đã được dùng/);
    }
    expect(await countCode(code)).toBe(1);
  });

  it('the same code posted twice at once makes one dossier', async () => {
    const code = portalCode();
    const [a, b] = await Promise.all([online({ code }), online({ code })]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect(await countCode(code)).toBe(1);
  });

  it.each([
    ['channel 1', { channel: 1 }],
    ['channel 3', { channel: 3 }],
    ['no channel (desk)', { channel: undefined }],
  ])('a code with %s → 422 naming `code`', async (_what, over) => {
    const code = portalCode();
    const res = await online({ code, ...over });
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.error.details.fields)).toEqual(['code']);
    expect(res.body.error.details.fields.code).toMatch(/trực tuyến/);
    expect(await countCode(code)).toBe(0);
  });

  it.each([
    ['4 characters', 'AB-1'],
    ['51 characters', 'A'.repeat(51)],
    ['a space', 'G22 99-0001'],
    ['an underscore', 'G22_99-0001'],
    ['a diacritic', 'HỒSƠ-0001'],
    ['not a string', 12345],
  ])('a code with %s → 422', async (_what, code) => {
    const res = await online({ code });
    expect(res.status).toBe(422);
    expect(res.body.error.details.fields.code).toBeTruthy();
  });

  it('a delivery retried with its Idempotency-Key makes one dossier and gets the same answer', async () => {
    const code = portalCode();
    const key = `portal:${code}`;
    const results = await Promise.all([online({ code }, key), online({ code }, key), online({ code }, key)]);
    for (const r of results) expect([201, 409]).toContain(r.status);
    const ok = results.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of ok) expect(r.body).toEqual(ok[0].body);
    const later = await online({ code }, key);
    expect([later.status, later.headers['idempotency-replayed']]).toEqual([201, 'true']);
    expect(later.body).toEqual(ok[0].body);
    expect(await countCode(code)).toBe(1);
  });

  describe('attachments', () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    let code: string;
    beforeAll(async () => {
      code = (await online({ code: portalCode() })).body.code;
    });
    const attach = (token: string, file: { buf: Buffer; name: string; type: string } | null, fields = {}) => {
      let r = request(t.app).post(`/api/v1/dossiers/${code}/attachments`).set(bearer(token));
      for (const [k, v] of Object.entries(fields)) r = r.field(k, String(v));
      if (file) r = r.attach('file', file.buf, { filename: file.name, contentType: file.type });
      return r;
    };

    it('the desk attaches a file: 201 with it, listed afterwards, one ATTACH event', async () => {
      const res = await attach(
        w.tokens.intake,
        { buf: pdf, name: 'Tờ trình.pdf', type: 'application/pdf' },
        {
          documentCode: 'TO_TRINH',
        },
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Tờ trình.pdf',
        size: pdf.length,
        mime: 'application/pdf',
        documentCode: 'TO_TRINH',
        uploadedBy: { username: expect.any(String), fullName: expect.any(String) },
      });
      expect(res.body.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(res.body.uploadedAt).toMatch(/\+07:00$/);
      const list = await request(t.app).get(`/api/v1/dossiers/${code}/attachments`).set(bearer(w.tokens.specialist));
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([res.body]);
      const history = await request(t.app).get(`/api/v1/dossiers/${code}/history`).set(bearer(w.tokens.intake));
      expect(history.body.items.filter((e: { type: string }) => e.type === 'ATTACH')).toHaveLength(1);
    });

    it('the specialist at the current step may attach too; with an Idempotency-Key a retry attaches once', async () => {
      const before = (await request(t.app).get(`/api/v1/dossiers/${code}/attachments`).set(bearer(w.tokens.intake)))
        .body.items.length;
      const send = () =>
        attach(w.tokens.specialist, { buf: png, name: 'anh.png', type: 'image/png' }).set(
          'Idempotency-Key',
          `att-${code}`,
        );
      const first = await send();
      expect(first.status).toBe(201);
      const again = await send();
      expect([again.status, again.headers['idempotency-replayed']]).toEqual([201, 'true']);
      expect(again.body).toEqual(first.body);
      const after = await request(t.app).get(`/api/v1/dossiers/${code}/attachments`).set(bearer(w.tokens.intake));
      expect(after.body.items).toHaveLength(before + 1);
    });

    it('a file over the limit → 413, a wrong type or content → 422 naming `file`, no file → 422', async () => {
      const big = Buffer.concat([pdf, Buffer.alloc(MAX_FILE_BYTES)]);
      const tooBig = await attach(w.tokens.intake, { buf: big, name: 'lon.pdf', type: 'application/pdf' });
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.error.message).toMatch(/MB/);
      const exe = await attach(w.tokens.intake, {
        buf: Buffer.from('MZ...'),
        name: 'x.exe',
        type: 'application/x-msdownload',
      });
      expect(exe.status).toBe(422);
      expect(exe.body.error.details.fields.file).toBeTruthy();
      const fake = await attach(w.tokens.intake, {
        buf: Buffer.from('not a pdf'),
        name: 'gia.pdf',
        type: 'application/pdf',
      });
      expect(fake.status).toBe(422);
      const none = await attach(w.tokens.intake, null, { documentCode: 'TO_TRINH' });
      expect(none.status).toBe(422);
      expect(none.body.error.details.fields.file).toBeTruthy();
      const wrongDoc = await attach(
        w.tokens.intake,
        { buf: pdf, name: 'a.pdf', type: 'application/pdf' },
        { documentCode: 'KHONG_CO' },
      );
      expect(wrongDoc.status).toBe(422);
      expect(wrongDoc.body.error.details.fields.documentCode).toBeTruthy();
    });

    it('who may not attach: a head not at this step → 403; another commune → 404 (list too)', async () => {
      const head = await attach(w.tokens.head, { buf: pdf, name: 'a.pdf', type: 'application/pdf' });
      expect(head.status).toBe(403);
      const other = await attach(w.tokens.otherSpecialist, { buf: pdf, name: 'a.pdf', type: 'application/pdf' });
      expect(other.status).toBe(404);
      const list = await request(t.app)
        .get(`/api/v1/dossiers/${code}/attachments`)
        .set(bearer(w.tokens.otherSpecialist));
      expect(list.status).toBe(404);
      expect(
        (await request(t.app).get('/api/v1/dossiers/KHONG-CO-0001/attachments').set(bearer(w.tokens.intake))).status,
      ).toBe(404);
    });
  });
});
