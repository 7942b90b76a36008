/**
 * Hostile input on the national catalogue import (issue 16), with the generator of hostile-input.test.ts:
 * hostile cells in CSV and XLSX files, hostile file names, confirm fields and path values. Never a 500,
 * never markup shown unescaped, and nothing imported unless a preview is confirmed.
 */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { hostileString, HOSTILE_STRINGS } from './hostile';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const HEADER = [
  'Mã thủ tục',
  'Tên thủ tục',
  'Lĩnh vực',
  'Cấp thực hiện',
  'Thời hạn giải quyết',
  'Phí, lệ phí',
  'Thành phần hồ sơ',
];
const RAW = ['<script>alert(1)', '<img src=x onerror'];

const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function xlsx(rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('TTHC');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(ENGINES)('hostile catalogue imports on %s', (engine) => {
  let t: TestApp;
  let admin: request.Agent;
  let csrf: string;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp(engine);
    await buildUser(t.tdb.db, { username: 'quantri', roles: ['admin'] });
    admin = await signIn(t.app, 'quantri', PASSWORD);
    csrf = csrfFrom((await admin.get('/quan-tri/thu-tuc/nhap')).text);
  });
  afterAll(() => t.close());

  const procedures = async () => Number((await t.tdb.db('procedure_versions').count({ n: '*' }))[0].n);
  const check = (what: string, res: request.Response, ok: number[]) => {
    if (!ok.includes(res.status)) problems.push(`${what} → ${res.status}`);
    const bad = RAW.filter((m) => (res.text ?? '').includes(m));
    if (bad.length) problems.push(`${what}: unescaped ${bad.join(', ')}`);
  };
  const upload = (buf: Buffer, filename: string) =>
    admin.post('/quan-tri/thu-tuc/nhap').set('x-csrf-token', csrf).attach('files', buf, { filename });

  it('hostile cells in CSV and XLSX: a preview or a 422, never a 500; confirming imports only valid rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(hostileString, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(';', ',', '\t', 'xlsx'),
        fc.boolean(),
        async (rows, sep, withHeader) => {
          const all = withHeader ? [HEADER, ...rows] : rows;
          let buf: Buffer;
          try {
            buf = sep === 'xlsx' ? await xlsx(all) : Buffer.from(all.map((r) => r.map(quoted).join(sep)).join('\n'));
          } catch {
            return; // a string exceljs cannot write is not an upload anyone can make
          }
          const before = await procedures();
          const res = await upload(buf, sep === 'xlsx' ? 'tep.xlsx' : 'tep.csv');
          check(`upload (${sep}, ${rows.length} rows)`, res, [200, 422]);
          if ((await procedures()) !== before) problems.push('a preview wrote procedure versions');
          const token = /name="importToken" value="([^"]+)"/.exec(res.text)?.[1];
          const fileHash = /name="fileHash" value="([^"]+)"/.exec(res.text)?.[1];
          if (!token || !fileHash) return;
          const done = await admin
            .post('/quan-tri/thu-tuc/nhap/xac-nhan')
            .type('form')
            .send({ _csrf: csrf, importToken: token, fileHash });
          check('confirm', done, [303]);
          if (done.status === 303) check('result page', await admin.get(done.headers.location), [200]);
        },
      ),
      { numRuns: RUNS },
    );
    expect(problems).toEqual([]);
  });

  it('hostile file names are shown escaped', async () => {
    const csv = Buffer.from(`${HEADER.join(';')}\nFZ.1;Tên;Hộ tịch;Cấp Xã;5 ngày;Không;Đơn\n`);
    for (const name of ['<script>alert(1)</script>.csv', '"><img src=x onerror=alert(1)>.csv', '../../etc/passwd'])
      check(`file name ${name}`, await upload(csv, name), [200]);
    expect(problems).toEqual([]);
  });

  it('hostile confirm fields and result ids: 4xx, never a 500, nothing imported', async () => {
    const before = await procedures();
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, async (importToken, fileHash) => {
        const res = await admin
          .post('/quan-tri/thu-tuc/nhap/xac-nhan')
          .type('form')
          .send({ _csrf: csrf, importToken, fileHash });
        // 413: a generated pair long enough to pass the form body limit (fast-check's long strings).
        check(`confirm ${JSON.stringify(importToken).slice(0, 40)}`, res, [400, 404, 413, 422]);
      }),
      { numRuns: RUNS },
    );
    const encoded = HOSTILE_STRINGS.flatMap((v) => {
      try {
        return [encodeURIComponent(v)];
      } catch {
        return []; // a lone surrogate: no client can send it
      }
    });
    for (const v of ['%00', '..%2F..', '-1', '0', '9'.repeat(40), '%3Cscript%3E', '__proto__', '%E0%A4%A', ...encoded])
      check(`result ${v.slice(0, 30)}`, await admin.get(`/quan-tri/thu-tuc/nhap/${v}`), [400, 404]);
    expect(problems).toEqual([]);
    expect(await procedures()).toBe(before);
  });
});
