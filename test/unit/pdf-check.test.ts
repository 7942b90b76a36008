import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { inspectPdf, normalisePdf } from '../../server/pdf/check';
import { LayoutMarks, readMarks, writeMarks } from '../../server/pdf/marks';
import { renderResultDraft } from '../../server/pdf/result-draft';
import { pdfPages, pdfText } from '../helpers/pdf';

jest.setTimeout(60_000);

/** A tiny PDF assembled by hand, its cross-reference offsets computed; `trailer` adds to the trailer. */
function handMade(objects: string[], trailer = ''): Buffer {
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const PAGE_OBJECTS = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
];

/** A password-protected PDF: the standard security handler (RC4 40-bit) in the trailer's /Encrypt. */
const encrypted = () =>
  handMade(
    [...PAGE_OBJECTS, `<< /Filter /Standard /V 1 /R 2 /O <${'a1'.repeat(32)}> /U <${'b2'.repeat(32)}> /P -44 >>`],
    `/Encrypt 4 0 R /ID [<${'0f'.repeat(16)}> <${'0f'.repeat(16)}>] `,
  );

function pdfinfo(pdf: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-info-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.pdf'), pdf);
    return execFileSync('pdfinfo', [path.join(dir, 'a.pdf')], { encoding: 'utf8' });
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('inspectPdf', () => {
  let draft: Buffer;
  beforeAll(async () => {
    draft = await renderResultDraft({
      agency: { parentName: null, name: 'UBND xã Tân Thành', symbol: 'UBND' },
      kind: 'QĐ',
      name: 'Quyết định tặng Giấy khen',
      place: 'Tân Thành',
      template: null,
      data: { code: 'X-1', applicant: { fullName: 'Lê Văn Đức' }, procedure: { name: 'Tặng Giấy khen' } },
      signer: { authority: null, title: 'Chủ tịch', name: 'Trần Văn Bình' },
      recipients: ['Lưu: VT'],
    });
  });

  it('accepts a generated draft and a hand-made one-page PDF, counting pages', async () => {
    expect(await inspectPdf(draft)).toEqual({ ok: true, pages: 1 });
    expect(await inspectPdf(handMade(PAGE_OBJECTS))).toEqual({ ok: true, pages: 1 });
  });

  it('rejects what is not a PDF: text, an image, an empty file', async () => {
    for (const buf of [
      Buffer.from('Tờ trình đề nghị khen thưởng\n'),
      Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
      Buffer.alloc(0),
      Buffer.from(' %PDF-1.4 with something before it'),
    ])
      expect(await inspectPdf(buf)).toEqual({ ok: false, message: 'Tệp không phải PDF.' });
  });

  it('rejects a PDF cut short, wherever it was cut', async () => {
    for (const at of [0.3, 0.6, 0.95]) {
      const r = await inspectPdf(draft.subarray(0, Math.floor(draft.length * at)));
      expect(r.ok).toBe(false);
      expect(r).toMatchObject({ message: expect.stringMatching(/bị hỏng hoặc không đầy đủ/) });
    }
    expect((await inspectPdf(draft.subarray(0, draft.length - 7))).ok).toBe(false);
  });

  it('rejects a password-protected PDF with a message saying so', async () => {
    const enc = encrypted();
    expect(pdfinfo(enc)).toMatch(/Encrypted:\s+yes|Incorrect password/); // poppler agrees it is encrypted
    const r = await inspectPdf(enc);
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/mật khẩu hoặc bị mã hóa/) });
  });

  it('rejects a PDF with no pages, and one whose page tree is garbage', async () => {
    const empty = Buffer.from(await (await PDFDocument.create()).save({ addDefaultPage: false }));
    expect(await inspectPdf(empty)).toEqual({ ok: false, message: 'Tệp PDF không có trang nào.' });
    const garbage = handMade(['<< /Type /Catalog /Pages 2 0 R >>', '(not a page tree)']);
    expect((await inspectPdf(garbage)).ok).toBe(false);
  });
});

describe('normalisePdf', () => {
  const marks: LayoutMarks = {
    page: 0,
    number: [85, 700, 180, 16],
    date: [265, 700, 288, 17],
    signature: [319, 200, 234, 79],
    seal: [280, 190, 100, 100],
    qr: [85, 150, 62, 62],
    signaturePage: 0,
  };

  it('re-saves with a classic xref table and no object streams, keeping pages, text and the layout marks', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595.28, 841.89]).drawText('Giay khen', { x: 100, y: 700, size: 14 });
    doc.addPage([595.28, 841.89]);
    writeMarks(doc, marks);
    const packed = Buffer.from(await doc.save({ useObjectStreams: true }));
    expect(packed.toString('latin1')).toContain('/ObjStm');
    const out = await normalisePdf(packed);
    const s = out.toString('latin1');
    expect(s).not.toContain('/ObjStm');
    expect(s).toMatch(/\nxref\n0 \d+\n/);
    expect(await inspectPdf(out)).toEqual({ ok: true, pages: 2 });
    expect(pdfPages(out).sizes).toEqual([
      [595.28, 841.89],
      [595.28, 841.89],
    ]);
    expect(pdfText(out)).toContain('Giay khen');
    expect(readMarks(await PDFDocument.load(out))).toEqual(marks);
  });

  it('leaves a PDF without marks without marks', async () => {
    const out = await normalisePdf(handMade(PAGE_OBJECTS));
    expect(readMarks(await PDFDocument.load(out))).toBeNull();
    expect(await inspectPdf(out)).toEqual({ ok: true, pages: 1 });
  });
});
