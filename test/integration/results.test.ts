import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { ENGINES } from '../helpers/db';
import type { TestApp } from '../helpers/app';
import { bearer, buildDossierApp, definition, receive, send, World } from '../factories/dossiers';
import { applyDossierEvent } from '../../server/services/transition.service';
import { generateResult, uploadResult } from '../../server/services/results.service';
import { findUserById } from '../../server/queries/users.queries';
import { dossierMails } from '../../server/mail/compose';
import { buildUser, PASSWORD } from '../factories/accounts';
import { FIRST_UPLOAD_SETTING } from '../../server/services/certificates.service';
import type { Role } from '../../workflows/labels';

/** A procedure whose dossiers end in a signed, numbered decision (design.md §10). */
const withResult = (code: string) =>
  definition(code, {
    result: { name: 'Quyết định tặng Giấy khen', kind: 'QĐ' },
    steps: [
      { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 48 },
      { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8 },
      { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8, signs: true },
      { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4, numbers: true },
    ],
  });

async function simplePdf(text = 'Dự thảo'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595.28, 841.89]);
  page.drawText(
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd'),
    {
      x: 100,
      y: 700,
      size: 14,
      font: await doc.embedFont(StandardFonts.TimesRoman),
    },
  );
  // A classic cross-reference table (no object streams): the trailer can be read and edited as text.
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** poppler's verdict on every signature of a PDF. */
function pdfsig(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-sig-'));
  const file = path.join(dir, 'r.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdfsig', [file], { encoding: 'utf8' });
  } catch (e) {
    // pdfsig exits non-zero when a signature does not verify; its report is what the test reads.
    return String((e as { stdout?: string }).stdout ?? '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe.each(ENGINES)('results: draft, sign, number, deliver on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let seq = 0;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    await t.tdb.db('units').where({ id: w.commune.id }).update({ symbol: 'UBND' });
    const res = await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(withResult('R.1'));
    expect(res.status).toBe(201);
  });
  afterAll(() => t.close());

  const get = (code: string, token = w.tokens.intake) =>
    request(t.app).get(`/api/v1/dossiers/${code}`).set(bearer(token));
  const forward = async (code: string, token: string) => {
    const d = (await get(code)).body;
    return send(t.app, token, code, { type: 'FORWARD', version: d.version });
  };
  const putResult = (code: string, token: string, body: Buffer, type = 'application/pdf') =>
    request(t.app).put(`/api/v1/dossiers/${code}/result`).set(bearer(token)).set('Content-Type', type).send(body);
  const pdfOf = async (url: string, token?: string) => {
    const r = request(t.app).get(url);
    if (token) r.set(bearer(token));
    return r.buffer(true).parse(binary);
  };
  const keyOf = async (code: string) =>
    String((await t.tdb.db('dossiers').where({ code }).first('access_key')).access_key);
  const fresh = () => receive(t.app, w, 'R.1', { note: `r${++seq}` });
  /** The dossier page as a signed-in user sees it. */
  const signInAndOpen = async (username: string, code: string): Promise<string> => {
    const agent = request.agent(t.app);
    const form = await agent.get('/dang-nhap');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const signedIn = await agent.post('/dang-nhap').type('form').send({ _csrf: csrf, username, password: PASSWORD });
    expect(signedIn.status).toBe(303);
    const page = await agent.get(`/ho-so/${code}`);
    expect(page.status).toBe(200);
    return page.text;
  };
  /** A user of the commune with one role, as the services take it. */
  const staff = async (role: Role): Promise<Express.User> => {
    const u = await buildUser(t.tdb.db, { unitId: w.commune.id, roles: [role] });
    return (await findUserById(t.tdb.db, u.id))!;
  };

  /** A dossier walked to the numbering step with a signed draft. */
  async function atNumbering(): Promise<string> {
    const d = await fresh();
    expect((await putResult(d.code, w.tokens.specialist, await simplePdf())).status).toBe(200);
    expect((await forward(d.code, w.tokens.specialist)).status).toBe(200);
    expect((await forward(d.code, w.tokens.head)).status).toBe(200);
    const signed = await forward(d.code, w.tokens.leader);
    expect(signed.status).toBe(200);
    expect(signed.body.state).toBe('number');
    return d.code;
  }

  it('walks intake → draft → sign → number → result_ready → returned, with two valid signatures', async () => {
    const d = await receive(t.app, w, 'R.1', {
      applicant: { fullName: 'Nguyễn Văn An', idNumber: '094123456789', email: 'an@example.vn' },
    });
    expect(d.result).toBeNull();
    const draft = await putResult(d.code, w.tokens.specialist, await simplePdf());
    expect(draft.status).toBe(200);
    expect(draft.body.result).toMatchObject({ name: 'Quyết định tặng Giấy khen', kind: 'QĐ', number: null });
    expect(draft.body.result.signatures).toEqual([]);
    expect(draft.body.state).toBe('review');

    // The citizen's link answers nothing before the result is ready.
    const key = await keyOf(d.code);
    const early = await request(t.app).get(`/tra-cuu/ket-qua?ma=${d.code}&khoa=${key}`);
    expect(early.status).toBe(404);

    expect((await forward(d.code, w.tokens.specialist)).status).toBe(200);
    expect((await forward(d.code, w.tokens.head)).status).toBe(200);
    const signed = await forward(d.code, w.tokens.leader);
    expect(signed.status).toBe(200);
    expect(signed.body.result.signatures).toHaveLength(1);
    expect(signed.body.result.signatures[0]).toMatchObject({ role: 'leader', demo: true });
    expect(signed.body.result.number).toBeNull();

    const numbered = await forward(d.code, w.tokens.clerk);
    expect(numbered.status).toBe(200);
    expect(numbered.body.state).toBe('result_ready');
    // The first result this unit numbered this year.
    expect(numbered.body.result.number).toBe('01/QĐ-UBND');
    expect(numbered.body.result.numberedAt).toMatch(/\+07:00$/);
    expect(numbered.body.result.signatures.map((s: { role: string }) => s.role)).toEqual(['leader', 'seal']);

    const staffPdf = await pdfOf(`/api/v1/dossiers/${d.code}/result`, w.tokens.intake);
    expect(staffPdf.status).toBe(200);
    expect(staffPdf.headers['content-type']).toBe('application/pdf');
    const body = staffPdf.body as Buffer;
    expect(sha(body)).toBe(numbered.body.result.sha256);
    const verdict = pdfsig(body);
    expect(verdict.match(/Signature is Valid/g)).toHaveLength(2);
    expect(verdict).not.toMatch(/Signature is Invalid/);

    // The citizen's private link: the same bytes; a wrong key is the same 404 as an unknown code.
    const citizen = await pdfOf(`/tra-cuu/ket-qua?ma=${d.code}&khoa=${key}`);
    expect(citizen.status).toBe(200);
    expect(sha(citizen.body as Buffer)).toBe(numbered.body.result.sha256);
    const wrong = await request(t.app).get(`/tra-cuu/ket-qua?ma=${d.code}&khoa=${key}x`);
    const unknown = await request(t.app).get(`/tra-cuu/ket-qua?ma=KHONG-CO-0001&khoa=${key}`);
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrong.text.replace(/ma=[^"&]*/g, '')).toBe(unknown.text.replace(/ma=[^"&]*/g, ''));

    // Public verification by the file's hash: number, unit, name; nothing personal.
    const verify = await request(t.app).get(`/xac-thuc/${numbered.body.result.sha256}`);
    expect(verify.status).toBe(200);
    expect(verify.text).toContain(numbered.body.result.number);
    expect(verify.text).toContain('Quyết định tặng Giấy khen');
    expect(verify.text).not.toContain('Nguyễn Văn An');
    expect((await request(t.app).get(`/xac-thuc/${'0'.repeat(64)}`)).status).toBe(404);

    // The result mail to the applicant carries the same private link.
    const outbox = await t.tdb.db('outbox').where({ kind: 'dossier.event' }).orderBy('id', 'desc').select('payload');
    const event = outbox
      .map((o) => JSON.parse(String(o.payload)))
      .find((p) => p.code === d.code && p.to === 'result_ready');
    expect(event.resultKey).toBe(key);
    const mails = await dossierMails(t.tdb.db, event, 'https://motcua.example.vn');
    const toApplicant = mails.find((m) => m.to === 'an@example.vn')!;
    expect(toApplicant.text).toContain(
      `https://motcua.example.vn/tra-cuu/ket-qua?ma=${encodeURIComponent(d.code)}&khoa=${key}`,
    );

    const returned = await send(t.app, w.tokens.intake, d.code, {
      type: 'RETURN_RESULT',
      version: numbered.body.version,
    });
    expect(returned.status).toBe(200);
    expect((await pdfOf(`/tra-cuu/ket-qua?ma=${d.code}&khoa=${key}`)).status).toBe(200);

    // The history and the control sheet record the draft, the signature and the number.
    const h = (await request(t.app).get(`/api/v1/dossiers/${d.code}/history`).set(bearer(w.tokens.intake))).body
      .items as Array<{ type: string }>;
    expect(h.map((e) => e.type)).toEqual([
      'RECEIVE',
      'RESULT',
      'FORWARD',
      'FORWARD',
      'FORWARD',
      'FORWARD',
      'RETURN_RESULT',
    ]);
  });

  it('refuses to sign without a draft, and nothing moves', async () => {
    const d = await fresh();
    expect((await forward(d.code, w.tokens.specialist)).status).toBe(200);
    expect((await forward(d.code, w.tokens.head)).status).toBe(200);
    const before = (await get(d.code)).body;
    const res = await forward(d.code, w.tokens.leader);
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/dự thảo/);
    const after = (await get(d.code)).body;
    expect(after).toMatchObject({ state: 'sign', version: before.version });
  });

  it('bad drafts: not a PDF, encrypted, broken, too large → 422/413 and nothing stored', async () => {
    const d = await fresh();
    const text = await putResult(d.code, w.tokens.specialist, Buffer.from('xin chào'), 'application/pdf');
    expect(text.status).toBe(422);
    const truncated = (await simplePdf()).subarray(0, 200);
    expect((await putResult(d.code, w.tokens.specialist, truncated)).status).toBe(422);
    const plain = (await simplePdf()).toString('latin1');
    expect(plain).toContain('trailer');
    const encrypted = Buffer.from(plain.replace(/trailer\s*<</, 'trailer\n<<\n/Encrypt 99 0 R'), 'latin1');
    expect((await putResult(d.code, w.tokens.specialist, encrypted)).status).toBe(422);
    const big = Buffer.concat([await simplePdf(), Buffer.alloc(10 * 1024 * 1024 + 10, 32)]);
    expect((await putResult(d.code, w.tokens.specialist, big)).status).toBe(413);
    const after = (await get(d.code)).body;
    expect(after.result).toBeNull();
    expect(after.version).toBe(d.version);
  });

  it('only the holder of the current step puts the draft, and only until the signing step', async () => {
    const d = await fresh();
    const pdf = await simplePdf();
    expect((await putResult(d.code, w.tokens.head, pdf)).status).toBe(403);
    expect((await putResult(d.code, w.tokens.otherSpecialist, pdf)).status).toBe(404);
    const code = await atNumbering();
    const late = await putResult(code, w.tokens.clerk, pdf);
    expect(late.status).toBe(422);
    expect(late.body.error.message).toMatch(/đã được ký/);
  });

  it('a numbering that fails (unit without a symbol) moves nothing and uses no number', async () => {
    const code = await atNumbering();
    await t.tdb.db('units').where({ id: w.commune.id }).update({ symbol: null });
    try {
      const before = (await get(code)).body;
      const res = await forward(code, w.tokens.clerk);
      expect(res.status).toBe(422);
      const after = (await get(code)).body;
      expect(after).toMatchObject({ state: 'number', version: before.version });
      expect(after.result.number).toBeNull();
      expect(after.result.signatures).toHaveLength(1);
    } finally {
      await t.tdb.db('units').where({ id: w.commune.id }).update({ symbol: 'UBND' });
    }
    const ok = await forward(code, w.tokens.clerk);
    expect(ok.status).toBe(200);
    // The failed attempt gave its number back: this one follows the last one given, with no gap.
    const numbers = (await t.tdb.db('dossier_results').whereNotNull('number').select('number_seq')).map((r) =>
      Number(r.number_seq),
    );
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(Math.max(...numbers)).toBe(numbers.length);
  });

  it('20 concurrent numberings in one unit give 20 distinct consecutive numbers', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 20; i++) codes.push(await atNumbering());
    const before = await t.tdb.db('dossier_results').whereNotNull('number').count({ n: '*' }).first();
    const res = await Promise.all(codes.map((c) => forward(c, w.tokens.clerk)));
    expect(res.map((r) => r.status)).toEqual(codes.map(() => 200));
    const seqs = res.map((r) => Number(String(r.body.result.number).split('/')[0])).sort((a, b) => a - b);
    const start = Number(before!.n) + 1;
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => start + i));
  });

  it('numbering restarts at 01 on 1 January, local time', async () => {
    const [clerk, specialist, head, leader] = await Promise.all(
      (['clerk', 'specialist', 'head', 'leader'] as Role[]).map(staff),
    );
    // Far in the future: no earlier test numbered anything in those years.
    const walk = async (now: number) => {
      const d = await fresh();
      await uploadResult(t.ctx.db, t.ctx.config, specialist, d.code, await simplePdf(), now);
      let v = d.version + 1;
      for (const who of [specialist, head, leader]) {
        const out = await applyDossierEvent(t.ctx.db, t.ctx.config, who, d.code, { type: 'FORWARD', version: v }, now);
        v = out.row.version;
      }
      return { code: d.code, version: v };
    };
    const a = await walk(Date.parse('2031-12-31T23:50:00+07:00'));
    const b = await walk(Date.parse('2031-12-31T23:55:00+07:00'));
    const dec = await applyDossierEvent(
      t.ctx.db,
      t.ctx.config,
      clerk,
      a.code,
      { type: 'FORWARD', version: a.version },
      Date.parse('2031-12-31T23:59:00+07:00'),
    );
    // 00:01 on 1 January in Hà Nội is still 31 December in UTC: the local year counts.
    const jan = await applyDossierEvent(
      t.ctx.db,
      t.ctx.config,
      clerk,
      b.code,
      { type: 'FORWARD', version: b.version },
      Date.parse('2032-01-01T00:01:00+07:00'),
    );
    expect(dec.result!.number_year).toBe(2031);
    expect(jan.result!.number_year).toBe(2032);
    expect(jan.result!.number).toBe('01/QĐ-UBND');
  });

  // After every signing test: it ends the demo certificates for this database.
  it('a leader with no usable certificate is told so before signing, and nothing changes', async () => {
    const d = await fresh();
    expect((await putResult(d.code, w.tokens.specialist, await simplePdf())).status).toBe(200);
    expect((await forward(d.code, w.tokens.specialist)).status).toBe(200);
    expect((await forward(d.code, w.tokens.head)).status).toBe(200);
    // An admin has uploaded a real certificate for someone: demo certificates stop counting.
    await t.tdb.db('app_settings').insert({ key: FIRST_UPLOAD_SETTING, value: String(Date.now()) });
    const leader = await staff('leader');
    const page = await signInAndOpen(leader.username, d.code);
    expect(page).toContain('data-testid="signing-problem"');
    expect(page).toMatch(/chứng thư số/);
    const before = (await get(d.code)).body;
    const view = applyDossierEvent(t.ctx.db, t.ctx.config, leader, d.code, {
      type: 'FORWARD',
      version: before.version,
    });
    await expect(view).rejects.toThrow(/chứng thư số/);
    const after = (await get(d.code)).body;
    expect(after).toMatchObject({ state: 'sign', version: before.version });
    expect(after.result.signatures).toEqual([]);
    expect(after.result.sha256).toBe(before.result.sha256);
  });

  it('generates the draft from the template with the dossier data', async () => {
    const specialist = await staff('specialist');
    const d = await fresh();
    const view = await generateResult(t.ctx.db, t.ctx.config, specialist, d.code);
    expect(view.result).toMatchObject({ source: 'template', kind: 'QĐ' });
    const pdf = (await pdfOf(`/api/v1/dossiers/${d.code}/result`, w.tokens.specialist)).body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdftotext(pdf);
    expect(text).toContain('Nguyễn Văn An');
    expect(text).toContain('QUYẾT ĐỊNH');
  });
});

function pdftotext(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-txt-'));
  const file = path.join(dir, 'r.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
