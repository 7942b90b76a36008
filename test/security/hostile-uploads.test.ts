/**
 * Hostile uploads on the desk's multipart forms (POST /ho-so/moi, POST /ho-so/:code/tep): too large,
 * lying about their type, and file names built to traverse paths or inject markup. The multipart body is
 * built by hand: client libraries clean file names (basename) before sending, a hostile client does not.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { PASSWORD } from '../factories/accounts';
import { buildSecWorld, driver, PROC, SecWorld, VIETNAMESE } from './fixture';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const MARKUP = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>'];

interface Part {
  name: string;
  value?: string;
  file?: { filename: string; type: string; data: Buffer };
}

/** multipart/form-data as a browser sends it (", CR, LF escaped as %22, %0D, %0A; everything else raw UTF-8). */
function multipart(parts: Part[]): { body: Buffer; type: string } {
  const boundary = `----motcua${Math.random().toString(16).slice(2)}`;
  const esc = (s: string) => s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = p.file
      ? `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${esc(p.file.filename)}"\r\nContent-Type: ${p.file.type}\r\n\r\n`
      : `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n`;
    chunks.push(
      Buffer.from(head, 'utf8'),
      p.file ? p.file.data : Buffer.from(p.value ?? '', 'utf8'),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

/** Every file under dir, relative. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe.each(ENGINES)('hostile uploads on %s', (engine) => {
  let t: TestApp;
  let w: SecWorld;
  let agent: Awaited<ReturnType<typeof signIn>>;
  let tried = 0;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildSecWorld(t.app, t.tdb.db);
    agent = await signIn(t.app, w.by('intake', 'own').username, PASSWORD);
  });
  afterAll(() => t.close());

  const dossiers = async () => Number((await t.tdb.db('dossiers').count({ n: '*' }))[0].n);
  async function intake(files: Part['file'][], fields: Record<string, string> = {}) {
    const page = await agent.get(`/ho-so/moi?thu-tuc=${PROC}`);
    const { body, type } = multipart([
      { name: 'procedureCode', value: PROC },
      { name: 'fullName', value: fields.fullName ?? 'Nguyễn Thị Hoa' },
      { name: 'documents', value: 'TO_TRINH' },
      { name: 'documents', value: 'BAO_CAO' },
      ...files.map((file) => ({ name: 'files', file })),
    ]);
    tried++;
    return agent.post(`/ho-so/moi`).set('x-csrf-token', csrfFrom(page.text)).set('Content-Type', type).send(body);
  }

  it('a file over 10 MB → 413 page in Vietnamese, nothing received, nothing stored', async () => {
    const before = await dossiers();
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 1 - PDF.length, 0x20)]);
    const res = await intake([{ filename: 'ho-so-lon.pdf', type: 'application/pdf', data: big }]);
    expect(res.status).toBe(413);
    expect(res.type).toMatch(/html/);
    expect(res.text).toMatch(VIETNAMESE);
    expect(await dossiers()).toBe(before);
    expect(tree(path.join(t.ctx.config.dataDir, 'files'))).toEqual([]);
  });

  it.each([
    [
      'a .png whose bytes are not PNG',
      { filename: 'anh.png', type: 'image/png', data: Buffer.from('GIF89a not a png at all') },
    ],
    [
      'a .pdf whose bytes are not PDF',
      {
        filename: 'to-trinh.pdf',
        type: 'application/pdf',
        data: Buffer.from('<html><script>alert(1)</script></html>'),
      },
    ],
    ['a .jpg holding a PNG', { filename: 'anh.jpg', type: 'image/jpeg', data: PNG }],
    ['a .pdf name declared as image/png', { filename: 'to-trinh.pdf', type: 'image/png', data: PDF }],
    [
      'an .exe renamed .pdf',
      { filename: 'setup.pdf', type: 'application/pdf', data: Buffer.from('MZ\x90\x00\x03\x00\x00\x00') },
    ],
    ['an empty .pdf', { filename: 'rong.pdf', type: 'application/pdf', data: Buffer.alloc(0) }],
    [
      'a .docx that is not a ZIP (Office Open XML)',
      {
        filename: 'don.docx',
        type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        data: Buffer.from('<html><script>alert(1)</script></html>'),
      },
    ],
    [
      'a .doc that is not an OLE document',
      { filename: 'don.doc', type: 'application/msword', data: Buffer.from('MZ\x90\x00 not a word file') },
    ],
  ])('wrong type by content: %s → 422, nothing received', async (_what, file) => {
    const before = await dossiers();
    const res = await intake([file]);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/không (đúng loại|khớp)|rỗng/);
    expect(await dossiers()).toBe(before);
  });

  const NAMES = [
    '../../../../../../tmp/motcua-evil.pdf',
    '..\\..\\..\\..\\motcua-evil.pdf',
    '/etc/passwd.pdf',
    '<script>alert(1)</script>.pdf',
    '"><img src=x onerror=alert(1)>.pdf',
    `${'a'.repeat(300)}.pdf`,
    `${'x'.repeat(254)}😀.pdf`,
    'Tờ trình số 1 — bản chính 📄.pdf',
    '\u202efdp.exe.pdf',
    'dòng1\r\nContent-Type: text/html\r\n.pdf',
    '%2e%2e%2fmotcua-evil.pdf',
    'con.PDF',
    '{{constructor}}.pdf',
  ];

  it('hostile file names are stored by content only, shown escaped, downloaded with a safe header', async () => {
    const problems: string[] = [];
    const dataDir = t.ctx.config.dataDir;
    const accepted: string[] = [];
    for (const filename of NAMES) {
      const res = await intake([
        { filename, type: 'application/pdf', data: Buffer.concat([PDF, Buffer.from(filename)]) },
      ]);
      if (res.status >= 500 || ![303, 422].includes(res.status)) {
        problems.push(`${JSON.stringify(filename)} → ${res.status}`);
        continue;
      }
      for (const m of MARKUP)
        if (res.text.includes(m))
          problems.push(`${JSON.stringify(filename)}: raw markup in the ${res.status} response`);
      if (res.status !== 303) continue;
      accepted.push(filename);
      const code = decodeURIComponent(res.headers.location.split('/')[2]);
      const page = await agent.get(`/ho-so/${encodeURIComponent(code)}`);
      for (const m of MARKUP)
        if (page.text.includes(m)) problems.push(`${JSON.stringify(filename)}: raw markup on the dossier page`);
      const stored = (await t.tdb
        .db('attachments as a')
        .join('dossiers as d', 'd.id', 'a.dossier_id')
        .where('d.code', code)
        .first('a.id', 'a.filename')) as { id: number; filename: string };
      if (filename.startsWith('Tờ trình') && stored.filename !== filename)
        problems.push(`unicode name stored as ${JSON.stringify(stored.filename)}`);
      const file = await agent.get(`/ho-so/${encodeURIComponent(code)}/tep/${stored.id}`).buffer(true);
      if (file.status !== 200) problems.push(`${JSON.stringify(filename)}: download → ${file.status}`);
      else {
        const cd = String(file.headers['content-disposition']);
        if (!/^attachment;/.test(cd) || /[\r\n"<>]/.test(cd))
          problems.push(`${JSON.stringify(filename)}: unsafe Content-Disposition ${cd}`);
        if (file.headers['x-content-type-options'] !== 'nosniff')
          problems.push(`${JSON.stringify(filename)}: download without nosniff`);
      }
    }
    const outside = tree(dataDir).filter(
      (f) => !/^files\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f) && !/^mail\//.test(f),
    );
    if (outside.length) problems.push(`unexpected files in DATA_DIR: ${outside.join(', ')}`);
    for (const p of [
      '/tmp/motcua-evil.pdf',
      path.resolve(dataDir, '..', 'motcua-evil.pdf'),
      path.resolve(dataDir, 'files', '..', 'motcua-evil.pdf'),
    ])
      if (fs.existsSync(p)) problems.push(`path traversal: ${p} exists`);
    expect(problems).toEqual([]);
    expect(accepted.length).toBeGreaterThanOrEqual(NAMES.length - 2); // the checks above ran on stored files
  });

  it('attaching to a dossier: CSRF-less → 403; another commune → 404; nothing stored either way', async () => {
    const d = await driver(t.app, w).dossier();
    const { body, type } = multipart([
      {
        name: 'files',
        file: { filename: 'bo-sung.pdf', type: 'application/pdf', data: Buffer.concat([PDF, Buffer.from('bo sung')]) },
      },
    ]);
    const count = async () => Number((await t.tdb.db('attachments').count({ n: '*' }))[0].n);
    const before = await count();
    const blobs = tree(t.ctx.config.dataDir).length;
    expect((await agent.post(`/ho-so/${d.code}/tep`).set('Content-Type', type).send(body)).status).toBe(403);
    const outsider = await signIn(t.app, w.by('intake', 'other').username, PASSWORD);
    const page = await outsider.get('/');
    const res = await outsider
      .post(`/ho-so/${d.code}/tep`)
      .set('x-csrf-token', csrfFrom(page.text))
      .set('Content-Type', type)
      .send(body);
    expect(res.status).toBe(404);
    expect(await count()).toBe(before);
    expect(tree(t.ctx.config.dataDir).length).toBe(blobs);
    const own = await agent.get(`/ho-so/${d.code}`);
    const ok = await agent
      .post(`/ho-so/${d.code}/tep`)
      .set('x-csrf-token', csrfFrom(own.text))
      .set('Content-Type', type)
      .send(body);
    expect(ok.status).toBe(303);
    expect(await count()).toBe(before + 1);
    expect((await request(t.app).get(`/ho-so/${d.code}/tep/1`)).status).toBe(303); // anonymous download → sign in
  });

  it('dispatch drafts (POST /cong-van/moi): hostile file names are escaped on the dispatch page and stored by content', async () => {
    const drafter = await signIn(t.app, w.by('specialist', 'parent').username, PASSWORD);
    const form = await drafter.get('/cong-van/moi');
    expect(form.status).toBe(200);
    const names = [
      '<script>alert(1)</script>.pdf',
      '../../../../../../tmp/motcua-evil-cv.pdf',
      '"><img src=x onerror=alert(1)>.pdf',
    ];
    const { body, type } = multipart([
      { name: 'title', value: 'Xin ý kiến dự thảo' },
      { name: 'summary', value: 'Đề nghị góp ý' },
      { name: 'dueDate', value: driver(t.app, w).dayAfter(10) },
      { name: 'recipients', value: w.units.A.code },
      ...names.map((filename, i) => ({
        name: 'files',
        file: { filename, type: 'application/pdf', data: Buffer.concat([PDF, Buffer.from(`cv${i}`)]) },
      })),
    ]);
    const res = await drafter
      .post(`/cong-van/moi`)
      .set('x-csrf-token', csrfFrom(form.text))
      .set('Content-Type', type)
      .send(body);
    expect(res.status).toBe(303);
    const page = await drafter.get(res.headers.location);
    expect(page.status).toBe(200);
    for (const m of MARKUP) expect(page.text).not.toContain(m);
    expect(page.text).toContain('&lt;img src'); // shown, escaped
    const link = /href="(\/cong-van\/\d+\/tep\/\d+)"/.exec(page.text);
    expect(link).not.toBeNull();
    const file = await drafter.get(link![1]);
    expect(file.status).toBe(200);
    expect(String(file.headers['content-disposition'])).not.toMatch(/[\r\n"<>]/);
    expect(fs.existsSync('/tmp/motcua-evil-cv.pdf')).toBe(false);
    expect(
      tree(t.ctx.config.dataDir).filter(
        (f) => !/^files\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f) && !/^mail\//.test(f),
      ),
    ).toEqual([]);
    // a commune that is not a recipient, and a recipient before the dispatch is issued, cannot download it
    const stranger = await signIn(t.app, w.by('specialist', 'other').username, PASSWORD);
    expect((await stranger.get(link![1])).status).toBe(404);
    const recipient = await signIn(t.app, w.by('specialist', 'own').username, PASSWORD);
    expect((await recipient.get(link![1])).status).toBe(404);
  });

  afterAll(() =>
    console.log(`hostile uploads (${engine}): ${tried} multipart intakes, ${NAMES.length} hostile file names`),
  );
});
