/**
 * Signing micro-benchmark (design.md §10): median time of the leader's signature, the number stamp
 * and the unit's seal on a two-page normalised draft, each step on the previous step's output.
 *
 *   npx tsx bench/signing.ts            30 iterations (BENCH_SIGNING_ITERATIONS to change)
 *
 * Standalone: no database. `signingBench()` returns the numbers for a harness.
 */
import { PDFDocument } from 'pdf-lib';
import { createDemoCa, issueDemoCertificate, materialSigner } from '../server/signing/certs';
import { embedFonts } from '../server/pdf/fonts';
import { Appearance, sealAsUnit, signAsLeader, stampNumber } from '../server/signing/pades';

const MM = 72 / 25.4;

async function draft(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const { regular, bold } = await embedFonts(doc, ['regular', 'bold']);
  for (let i = 0; i < 2; i++) {
    const p = doc.addPage([595.28, 841.89]);
    p.drawText('ỦY BAN NHÂN DÂN XÃ TÂN THÀNH', { x: 30 * MM, y: 790, size: 13, font: bold });
    for (let line = 0; line < 30; line++)
      p.drawText(`Điều ${line + 1}. Tặng Giấy khen cho ông Nguyễn Văn Ấn, đã có thành tích xuất sắc.`, {
        x: 30 * MM,
        y: 700 - line * 18,
        size: 13,
        font: regular,
      });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export interface SigningBench {
  iterations: number;
  signMs: number;
  numberMs: number;
  sealMs: number;
  totalMs: number;
  bytes: number;
}

export async function signingBench(iterations = 30): Promise<SigningBench> {
  const ca = await createDemoCa();
  const leader = materialSigner(
    await issueDemoCertificate(ca, { commonName: 'Nguyễn Văn Lãnh', organization: 'UBND xã Tân Thành' }),
    true,
  );
  const unit = materialSigner(
    await issueDemoCertificate(ca, { commonName: 'UBND xã Tân Thành', organization: 'UBND xã Tân Thành' }),
    true,
  );
  const pdf = await draft();
  const a: Appearance = {
    name: 'Nguyễn Văn Lãnh',
    title: 'Chủ tịch',
    unitName: 'UBND xã Tân Thành',
    at: new Date(),
    reason: 'Ký duyệt kết quả',
    demo: true,
  };
  const times = { sign: [] as number[], number: [] as number[], seal: [] as number[] };
  let bytes = 0;
  // Two warm-up rounds (fonts parsed, code compiled), then the measured ones.
  for (let i = -2; i < iterations; i++) {
    let t = performance.now();
    const signed = await signAsLeader(pdf, leader, a);
    const t1 = performance.now() - t;
    t = performance.now();
    const numbered = await stampNumber(signed, {
      number: `${String(i + 3).padStart(2, '0')}/QĐ-UBND`,
      dateLine: 'Tân Thành, ngày 05 tháng 3 năm 2026',
      qrUrl: `http://localhost:3000/xac-thuc/${'ab'.repeat(32)}`,
    });
    const t2 = performance.now() - t;
    t = performance.now();
    const sealed = await sealAsUnit(numbered, unit, {
      ...a,
      name: 'UBND xã Tân Thành',
      title: null,
      reason: 'Đóng dấu',
    });
    const t3 = performance.now() - t;
    if (i < 0) continue;
    times.sign.push(t1);
    times.number.push(t2);
    times.seal.push(t3);
    bytes = sealed.length;
  }
  const signMs = median(times.sign);
  const numberMs = median(times.number);
  const sealMs = median(times.seal);
  const totals = times.sign.map((s, i) => s + times.number[i] + times.seal[i]);
  return { iterations, signMs, numberMs, sealMs, totalMs: median(totals), bytes };
}

if (require.main === module) {
  const n = Number(process.env.BENCH_SIGNING_ITERATIONS ?? 30);
  signingBench(n).then(
    (r) => {
      const f = (x: number) => x.toFixed(1).padStart(7);
      process.stdout.write(
        `signing, ${r.iterations} iterations, 2-page draft (median ms)\n` +
          `  signAsLeader ${f(r.signMs)}\n  stampNumber  ${f(r.numberMs)}\n  sealAsUnit   ${f(r.sealMs)}\n` +
          `  all three    ${f(r.totalMs)}\n  result size  ${String(r.bytes).padStart(7)} bytes\n`,
      );
    },
    (err) => {
      process.stderr.write(`${err?.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
