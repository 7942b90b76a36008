/**
 * PAdES round trip (design.md §10): draft → leader's signature → number stamp → unit's seal, each an
 * incremental update, verified by poppler's pdfsig (an independent verifier), with and without the
 * generator's layout marks; and a changed byte makes pdfsig say the signature is not valid.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDict, PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import { createDemoCa, issueDemoCertificate, KeyMaterial, materialSigner } from '../../server/signing/certs';
import { embedFonts } from '../../server/pdf/fonts';
import { readMarks, sealAsUnit, signAsLeader, stampNumber } from '../../server/signing/pades';
import { defaultMarks, LayoutMarks, MARKS_KEY } from '../../server/pdf/marks';

const MM = 72 / 25.4;
let dir: string;
let ca: KeyMaterial;
let leader: KeyMaterial;
let unit: KeyMaterial;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-pades-'));
  ca = await createDemoCa();
  leader = await issueDemoCertificate(ca, { commonName: 'Nguyễn Văn Lãnh', organization: 'UBND xã Tân Thành' });
  unit = await issueDemoCertificate(ca, { commonName: 'UBND xã Tân Thành', organization: 'UBND xã Tân Thành' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A normalised two-page draft (classic xref), with the generator's marks or without (an uploaded PDF). */
async function draft(marks: LayoutMarks | null): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const { regular } = await embedFonts(doc, ['regular']);
  for (let i = 0; i < 2; i++) {
    const p = doc.addPage([595.28, 841.89]);
    p.drawText('ỦY BAN NHÂN DÂN XÃ TÂN THÀNH', { x: 30 * MM, y: 780, size: 12, font: regular });
    p.drawText(`Trang ${i + 1}: Quyết định tặng Giấy khen`, { x: 30 * MM, y: 600, size: 13, font: regular });
  }
  doc.setTitle('Quyết định tặng Giấy khen');
  if (marks)
    doc.context
      .lookup(doc.context.trailerInfo.Info, PDFDict)
      .set(PDFName.of(MARKS_KEY), PDFHexString.fromText(JSON.stringify(marks)));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

function pdfsig(pdf: Buffer, name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, pdf);
  // pdfsig exits non-zero when a signature is not valid: the report is what the tests read.
  const r = spawnSync('pdfsig', [file], { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

function pdftotext(pdf: Buffer, name: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

const appearance = (name: string, unitName: string) => ({
  name,
  title: 'Chủ tịch',
  unitName,
  at: new Date('2026-03-05T02:30:00Z'),
  reason: 'Ký duyệt kết quả',
  location: 'Tân Thành',
  demo: true,
});

async function roundTrip(marks: LayoutMarks | null) {
  const d = await draft(marks);
  const signed = await signAsLeader(
    d,
    materialSigner(leader, true),
    appearance('Nguyễn Văn Lãnh', 'UBND xã Tân Thành'),
  );
  const numbered = await stampNumber(signed, {
    number: '01/QĐ-UBND',
    dateLine: 'Tân Thành, ngày 05 tháng 3 năm 2026',
    qrUrl: `http://localhost:3000/xac-thuc/${'ab'.repeat(32)}`,
  });
  const sealed = await sealAsUnit(numbered, materialSigner(unit, true), {
    ...appearance('UBND xã Tân Thành', 'UBND xã Tân Thành'),
    title: null,
    reason: 'Đóng dấu',
  });
  return { d, signed, numbered, sealed };
}

describe.each([
  ['with layout marks', true],
  ['without layout marks (uploaded PDF)', false],
])('sign → number → seal, %s', (_label, withMarks) => {
  let r: Awaited<ReturnType<typeof roundTrip>>;
  const tag = withMarks ? 'marks' : 'plain';
  beforeAll(async () => {
    r = await roundTrip(withMarks ? defaultMarks(2, { width: 595.28, height: 841.89 }) : null);
  });

  it('every step appends to the bytes before it (incremental updates)', () => {
    expect(r.signed.subarray(0, r.d.length).equals(r.d)).toBe(true);
    expect(r.numbered.subarray(0, r.signed.length).equals(r.signed)).toBe(true);
    expect(r.sealed.subarray(0, r.numbered.length).equals(r.numbered)).toBe(true);
  });

  it('pdfsig: two signatures, both valid, by the leader and by the unit', () => {
    const out = pdfsig(r.sealed, `${tag}-sealed.pdf`);
    expect(out.match(/Signature #\d/g)).toEqual(['Signature #1', 'Signature #2']);
    expect(out.match(/Signature is Valid/g)).toHaveLength(2);
    expect(out).not.toMatch(/Signature is Invalid|Digest Mismatch/i);
    const [, first, second] = out.split(/Signature #\d:/);
    expect(first).toContain('Signer Certificate Common Name: Nguyễn Văn Lãnh');
    expect(first).toContain('Not total document signed');
    expect(second).toContain('Signer Certificate Common Name: UBND xã Tân Thành');
    expect(second).toContain('Total document signed');
    expect(out).toContain('ETSI.CAdES.detached');
  });

  it('the number, the date line and the signature block are text in the PDF', () => {
    const text = pdftotext(r.sealed, `${tag}-text.pdf`);
    expect(text).toContain('Số: 01/QĐ-UBND');
    expect(text).toContain('Tân Thành, ngày 05 tháng 3 năm 2026');
    expect(text).toContain('Ký bởi: Nguyễn Văn Lãnh');
    expect(text).toContain('Thời gian ký: 05/03/2026 09:30');
    expect(text).toContain('Chữ ký số thử nghiệm – không có giá trị pháp lý');
  });

  it('the fonts are embedded subsets of Tinos', () => {
    const file = path.join(dir, `${tag}-fonts.pdf`);
    fs.writeFileSync(file, r.sealed);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/^[A-Z]{6}\+Tinos-\S+\s.*\byes yes\b/);
  });
});

/** Dark pixels of a page rendered by poppler (72 dpi, grey) inside a box given in PDF points. */
function inkIn(pdf: Buffer, name: string, page: number, [x, y, w, h]: [number, number, number, number]): number {
  const file = path.join(dir, name);
  fs.writeFileSync(file, pdf);
  const out = path.join(dir, `${name}-p`);
  execFileSync('pdftoppm', [
    '-r',
    '72',
    '-gray',
    '-f',
    String(page + 1),
    '-l',
    String(page + 1),
    '-singlefile',
    file,
    out,
  ]);
  const pgm = fs.readFileSync(`${out}.pgm`);
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 50).toString('latin1'))!;
  const [width, height] = [Number(m[1]), Number(m[2])];
  const data = pgm.subarray(m[0].length);
  let dark = 0;
  for (let row = Math.floor(height - y - h); row < height - y; row++)
    for (let col = Math.floor(x); col < x + w; col++) if (data[row * width + col] < 128) dark++;
  return dark;
}

it('the stamps are drawn, not only present as text (subset fonts that viewers can render)', async () => {
  const marks = defaultMarks(2, { width: 595.28, height: 841.89 });
  const { d, sealed } = await roundTrip(marks);
  // Blank before, ink after: "Số: 01/QĐ-UBND" at 13 pt leaves a few hundred dark pixels at 72 dpi.
  expect(inkIn(d, 'ink-draft.pdf', 0, marks.number)).toBe(0);
  expect(inkIn(sealed, 'ink-sealed.pdf', 0, marks.number)).toBeGreaterThan(100);
  expect(inkIn(sealed, 'ink-sealed.pdf', 0, marks.date)).toBeGreaterThan(150);
  expect(inkIn(sealed, 'ink-sealed.pdf', 1, marks.qr)).toBeGreaterThan(500);
});

it('readMarks: the recorded marks, or the Decree 30 defaults for a PDF without them', async () => {
  const marks: LayoutMarks = { ...defaultMarks(2, { width: 595.28, height: 841.89 }), number: [90, 700, 150, 20] };
  expect((await readMarks(await draft(marks))).number).toEqual([90, 700, 150, 20]);
  expect(await readMarks(await draft(null))).toEqual(defaultMarks(2, { width: 595.28, height: 841.89 }));
});

it('one changed byte inside a signed range makes pdfsig report the signature invalid', async () => {
  const { sealed } = await roundTrip(null);
  const good = pdfsig(sealed, 'untampered.pdf');
  expect(good.match(/Signature is Valid/g)).toHaveLength(2);
  // A byte of the draft's Info dictionary: inside both signatures' ranges.
  const tampered = Buffer.from(sealed);
  const at = tampered.indexOf('/Producer');
  expect(at).toBeGreaterThan(0);
  tampered[at + 2] = tampered[at + 2] === 0x72 ? 0x52 : 0x72; // "/Producer" → "/PRoducer"
  const bad = pdfsig(tampered, 'tampered.pdf');
  expect(bad).not.toMatch(/Signature is Valid/);
  expect(bad.match(/Signature is Invalid|Digest Mismatch/gi)?.length).toBe(2);
});
