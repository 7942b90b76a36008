import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { csrfFrom, signIn, tokenFor, type TestApp } from '../helpers/app';
import { pdfText, pdfWords } from '../helpers/pdf';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bearer, buildDossierApp, definition, receive, send, World } from '../factories/dossiers';
import { buildUser, PASSWORD } from '../factories/accounts';
import { verifyChains } from '../../server/services/audit';
import { vnDate } from '../../workflows/calendar';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import fc from 'fast-check';
import { hostileString } from '../security/hostile';

/** A procedure whose result the commune's leader signs at the step "Ký quyết định". */
const withResult = definition('D.1', {
  result: { name: 'Quyết định tặng Giấy khen', kind: 'QĐ' },
  steps: [
    { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 48 },
    { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8, signs: true },
    { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4, numbers: true },
  ],
});

const DAY = 86_400_000;
/** 'dd/mm/yyyy' of today + n days, Vietnam time, as the form takes it. */
const typed = (n: number) =>
  vnDate(new Date(Date.now() + n * DAY))
    .split('-')
    .reverse()
    .join('/');
const iso = (n: number) => vnDate(new Date(Date.now() + n * DAY));

async function draftPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc
    .addPage([595.28, 841.89])
    .drawText('Du thao', { x: 100, y: 700, size: 14, font: await doc.embedFont(StandardFonts.TimesRoman) });
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** poppler's verdict on the signatures of a PDF. */
function pdfsig(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-sig-'));
  const file = path.join(dir, 'r.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdfsig', [file], { encoding: 'utf8' });
  } catch (e) {
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

describe.each(ENGINES)('absence delegation (KT./TUQ.) on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let leaderName: string;
  let leader: request.Agent;
  const deputy = { id: 0, username: '', token: '' };

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    await t.tdb.db('units').where({ id: w.commune.id }).update({ symbol: 'UBND' });
    const res = await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(withResult);
    expect(res.status).toBe(201);
    const l = await t.tdb
      .db('users as u')
      .join('user_roles as r', 'r.user_id', 'u.id')
      .where({ 'u.unit_id': w.commune.id, 'r.role': 'leader' })
      .first('u.username');
    await t.tdb.db('users').where({ username: l.username }).update({ full_name: 'Đỗ Thanh Phong' });
    leaderName = 'Đỗ Thanh Phong';
    leader = await signIn(t.app, l.username, PASSWORD);
    const u = await buildUser(t.tdb.db, { unitId: w.commune.id, roles: ['head'], fullName: 'Nguyễn Văn Bình' });
    Object.assign(deputy, { id: u.id, username: u.username, token: await tokenFor(t.app, u.username, PASSWORD) });
  });
  afterAll(() => t.close());

  /** The leader's delegation form, posted; the response. */
  const delegate = async (fields: Record<string, string | number>) => {
    const page = await leader.get('/uy-quyen');
    expect(page.status).toBe(200);
    return leader
      .post('/uy-quyen')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), kind: 'KT', reason: 'Đi công tác tại Hà Nội', ...fields });
  };
  const revokeAll = async () => {
    const page = await leader.get('/uy-quyen');
    for (const m of page.text.matchAll(/action="\/uy-quyen\/(\d+)\/thu-hoi"/g)) {
      const r = await leader
        .post(`/uy-quyen/${m[1]}/thu-hoi`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) });
      expect(r.status).toBe(303);
    }
  };
  /** A dossier with a draft, at the leader's signing step. */
  const atSigning = async (): Promise<{ code: string; version: number }> => {
    const d = await receive(t.app, w, 'D.1');
    const put = await request(t.app)
      .put(`/api/v1/dossiers/${d.code}/result`)
      .set(bearer(w.tokens.specialist))
      .set('Content-Type', 'application/pdf')
      .send(await draftPdf());
    expect(put.status).toBe(200);
    const fw = await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: put.body.version });
    expect(fw.body.state).toBe('sign');
    return { code: d.code, version: fw.body.version };
  };
  const mine = async () =>
    (await request(t.app).get('/api/v1/dossiers?mine=1&pageSize=100').set(bearer(deputy.token))).body.items.map(
      (d: { code: string }) => d.code,
    );

  it('lets the deputy sign in the period: history, page and signed PDF say "KT. Chủ tịch"', async () => {
    const d = await atSigning();
    // Before any delegation: the deputy may not sign, and the dossier is not in their work.
    const early = await send(t.app, deputy.token, d.code, { type: 'FORWARD', version: d.version });
    expect(early.status).toBe(403);
    expect(await mine()).not.toContain(d.code);

    const made = await delegate({ deputyId: deputy.id, fromDate: typed(0), toDate: typed(3) });
    expect(made.status).toBe(303);
    const list = await leader.get('/uy-quyen');
    expect(list.text).toContain('Nguyễn Văn Bình');
    expect(list.text).toContain('Đang hiệu lực');

    // The deputy's home page says so, and "my work" holds the leader's step.
    const home = await (await signIn(t.app, deputy.username, PASSWORD)).get('/');
    expect(home.text).toContain('data-testid="delegation-notice"');
    expect(home.text).toContain(`Bạn đang được ${leaderName} ủy quyền từ ${typed(0)} đến hết ${typed(3)}`);
    expect(home.text).toContain('bạn ký “KT. Chủ tịch”');
    expect(await mine()).toContain(d.code);

    const signed = await send(t.app, deputy.token, d.code, { type: 'FORWARD', version: d.version });
    expect(signed.status).toBe(200);
    expect(signed.body.state).toBe('number');
    expect(signed.body.result.signatures[0]).toMatchObject({
      role: 'leader',
      signer: 'Nguyễn Văn Bình',
      authority: 'KT. CHỦ TỊCH',
      title: 'PHÓ CHỦ TỊCH',
    });
    const row = await t.tdb
      .db('dossier_results as r')
      .join('dossiers as d', 'd.id', 'r.dossier_id')
      .where('d.code', d.code)
      .first('r.signed_on_behalf_of_user_id', 'r.signed_delegation_kind');
    expect(Number(row.signed_on_behalf_of_user_id)).toBeGreaterThan(0);
    expect(row.signed_delegation_kind).toBe('KT');

    // The signed PDF's visible block: "KT. CHỦ TỊCH" over "PHÓ CHỦ TỊCH" and the deputy's name; the signature verifies.
    const pdf = await request(t.app)
      .get(`/api/v1/dossiers/${d.code}/result`)
      .set(bearer(w.tokens.intake))
      .buffer(true)
      .parse(binary);
    const text = pdfText(pdf.body as Buffer);
    expect(text).toContain('KT. CHỦ TỊCH');
    expect(text).toContain('PHÓ CHỦ TỊCH');
    expect(text).toContain('Nguyễn Văn Bình');

    // The history (API and page) names the authority, the deputy and the leader; the chain still verifies.
    const h = await request(t.app).get(`/api/v1/dossiers/${d.code}/history`).set(bearer(w.tokens.intake));
    const fwd = h.body.items.find(
      (e: { type: string; fromState: string }) => e.type === 'FORWARD' && e.fromState === 'sign',
    );
    expect(fwd.actor.fullName).toBe('Nguyễn Văn Bình');
    expect(fwd.onBehalfOf).toEqual({
      fullName: leaderName,
      kind: 'KT',
      authority: 'KT. Chủ tịch',
      title: 'Phó Chủ tịch',
    });
    const page = await leader.get(`/ho-so/${d.code}`);
    expect(page.text).toContain('KT. Chủ tịch — Nguyễn Văn Bình (Phó Chủ tịch)');
    expect(page.text).toContain(`thay ${leaderName}`);
    expect(page.text).toContain('KT. CHỦ TỊCH — Nguyễn Văn Bình (phó chủ tịch)');
    expect(await verifyChains(t.tdb.db)).toEqual([]);
    await revokeAll();
  });

  it('on a generated draft the signed result reads "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", signature valid', async () => {
    const d = await receive(t.app, w, 'D.1');
    const spec = await buildUser(t.tdb.db, { unitId: w.commune.id, roles: ['specialist'] });
    const agent = await signIn(t.app, spec.username, PASSWORD);
    const page = await agent.get(`/ho-so/${d.code}`);
    const made = await agent
      .post(`/ho-so/${d.code}/ket-qua/tao`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(made.status).toBe(303);
    const v = (await request(t.app).get(`/api/v1/dossiers/${d.code}`).set(bearer(w.tokens.intake))).body.version;
    expect((await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: v })).status).toBe(200);
    expect((await delegate({ deputyId: deputy.id, fromDate: typed(0), toDate: typed(0) })).status).toBe(303);
    const signed = await send(t.app, deputy.token, d.code, { type: 'FORWARD', version: v + 1 });
    expect(signed.status).toBe(200);
    const pdf = (
      await request(t.app)
        .get(`/api/v1/dossiers/${d.code}/result`)
        .set(bearer(w.tokens.intake))
        .buffer(true)
        .parse(binary)
    ).body as Buffer;
    const words = pdfWords(pdf);
    const top = (text: string) => words.find((x) => x.text === text)!.yMin;
    expect(top('TM.')).toBeLessThan(top('KT.'));
    expect(top('KT.')).toBeLessThan(top('PHÓ'));
    expect(top('PHÓ')).toBeLessThan(top('Bình'));
    expect(pdfsig(pdf)).toMatch(/Signature is Valid/);
    await revokeAll();
  });

  it('refuses the deputy outside the period: before it starts, after it ends, once revoked', async () => {
    const d = await atSigning();
    // Starts tomorrow: not yet.
    expect((await delegate({ deputyId: deputy.id, fromDate: typed(1), toDate: typed(2) })).status).toBe(303);
    const before = await send(t.app, deputy.token, d.code, { type: 'FORWARD', version: d.version });
    expect(before.status).toBe(403);
    expect(before.body.error.message).toContain('người được lãnh đạo ủy quyền, trong thời gian ủy quyền');
    expect(await mine()).not.toContain(d.code);
    const list = await leader.get('/uy-quyen');
    expect(list.text).toContain('Chưa đến hạn');
    await revokeAll();

    // Ended yesterday (written as it would stand after the period; the form refuses a period already over).
    const leaderId = (await t.tdb.db('delegations').first('leader_id')).leader_id;
    await t.tdb.db('delegations').insert({
      leader_id: leaderId,
      deputy_id: deputy.id,
      unit_id: w.commune.id,
      role: 'leader',
      kind: 'TUQ',
      from_date: iso(-5),
      to_date: iso(-1),
      reason: 'Nghỉ phép',
      created_by: leaderId,
      created_at: Date.now() - 5 * DAY,
    });
    expect((await send(t.app, deputy.token, d.code, { type: 'FORWARD', version: d.version })).status).toBe(403);
    expect((await leader.get('/uy-quyen')).text).toContain('Đã hết hạn');

    // In force today, then revoked: allowed, then refused at once.
    expect((await delegate({ deputyId: deputy.id, kind: 'TUQ', fromDate: typed(0), toDate: typed(0) })).status).toBe(
      303,
    );
    expect(await mine()).toContain(d.code);
    await revokeAll();
    expect((await send(t.app, deputy.token, d.code, { type: 'FORWARD', version: d.version })).status).toBe(403);
    expect(await mine()).not.toContain(d.code);
    expect((await leader.get('/uy-quyen')).text).toContain('Đã thu hồi');
    // The leader still signs in their own right.
    const own = await send(t.app, w.tokens.leader, d.code, { type: 'FORWARD', version: d.version });
    expect(own.status).toBe(200);
    expect(own.body.result.signatures[0].authority).toBeUndefined();
  });

  it('validates the form in Vietnamese and saves nothing wrong', async () => {
    const before = await t.tdb.db('delegations').count({ n: '*' });
    const expectField = async (fields: Record<string, string | number>, message: string) => {
      const r = await delegate(fields);
      expect(r.status).toBe(422);
      expect(r.text).toContain(message);
    };
    const ok = { deputyId: deputy.id, fromDate: typed(10), toDate: typed(12) };
    await expectField({ ...ok, toDate: typed(9) }, 'Ngày kết thúc phải từ ngày bắt đầu trở đi');
    await expectField({ ...ok, fromDate: '31/02/2026' }, 'Ngày không hợp lệ');
    await expectField({ ...ok, reason: '' }, 'Nhập lý do vắng mặt');
    await expectField({ ...ok, deputyId: '' }, 'Chọn người được ủy quyền');
    await expectField({ ...ok, kind: 'XX' }, 'Chọn hình thức');
    const self = await t.tdb.db('delegations').first('leader_id');
    const leaderId = self?.leader_id ?? 0;
    await expectField({ ...ok, deputyId: leaderId }, 'Không thể ủy quyền cho chính mình');
    const stranger = await buildUser(t.tdb.db, { unitId: w.other.id, roles: ['head'] });
    await expectField({ ...ok, deputyId: stranger.id }, 'Chọn người được ủy quyền trong đơn vị của bạn');
    const locked = await buildUser(t.tdb.db, { unitId: w.commune.id, roles: ['head'] });
    await t.tdb.db('users').where({ id: locked.id }).update({ active: false });
    await expectField({ ...ok, deputyId: locked.id }, 'Tài khoản này đang bị khóa');
    expect(await t.tdb.db('delegations').count({ n: '*' })).toEqual(before);

    // Overlap with a live delegation of the same leader is refused.
    expect((await delegate(ok)).status).toBe(303);
    await expectField({ ...ok, fromDate: typed(12), toDate: typed(14) }, 'Trùng thời gian với ủy quyền khác');
    await revokeAll();
  });

  it('hostile form input never fails with a 500 and saves nothing it refuses', async () => {
    const page = await leader.get('/uy-quyen');
    const csrf = csrfFrom(page.text);
    const field = fc.oneof(hostileString, fc.constantFrom('', '31/12/9999', '01/01/0001', '2027-02-29', '-1', '1e9'));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ deputyId: field, kind: field, fromDate: field, toDate: field, deputyTitle: field, reason: field }),
        async (fields) => {
          const before = Number((await t.tdb.db('delegations').count({ n: '*' }))[0].n);
          const r = await leader
            .post('/uy-quyen')
            .type('form')
            .send({ _csrf: csrf, ...fields });
          // 413: two of the longest hostile strings together pass the 1 MB form limit, refused unread.
          expect([303, 413, 422]).toContain(r.status);
          const after = Number((await t.tdb.db('delegations').count({ n: '*' }))[0].n);
          expect(after).toBe(r.status === 303 ? before + 1 : before);
        },
      ),
      { numRuns: 40 },
    );
    for (const id of ['0', '-1', 'abc', '9'.repeat(40), '%00']) {
      const r = await leader.post(`/uy-quyen/${id}/thu-hoi`).type('form').send({ _csrf: csrf });
      expect(r.status).toBe(404);
    }
  });

  it('keeps delegations to leaders: others get 403, and only the giver or an admin revokes', async () => {
    const specialist = await buildUser(t.tdb.db, { unitId: w.commune.id, roles: ['specialist'] });
    const agent = await signIn(t.app, specialist.username, PASSWORD);
    expect((await agent.get('/uy-quyen')).status).toBe(403);
    expect((await agent.get('/quan-tri/uy-quyen')).status).toBe(403);
    expect((await delegate({ deputyId: deputy.id, fromDate: typed(20), toDate: typed(21) })).status).toBe(303);
    const id = (await t.tdb.db('delegations').max({ id: 'id' }).first())!.id as number;
    const other = await buildUser(t.tdb.db, { unitId: w.other.id, roles: ['leader'] });
    const otherLeader = await signIn(t.app, other.username, PASSWORD);
    const page = await otherLeader.get('/uy-quyen');
    expect(page.text).not.toContain('Nguyễn Văn Bình');
    const refused = await otherLeader
      .post(`/uy-quyen/${id}/thu-hoi`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(refused.status).toBe(403);
    const adminUser = await buildUser(t.tdb.db, { roles: ['admin'] });
    const admin = await signIn(t.app, adminUser.username, PASSWORD);
    const all = await admin.get('/quan-tri/uy-quyen');
    expect(all.status).toBe(200);
    expect(all.text).toContain('Nguyễn Văn Bình');
    const revoked = await admin
      .post(`/uy-quyen/${id}/thu-hoi`)
      .type('form')
      .send({ _csrf: csrfFrom(all.text), ve: 'quan-tri' });
    expect(revoked.status).toBe(303);
    expect(revoked.headers.location).toBe('/quan-tri/uy-quyen');
    expect((await admin.get('/quan-tri/uy-quyen')).text).toContain('Đã thu hồi');
  });
});
