/**
 * The result part (issue 14, design.md §10): what signing and numbering cost a dossier. Each
 * dossier of a four-step procedure with a result is walked through the real services; per dossier
 * the FORWARD that does no result work (review → check) is timed beside the FORWARD at the signing
 * step (the leader's PAdES signature) and at the numbering step (number, date and QR stamped as an
 * incremental update, then the unit's seal), in the same round. The rows: each transition's median,
 * sign + number per dossier (the two result transitions less two plain ones), and its share of them.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createVersion } from '../server/services/catalog.service';
import { receiveDossier } from '../server/services/intake.service';
import { uploadResult } from '../server/services/results.service';
import { applyDossierEvent } from '../server/services/transition.service';
import { parseBody } from '../server/schemas/validate';
import { intakeSchema } from '../server/schemas/dossier.schema';
import { openMysql, openSqlite } from './db';
import { log, median, now, Settings, spread } from './lib';
import type { Report } from './report';
import { buildWorld } from './world';

const PROC = {
  code: 'BENCH.KQ0001',
  name: 'Thủ tục đo hiệu năng có kết quả',
  field: 'Đo hiệu năng',
  totalDays: 10,
  fee: 0,
  documents: [{ code: 'DON', name: 'Đơn đề nghị', required: true }],
  result: { name: 'Quyết định đo hiệu năng', kind: 'QĐ' },
  steps: [
    { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 16 },
    { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8 },
    { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8, signs: true },
    { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4, numbers: true },
  ],
};

/** A two-page draft, as an upload would be (the template's draft is timed by the PDF tests). */
async function draftPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let p = 0; p < 2; p++) {
    const page = doc.addPage([595.28, 841.89]);
    for (let i = 0; i < 40; i++)
      page.drawText(`Dieu ${i + 1}. Noi dung quyet dinh.`, { x: 85, y: 780 - i * 18, size: 13, font });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

export async function resultSuite(kind: 'sqlite' | 'mysql', s: Settings, report: Report): Promise<void> {
  const db =
    kind === 'sqlite' ? await openSqlite('kq') : await openMysql(s.mysqlUrl!, 'kq', s.mysqlPool, { keep: s.keep });
  const suite = kind === 'sqlite' ? 'SQLite' : 'MySQL';
  if (!report.suites.some((x) => x.name === suite)) report.suite(suite, db.version);
  try {
    const w = await buildWorld(db);
    const k = db.knex;
    await createVersion(k, PROC, null);
    const pdf = await draftPdf();
    const input = parseBody(intakeSchema, {
      procedureCode: PROC.code,
      applicant: { fullName: 'Nguyễn Văn An', idNumber: '094123456789' },
      documents: ['DON'],
    });
    const forward = async (code: string, version: number) => {
      const t0 = now();
      const v = await applyDossierEvent(k, w.config, w.user, code, { type: 'FORWARD', version }, Date.now());
      return { ms: now() - t0, version: v.row.version };
    };
    /** One dossier: the three timed FORWARDs. */
    const walk = async () => {
      const code = await receiveDossier(k, w.config, w.user, input);
      const v0 = (await uploadResult(k, w.config, w.user, code, pdf)).row.version;
      const plain = await forward(code, v0);
      const check = await forward(code, plain.version);
      const sign = await forward(code, check.version);
      const num = await forward(code, sign.version);
      return { plain: plain.ms, sign: sign.ms, number: num.ms };
    };
    await walk(); // the first signature issues the demo certificates (key generation): not what is measured
    const per = Math.max(10, Math.round(s.seconds * 10));
    const rounds: Array<{ plain: number; sign: number; number: number; extra: number; share: number }> = [];
    for (let r = 0; r < s.rounds; r++) {
      const xs = [];
      for (let i = 0; i < per; i++) xs.push(await walk());
      const plain = median(xs.map((x) => x.plain));
      const sign = median(xs.map((x) => x.sign));
      const number = median(xs.map((x) => x.number));
      const extra = sign + number - 2 * plain;
      rounds.push({ plain, sign, number, extra, share: extra / (sign + number) });
      log(
        `${suite} result round ${r + 1}: plain ${plain.toFixed(1)} ms, sign ${sign.toFixed(1)} ms, number ${number.toFixed(1)} ms`,
      );
    }
    const row = (name: string, pick: (x: (typeof rounds)[number]) => number, target?: number) =>
      report.add({
        suite,
        name,
        conc: 1,
        unit: 'ms',
        value: spread(rounds.map(pick)),
        ...(target ? { target: { op: '<=' as const, value: target, label: `≤ ${target} ms` } } : {}),
      });
    row('result: FORWARD without result work', (x) => x.plain);
    row('result: FORWARD at the signing step (leader signs)', (x) => x.sign);
    row('result: FORWARD at the numbering step (number + seal)', (x) => x.number);
    row('result: sign + number per dossier', (x) => x.extra, 500);
    report.add({
      suite,
      name: 'result: share of sign + number in those two transitions',
      conc: 1,
      unit: '×',
      value: spread(rounds.map((x) => x.share)),
    });
  } finally {
    await db.close();
  }
}
