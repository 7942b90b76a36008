/**
 * Certificates on both engines (design.md §10): demo certificates issued on first need (one per owner
 * even when two signatures start at once), keys sealed at rest, the problems a signer is told, and the
 * admin's PKCS#12 upload (good, wrong password, expired, not a PKCS#12, too large) with nothing stored
 * on a refusal and no password or file content in the logs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import forge from 'node-forge';
import pino from 'pino';
import { PDFDocument } from 'pdf-lib';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import {
  DEMO_CA_SETTING,
  ensureDemoCa,
  FIRST_UPLOAD_SETTING,
  signerForUnit,
  signerForUser,
} from '../../server/services/certificates.service';
import { createDemoCa, issueDemoCertificate, KeyMaterial } from '../../server/signing/certs';
import { isProblem, Signer, SignerOrProblem } from '../../server/signing/signer';
import { sealAsUnit, signAsLeader, stampNumber } from '../../server/signing/pades';

const P12_PASSWORD = 'Mk-p12-rat-bi-mat-7731';

/** A PKCS#12 (3DES, as many CAs still ship) of a certificate from a throwaway CA, made with forge. */
function p12Of(m: KeyMaterial, password = P12_PASSWORD, withKey = true): Buffer {
  const key = forge.pki.privateKeyFromPem(m.key);
  const certs = m.chain.map((c) => forge.pki.certificateFromPem(c));
  const asn = withKey
    ? forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: '3des' })
    : forge.pkcs12.toPkcs12Asn1(null, certs, password, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary');
}

const signer = (s: SignerOrProblem): Signer => {
  if (isProblem(s)) throw new Error(`expected a signer, got: ${s.problem}`);
  return s;
};
const problem = (s: SignerOrProblem): string => (isProblem(s) ? s.problem : `signer ${s.identity.commonName}`);

let realCa: KeyMaterial;
let good: KeyMaterial;
let expired: KeyMaterial;
beforeAll(async () => {
  realCa = await createDemoCa();
  good = await issueDemoCertificate(realCa, { commonName: 'Trần Thị Ký', organization: 'UBND xã Một' });
  expired = await issueDemoCertificate(
    realCa,
    { commonName: 'Người Hết Hạn', organization: 'UBND xã Một' },
    new Date(Date.now() - 4 * 365 * 86_400_000),
  );
});

describe.each(ENGINES)('certificates on %s', (engine) => {
  let t: TestApp;
  let logs: string[];
  let app: ReturnType<typeof createApp>;
  let unit: { id: number; code: string };
  let leaderA: { id: number };
  let leaderB: { id: number };
  let admin: Awaited<ReturnType<typeof signIn>>;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    // The same app with a logger that keeps every line (debug level), to look for secrets in it.
    logs = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    app = createApp({ ...t.ctx, logger: pino({ level: 'trace' }, sink) });
    unit = await buildUnit(t.tdb.db, { name: 'UBND xã Một', symbol: 'UBND' });
    leaderA = await buildUser(t.tdb.db, {
      username: 'lanhdao.a',
      fullName: 'Nguyễn Văn Lãnh',
      unitId: unit.id,
      roles: ['leader'],
    });
    leaderB = await buildUser(t.tdb.db, {
      username: 'lanhdao.b',
      fullName: 'Lê Thị Đạo',
      unitId: unit.id,
      roles: ['leader'],
    });
    await buildUser(t.tdb.db, { username: 'quantri', roles: ['admin'] });
    admin = await signIn(app, 'quantri', PASSWORD);
  });
  afterAll(() => t.close());

  const certRows = () => t.tdb.db('certificates').select('*').orderBy('id');
  const userA = () => ({ id: leaderA.id, fullName: 'Nguyễn Văn Lãnh', unitName: 'UBND xã Một' });

  it('the demo CA is made once and kept sealed', async () => {
    await ensureDemoCa(t.tdb.db, t.ctx.config);
    const first = await t.tdb.db('app_settings').where({ key: DEMO_CA_SETTING }).first('value');
    await ensureDemoCa(t.tdb.db, t.ctx.config);
    const again = await t.tdb.db('app_settings').where({ key: DEMO_CA_SETTING }).first('value');
    expect(again.value).toBe(first.value);
    expect(first.value).toContain('BEGIN CERTIFICATE');
    expect(first.value).not.toContain('PRIVATE KEY');
    const keyFile = path.join(t.ctx.config.dataDir, 'signing.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('two first signatures at once: one demo certificate, both sign with it', async () => {
    const [a, b] = await Promise.all([
      signerForUser(t.tdb.db, t.ctx.config, userA()),
      signerForUser(t.tdb.db, t.ctx.config, userA()),
    ]);
    expect(signer(a).identity.serial).toBe(signer(b).identity.serial);
    expect(signer(a).identity).toMatchObject({ commonName: 'Nguyễn Văn Lãnh', demo: true });
    expect(signer(a).identity.issuer).toContain('không có giá trị pháp lý');
    const rows = await certRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: leaderA.id, current_owner: `user:${leaderA.id}` });
    expect(rows[0].subject).toContain('OU=Chứng thư số thử nghiệm – không có giá trị pháp lý');
  });

  it('inside a transaction (one connection on SQLite) a unit gets its seal certificate', async () => {
    const s = await t.tdb.db.transaction((trx) =>
      signerForUnit(trx, t.ctx.config, { id: unit.id, code: unit.code, name: 'UBND xã Một' }),
    );
    expect(signer(s).identity).toMatchObject({ commonName: 'UBND xã Một', demo: true });
  });

  it('keys are sealed at rest: no PEM, no key bytes in the row; another key cannot open them', async () => {
    const [row] = await t.tdb.db('certificates').where({ user_id: leaderA.id });
    expect(row.secret).toMatch(/^v1:/);
    expect(row.secret).not.toContain('PRIVATE KEY');
    expect(row.secret).not.toContain('MII'); // the start of any base64 DER key
    const other = { ...t.ctx.config, SIGNING_KEY: 'x'.repeat(40) };
    expect(problem(await signerForUser(t.tdb.db, other, userA()))).toContain('Không giải mã được chứng thư số');
  });

  it('signs a PDF that pdfsig verifies, with the names of the leader and the unit', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595.28, 841.89]);
    const draft = Buffer.from(await doc.save({ useObjectStreams: false }));
    const at = new Date();
    const l = signer(await signerForUser(t.tdb.db, t.ctx.config, userA()));
    const u = signer(
      await signerForUnit(t.tdb.db, t.ctx.config, { id: unit.id, code: unit.code, name: 'UBND xã Một' }),
    );
    const a = { name: 'Nguyễn Văn Lãnh', title: 'Chủ tịch', unitName: 'UBND xã Một', at, reason: 'Ký', demo: true };
    let pdf = await signAsLeader(draft, l, a);
    pdf = await stampNumber(pdf, {
      number: '01/QĐ-UBND',
      dateLine: 'Một, ngày 01 tháng 01 năm 2027',
      qrUrl: 'http://x/xac-thuc/1',
    });
    pdf = await sealAsUnit(pdf, u, { ...a, name: 'UBND xã Một', title: null });
    const file = path.join(t.ctx.config.dataDir, 'signed.pdf');
    fs.writeFileSync(file, pdf);
    const out = spawnSync('pdfsig', [file], { encoding: 'utf8' }).stdout;
    expect(out.match(/Signature is Valid/g)).toHaveLength(2);
    expect(out).toContain('Signer Certificate Common Name: Nguyễn Văn Lãnh');
    expect(out).toContain('Signer Certificate Common Name: UBND xã Một');
  });

  it('an expired or not yet valid certificate is named with its date', async () => {
    const later = new Date(Date.now() + 5 * 365 * 86_400_000);
    expect(problem(await signerForUser(t.tdb.db, t.ctx.config, userA(), later))).toMatch(
      /^Chứng thư số của ông\/bà đã hết hạn ngày \d\d\/\d\d\/\d{4}\./,
    );
    const before = new Date(Date.now() - 30 * 86_400_000);
    expect(problem(await signerForUser(t.tdb.db, t.ctx.config, userA(), before))).toMatch(/chưa có hiệu lực/);
  });

  // ---- the admin page ---------------------------------------------------------------------------

  const page = () => admin.get('/quan-tri/chung-thu-so');
  const upload = async (url: string, file: Buffer | null, password: string, name = 'chung-thu.p12') => {
    const csrf = csrfFrom((await page()).text);
    let req = admin.post(url).field('_csrf', csrf).field('password', password);
    if (file) req = req.attach('files', file, { filename: name, contentType: 'application/x-pkcs12' });
    return req;
  };
  const nothingStored = async (before: unknown[]) => {
    expect(await certRows()).toEqual(before);
    expect(await t.tdb.db('app_settings').where({ key: FIRST_UPLOAD_SETTING }).first()).toBeUndefined();
  };

  it('lists leaders and units with their certificates, demo ones marked', async () => {
    const res = await page();
    expect(res.status).toBe(200);
    expect(res.text).toContain('Nguyễn Văn Lãnh');
    expect(res.text).toContain('Lê Thị Đạo');
    expect(res.text).toContain('UBND xã Một');
    expect(res.text).toContain('<span class="badge badge-warn">Thử nghiệm</span>');
    expect(res.text).toContain('CN&#x3D;Nguyễn Văn Lãnh, O&#x3D;UBND xã Một');
    expect(res.text).toMatch(/\d\d\/\d\d\/\d{4} – \d\d\/\d\d\/\d{4}/);
    expect(res.text).toContain('href="/quan-tri/chung-thu-so"');
    const staff = await signIn(app, 'lanhdao.a', PASSWORD);
    expect((await staff.get('/quan-tri/chung-thu-so')).status).toBe(403);
  });

  it('refuses a wrong password, an expired certificate, a file without a key, a PDF and a big file; stores nothing', async () => {
    const before = await certRows();
    const url = '/quan-tri/chung-thu-so/nguoi-dung/lanhdao.b';
    const wrong = await upload(url, p12Of(good), 'sai-mat-khau');
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('Mật khẩu chứng thư số không đúng.');
    expect(wrong.text).not.toContain('sai-mat-khau');
    const old = await upload(url, p12Of(expired), P12_PASSWORD);
    expect(old.status).toBe(422);
    expect(old.text).toMatch(/Chứng thư số đã hết hạn ngày \d\d\/\d\d\/\d{4}\./);
    const keyless = await upload(url, p12Of(good, P12_PASSWORD, false), P12_PASSWORD);
    expect(keyless.status).toBe(422);
    expect(keyless.text).toContain('Tệp PKCS#12 không chứa khóa bí mật.');
    const pdf = await upload(url, Buffer.from('%PDF-1.4\n%%EOF\n'), P12_PASSWORD, 'a.pdf');
    expect(pdf.status).toBe(422);
    expect(pdf.text).toContain('Tệp không phải chứng thư số PKCS#12 (.p12/.pfx).');
    const big = await upload(url, Buffer.alloc(101 * 1024, 1), P12_PASSWORD);
    expect(big.status).toBe(413);
    expect(big.text).toContain('tối đa 100 KB');
    const none = await upload(url, null, P12_PASSWORD);
    expect(none.status).toBe(422);
    await nothingStored(before);
  });

  it('stores a good PKCS#12 sealed; demo certificates stop; the password and file never reach the logs', async () => {
    const p12 = p12Of(good);
    const res = await upload('/quan-tri/chung-thu-so/nguoi-dung/lanhdao.b', p12, P12_PASSWORD);
    expect(res.status).toBe(303);
    const row = await t.tdb
      .db('certificates')
      .where({ current_owner: `user:${leaderB.id}` })
      .first();
    expect(Boolean(row.demo)).toBe(false);
    expect(row.subject).toContain('CN=Trần Thị Ký');
    for (const secret of [P12_PASSWORD, p12.toString('base64').slice(0, 40), 'PRIVATE KEY'])
      expect(JSON.stringify(row)).not.toContain(secret);
    expect(await t.tdb.db('app_settings').where({ key: FIRST_UPLOAD_SETTING }).first()).toBeDefined();

    const b = signer(
      await signerForUser(t.tdb.db, t.ctx.config, { id: leaderB.id, fullName: 'Lê Thị Đạo', unitName: 'UBND xã Một' }),
    );
    expect(b.identity).toMatchObject({ commonName: 'Trần Thị Ký', demo: false });
    // Leader A still has only a demo certificate: no longer usable. A new leader gets none.
    expect(problem(await signerForUser(t.tdb.db, t.ctx.config, userA()))).toContain(
      'Chứng thư số thử nghiệm của ông/bà không còn được dùng',
    );
    const c = await buildUser(t.tdb.db, { username: 'lanhdao.c', unitId: unit.id, roles: ['leader'] });
    expect(
      problem(await signerForUser(t.tdb.db, t.ctx.config, { id: c.id, fullName: 'C', unitName: 'UBND xã Một' })),
    ).toBe('Ông/bà chưa có chứng thư số để ký. Đề nghị quản trị viên tải lên chứng thư số (PKCS#12).');

    // Replacing keeps the old row as history, one current.
    const again = await upload('/quan-tri/chung-thu-so/don-vi/' + encodeURIComponent(unit.code), p12, P12_PASSWORD);
    expect(again.status).toBe(303);
    const unitRows = await t.tdb.db('certificates').where({ unit_id: unit.id });
    expect(unitRows).toHaveLength(2);
    expect(unitRows.filter((r) => r.current_owner)).toHaveLength(1);

    const page2 = await page();
    expect(page2.text).not.toContain(P12_PASSWORD);
    const all = logs.join('');
    expect(all).toContain('/quan-tri/chung-thu-so'); // the requests were logged…
    expect(all).not.toContain(P12_PASSWORD); // …without the password
    expect(all).not.toContain(p12.toString('base64').slice(0, 40));
    expect(all).not.toContain('PRIVATE KEY');
  });
});

it('SIGNING_KEY replaces the key file; it must be 32+ characters', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-sk-'));
  try {
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, SIGNING_KEY: 'ngan' })).toThrow(
      /SIGNING_KEY: ít nhất 32 ký tự/,
    );
    expect(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, SIGNING_KEY: 'k'.repeat(32) }).SIGNING_KEY).toBe(
      'k'.repeat(32),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
