import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { bodyBlocks, renderResultDraft, ResultDraftInput } from '../../server/pdf/result-draft';
import { readMarks, type Box } from '../../server/pdf/marks';
import { Invalid } from '../../server/errors';
import { MM, outsideMargins, pdfFonts, pdfPages, pdfText, pdfWords, PdfWord } from '../helpers/pdf';

jest.setTimeout(60_000);

const input = (over: Partial<ResultDraftInput> = {}): ResultDraftInput => ({
  agency: { parentName: 'UBND tỉnh Cà Mau', name: 'UBND xã Tân Thành', symbol: 'UBND' },
  kind: 'QĐ',
  name: 'Quyết định tặng Giấy khen',
  place: 'Tân Thành',
  template: null,
  data: {
    code: 'H12.34-261125-0001',
    applicant: { fullName: 'Nguyễn Thị Ánh Tuyết', idNumber: '096123456789', address: 'Ấp 3, xã Tân Thành' },
    procedure: { code: '1.000775', name: 'Tặng Giấy khen của Chủ tịch UBND cấp xã' },
    receivedAt: '25/11/2026',
    today: '26/11/2026',
    unitName: 'UBND xã Tân Thành',
  },
  signer: { authority: 'TM. Ủy ban nhân dân', title: 'Chủ tịch', name: 'Trần Văn Bình' },
  recipients: ['Như Điều 3', 'Lưu: VT'],
  ...over,
});

/** Text runs with their style, per poppler's pdftohtml (<b>, <i>). */
function styledRuns(pdf: Buffer): Array<{ text: string; bold: boolean; italic: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-html-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    fs.writeFileSync(file, pdf);
    const xml = execFileSync('pdftohtml', ['-xml', '-stdout', '-i', '-q', file], { encoding: 'utf8' });
    return [...xml.matchAll(/<text [^>]*>(.*?)<\/text>/g)].map((m) => ({
      text: m[1]
        .replace(/<[^>]+>/g, '')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>'),
      bold: m[1].includes('<b>'),
      italic: m[1].includes('<i>'),
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A word inside a marks box (boxes are from the bottom of the page, words from the top). */
const inBox = (w: PdfWord, [x, y, bw, bh]: Box) =>
  w.xMin >= x - 0.5 && w.xMax <= x + bw + 0.5 && w.yMin >= w.height - (y + bh) - 0.5 && w.yMax <= w.height - y + 0.5;
const overlaps = (w: PdfWord, [x, y, bw, bh]: Box) =>
  w.xMax > x && w.xMin < x + bw && w.yMax > w.height - (y + bh) && w.yMin < w.height - y;

describe('renderResultDraft', () => {
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await renderResultDraft(input());
  });

  it('is an A4 PDF with only Tinos, embedded as subsets', () => {
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfPages(pdf)).toEqual({ pages: 1, sizes: [[595.28, 841.89]] });
    const fonts = pdfFonts(pdf);
    expect(fonts.length).toBeGreaterThanOrEqual(3);
    for (const f of fonts) {
      expect(f.name).toMatch(/^[A-Z]{6}\+Tinos-(Regular|Bold|Italic|BoldItalic)$/);
      expect(f).toMatchObject({ embedded: true, subset: true });
    }
  });

  it('saves with a classic cross-reference table (no object streams), for incremental signing', () => {
    const s = pdf.toString('latin1');
    expect(s).not.toContain('/ObjStm');
    expect(s).toMatch(/\nxref\n0 \d+\n/);
    expect(s).toMatch(/trailer\s*<</);
  });

  it('reads back in Vietnamese with every diacritic: motto, agency, number, date, title, body, signature', () => {
    const text = pdfText(pdf);
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'UBND TỈNH CÀ MAU',
      'UBND XÃ TÂN THÀNH',
      'Số:',
      '/QĐ-UBND',
      'Tân Thành, ngày … tháng … năm …',
      'QUYẾT ĐỊNH',
      'Về việc tặng Giấy khen',
      'CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ TÂN THÀNH',
      'Nguyễn Thị Ánh Tuyết',
      'H12.34-261125-0001',
      'Điều 1.',
      'TM. ỦY BAN NHÂN DÂN',
      'Trần Văn Bình',
      'Nơi nhận:',
      '- Như Điều 3;',
      '- Lưu: VT.',
    ])
      expect(text).toContain(s);
  });

  it('keeps every word inside the Decree 30 margins (left 30 mm, right 15 mm, top and bottom 20 mm)', () => {
    const words = pdfWords(pdf);
    expect(words.length).toBeGreaterThan(100);
    expect(outsideMargins(words)).toEqual([]);
    // The text really uses the area: something touches the left and the right edge and the top.
    expect(Math.min(...words.map((w) => w.xMin))).toBeLessThan(30 * MM + 1);
    expect(Math.max(...words.map((w) => w.xMax))).toBeGreaterThan(595.28 - 15 * MM - 1);
    expect(Math.min(...words.map((w) => w.yMin))).toBeLessThan(20 * MM + 1);
  });

  it('sets the motto and titles bold, the date line italic, "Điều N." bold, "Nơi nhận:" bold italic', () => {
    const runs = styledRuns(pdf);
    const find = (t: string) => runs.find((r) => r.text.trim() === t);
    expect(find('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM')).toMatchObject({ bold: true });
    expect(find('Độc lập - Tự do - Hạnh phúc')).toMatchObject({ bold: true });
    expect(find('UBND XÃ TÂN THÀNH')).toMatchObject({ bold: true });
    expect(find('UBND TỈNH CÀ MAU')).toMatchObject({ bold: false });
    expect(find('Tân Thành, ngày … tháng … năm …')).toMatchObject({ italic: true, bold: false });
    expect(find('QUYẾT ĐỊNH')).toMatchObject({ bold: true });
    expect(find('Điều 1.')).toMatchObject({ bold: true });
    expect(find('Nơi nhận:')).toMatchObject({ bold: true, italic: true });
    expect(runs.find((r) => r.text.startsWith('Căn cứ Luật'))).toMatchObject({ bold: false, italic: false });
  });

  it('records where the number, date, signature, seal and QR go (Info /MotCuaLayout)', async () => {
    const marks = readMarks(await PDFDocument.load(pdf));
    expect(marks).not.toBeNull();
    const m = marks!;
    expect(m.page).toBe(0);
    expect(m.signaturePage).toBe(0);
    const words = pdfWords(pdf);
    const word = (t: string) => words.find((w) => w.text === t)!;
    // The number line ("Số:" … "/QĐ-UBND") and the date line are inside their boxes.
    expect(inBox(word('Số:'), m.number)).toBe(true);
    expect(inBox(word('/QĐ-UBND'), m.number)).toBe(true);
    for (const w of words.filter((x) => Math.abs(x.yMin - word('ngày').yMin) < 1)) {
      if (w.xMin > 595.28 / 2) expect(inBox(w, m.date)).toBe(true);
    }
    // The room to sign lies under "CHỦ TỊCH" and above the signer's name, in the right half; nothing is written in it.
    const [sx, sy, sw, sh] = m.signature;
    const title = words.filter((w) => w.text === 'TỊCH').sort((a, b) => b.yMin - a.yMin)[0];
    const name = word('Bình');
    expect(sx).toBeGreaterThanOrEqual(30 * MM + (595.28 - 45 * MM) / 2 - 1);
    expect(841.89 - sy).toBeLessThanOrEqual(name.yMin + 0.5);
    expect(841.89 - (sy + sh)).toBeGreaterThanOrEqual(title.yMax - 0.5);
    expect(sw).toBeGreaterThan(100);
    expect(sh).toBeGreaterThan(20 * MM);
    expect(words.filter((w) => overlaps(w, m.signature))).toEqual([]);
    // The QR fits at the bottom left under "Nơi nhận:", over no text, inside the margins.
    const [qx, qy, qw, qh] = m.qr;
    expect(qx).toBeCloseTo(30 * MM, 1);
    expect(qw).toBe(qh);
    expect(qy).toBeGreaterThanOrEqual(20 * MM);
    expect(words.filter((w) => overlaps(w, m.qr))).toEqual([]);
    expect(841.89 - (qy + qh)).toBeGreaterThan(word('VT.').yMax);
    // The seal overlaps the left part of the room to sign.
    const [ex, , ew] = m.seal;
    expect(ex).toBeLessThan(sx);
    expect(ex + ew).toBeGreaterThan(sx);
  });

  it('flows a long body onto numbered pages, within the margins, the signature on the last page', async () => {
    const paragraphs = Array.from(
      { length: 45 },
      (_, i) =>
        `${i % 5 === 0 ? `Điều ${i / 5 + 1}. ` : ''}Đoạn ${i + 1}: hồ sơ của bà {{applicant.fullName}} được thẩm định theo đúng quy trình, bảo đảm thời hạn giải quyết và công khai, minh bạch.`,
    );
    const long = await renderResultDraft(input({ template: `# NỘI DUNG\n\n${paragraphs.join('\n\n')}` }));
    const { pages, sizes } = pdfPages(long);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(sizes.every(([w, h]) => w === 595.28 && h === 841.89)).toBe(true);
    const words = pdfWords(long);
    expect(outsideMargins(words)).toEqual([]);
    const text = pdfText(long);
    for (let i = 1; i <= 45; i++) expect(text).toContain(`Đoạn ${i}:`);
    // Paragraphs keep their order, and later pages start with their page number at the top.
    expect(text.indexOf('Đoạn 45:')).toBeGreaterThan(text.indexOf('Đoạn 44:'));
    for (let p = 2; p <= pages; p++) {
      const first = words.filter((w) => w.page === p).sort((a, b) => a.yMin - b.yMin)[0];
      expect(first.text).toBe(String(p));
    }
    const marks = readMarks(await PDFDocument.load(long))!;
    expect(marks.signaturePage).toBe(pages - 1);
    expect(words.find((w) => w.text === 'Bình')!.page).toBe(pages);
    expect(words.find((w) => w.text === 'Số:')!.page).toBe(1);
  });

  it('fills a Handlebars template as text (no HTML escaping), with headings and articles', async () => {
    const template = [
      '# QUYẾT ĐỊNH:',
      '',
      'Điều 1. Tặng Giấy khen cho {{applicant.fullName}}, {{applicant.address}}',
      'vì đã có thành tích xuất sắc.',
      '',
      'Điều 2. Quyết định có hiệu lực từ ngày {{today}}./.',
    ].join('\n');
    const out = await renderResultDraft(
      input({
        template,
        data: { ...input().data, applicant: { fullName: 'Công ty A & B <Việt>', address: 'Ấp "Mới"' } },
      }),
    );
    const text = pdfText(out);
    expect(text).toContain('Điều 1. Tặng Giấy khen cho Công ty A & B <Việt>, Ấp "Mới" vì đã có thành tích xuất sắc.');
    expect(text).toContain('Điều 2. Quyết định có hiệu lực từ ngày 26/11/2026./.');
    expect(text).not.toContain('&amp;');
    const runs = styledRuns(out);
    expect(runs.find((r) => r.text.trim() === 'Điều 2.')).toMatchObject({ bold: true });
    // "# …" is a centred heading: its middle is the text area's middle.
    const words = pdfWords(out);
    const heading = words.filter((w) => w.text === 'ĐỊNH:');
    expect(heading).toHaveLength(1);
    const line = words.filter((w) => Math.abs(w.yMin - heading[0].yMin) < 0.5);
    const mid = (Math.min(...line.map((w) => w.xMin)) + Math.max(...line.map((w) => w.xMax))) / 2;
    expect(Math.abs(mid - (30 * MM + (595.28 - 15 * MM)) / 2)).toBeLessThan(1.5);
  });

  it('titles by kind: a licence by its name, an official letter (CV) with "V/v …" under the number', async () => {
    const licence = pdfText(await renderResultDraft(input({ kind: 'GP', name: 'Giấy phép xây dựng nhà ở riêng lẻ' })));
    expect(licence).toContain('GIẤY PHÉP XÂY DỰNG NHÀ Ở RIÊNG LẺ');
    expect(licence).toContain('/GP-UBND');
    const letter = pdfText(
      await renderResultDraft(input({ kind: 'CV', name: 'Công văn trả lời kiến nghị của công dân' })),
    );
    expect(letter).toContain('V/v trả lời kiến nghị của công dân');
    expect(letter).toContain('/CV-UBND');
    expect(letter).not.toContain('CÔNG VĂN');
  });

  it('a template that does not compile is a 422 in Vietnamese, not a crash', async () => {
    const err = await renderResultDraft(input({ template: 'Điều 1. {{#if applicant}}Không đóng khối' })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(Invalid);
    expect(err.status).toBe(422);
    expect(err.message).toMatch(/^Mẫu văn bản kết quả bị lỗi/);
  });
});

describe('bodyBlocks', () => {
  it('splits paragraphs on blank lines, and headings, articles and list items onto their own', () => {
    expect(bodyBlocks('Căn cứ A;\ntiếp theo.\n\n# QUYẾT ĐỊNH:\nĐiều 1. Một.\nĐiều 2. Hai\n- Ý a;\n- Ý b.')).toEqual([
      { kind: 'para', text: 'Căn cứ A; tiếp theo.' },
      { kind: 'heading', text: 'QUYẾT ĐỊNH:' },
      { kind: 'article', text: 'Điều 1. Một.' },
      { kind: 'article', text: 'Điều 2. Hai' },
      { kind: 'para', text: '- Ý a;' },
      { kind: 'para', text: '- Ý b.' },
    ]);
  });
});
