import type {
  Form01View,
  Form02View,
  Form03View,
  Form04View,
  Form06View,
  PrintFormView,
} from '../presenters/print.presenter';
import type { RegisterView } from '../presenters/register.presenter';
import type { PrintHeader } from '../presenters/print-format';
import { DocWriter, MM, Rich, Run } from './document';

/**
 * The printed forms (01–04, 06) and the register (07) as PDFs in the Decree 30/2020 layout, from the
 * same view models as the HTML print views (server/presenters/print.presenter.ts, register.presenter.ts).
 */

const B = (text: string): Run => ({ text, style: 'bold' });
const R = (text: string): Run => ({ text });
const I = (text: string): Run => ({ text, style: 'italic' });

function head(w: DocWriter, h: PrintHeader): void {
  w.header({
    formNo: `Mẫu số ${h.formNo}`,
    agencyTop: h.agencyTop,
    agency: h.agency,
    ref: h.ref,
    placeDate: h.placeDate,
  });
}

function titled(w: DocWriter, title: string, sub: Rich | null): void {
  w.space(4);
  w.paragraph(title, { style: 'bold', align: 'center', after: 2 });
  if (sub) w.paragraph(sub, { align: 'center', after: 10 });
  else w.space(8);
}

/** A reason quoted from the log: indented 1 cm on both sides. */
function quoted(w: DocWriter, text: string): void {
  w.paragraph(text || '…', { x: w.left + 10 * MM, width: w.width - 20 * MM, indent: 0, style: 'italic' });
}

/** Keep a time and its date on one line ("03:46 ngày 02/12/2026"). */
const nb = (s: string) => s.replace(/ /g, '\u00a0');

const dots = (v: string | null | undefined) => (v && v.trim() ? v : '…………');

function form01(w: DocWriter, v: Form01View): void {
  const d = v.d;
  const p = { size: 13, align: 'left' as const, indent: 0, after: 3 };
  titled(w, v.formTitle, null);
  w.besideQr(
    v.lookupUrl,
    24 * MM,
    [
      { rich: `Bộ phận Một cửa ${d.receivingName} đã tiếp nhận hồ sơ của:` },
      {
        rich: [
          R(`${d.addr.nameLabel}: `),
          B(d.applicant.fullName),
          ...(d.addr.isCitizen ? [] : [R(` (${d.addr.typeLabel})`)]),
        ],
      },
      {
        rich: `${d.addr.isCitizen ? 'Số CCCD/giấy tờ' : 'Mã số/giấy tờ'}: ${dots(d.applicant.idNumber)}; Điện thoại: ${dots(d.applicant.phone)}`,
      },
      { rich: `Địa chỉ: ${dots(d.applicant.address)}` },
      { rich: [R('Nội dung yêu cầu giải quyết: '), B(d.procedureName)] },
    ],
    { side: 'right', caption: 'Quét để tra cứu' },
  );
  w.paragraph('1. Thành phần hồ sơ nộp gồm:', p);
  w.table(
    [
      { title: 'STT', width: 8, align: 'center' },
      { title: 'Tên giấy tờ', width: 62 },
      { title: 'Bắt buộc', width: 15, align: 'center' },
      { title: 'Đã nhận', width: 15, align: 'center' },
    ],
    v.documents.map((x) => [String(x.n), x.name, x.required ? 'x' : '', x.received ? 'x' : '']),
    { emptyText: 'Thủ tục không quy định thành phần hồ sơ.' },
  );
  w.paragraph(`2. Số lượng hồ sơ: 01 (bộ). Hình thức nộp: ${v.channel}.${v.note ? ` Ghi chú: ${v.note}` : ''}`, p);
  w.paragraph(`3. Thời hạn giải quyết theo quy định: ${v.totalDays} ngày làm việc. Lệ phí: ${v.fee}.`, p);
  w.paragraph([R('4. Thời gian nhận hồ sơ: '), B(nb(d.receivedAt)), R('.')], p);
  w.paragraph([R('5. Ngày hẹn trả kết quả: '), B(nb(v.appointment)), R('.')], p);
  w.paragraph(`6. Nhận kết quả tại: Bộ phận Một cửa ${d.receivingName}.`, p);
  w.paragraph(`Tra cứu tình trạng hồ sơ tại ${v.lookupUrl} hoặc quét mã QR.`, { ...p, size: 12 });
  if (v.resultUrl) {
    w.space(2);
    w.besideQr(v.resultUrl, 24 * MM, [
      { rich: 'Nhận kết quả điện tử: quét mã hoặc mở liên kết (giữ bí mật)', style: 'bold', size: 12 },
      { rich: v.resultUrl, size: 11 },
      {
        rich: 'Liên kết tải bản điện tử có chữ ký số của kết quả khi hồ sơ đã có kết quả. Không chia sẻ liên kết này cho người khác.',
        style: 'italic',
        size: 11,
      },
    ]);
  }
  w.signatures(
    [
      {
        titles: ['NGƯỜI NỘP HỒ SƠ'],
        hint: '(Ký và ghi rõ họ tên)',
        name: d.addr.isCitizen ? d.applicant.fullName : null,
      },
      { titles: ['NGƯỜI TIẾP NHẬN HỒ SƠ'], hint: '(Ký và ghi rõ họ tên)', name: v.officer },
    ],
    null,
    22 * MM,
  );
}

function intro(v: Form02View | Form03View): Run[] {
  const d = v.d;
  return [
    R(`Bộ phận Một cửa ${d.receivingName} đã tiếp nhận hồ sơ mã `),
    B(d.code),
    R(` của ${d.addr.you} lúc ${nb(d.receivedAt)}, đề nghị giải quyết thủ tục: `),
    B(d.procedureName),
    R('.'),
  ];
}

function byLine(label: string, v: Form02View | Form03View): string {
  return `${label}: ${v.actor}${v.actorUnit ? ` (${v.actorUnit})` : ''}, lúc ${nb(v.at)}.`;
}

function form02(w: DocWriter, v: Form02View): void {
  const you = v.d.addr.you;
  titled(w, v.formTitle, [R('Kính gửi: '), B(v.d.addr.addressee)]);
  w.paragraph(intro(v));
  w.paragraph(`Qua xem xét, hồ sơ của ${you} cần bổ sung, hoàn thiện các nội dung sau:`);
  quoted(w, v.reason);
  w.paragraph(byLine('Người yêu cầu', v));
  if (v.repeated) w.paragraph([B(`Đây là lần yêu cầu bổ sung thứ ${v.nth} đối với hồ sơ này.`)]);
  w.paragraph(
    `Đề nghị ${you} bổ sung, hoàn thiện hồ sơ theo nội dung nêu trên và nộp tại Bộ phận Một cửa ${v.d.receivingName}. Thời gian chờ bổ sung, hoàn thiện hồ sơ không tính vào thời hạn giải quyết hồ sơ.`,
  );
  w.paragraph(
    `Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ${you} liên hệ Bộ phận Một cửa để được hướng dẫn./.`,
  );
  w.signatures([{ titles: ['NGƯỜI HƯỚNG DẪN'], hint: '(Ký và ghi rõ họ tên)', name: v.actor }]);
}

function form03(w: DocWriter, v: Form03View): void {
  titled(w, v.formTitle, [R('Kính gửi: '), B(v.d.addr.addressee)]);
  w.paragraph(intro(v));
  w.paragraph('Qua xem xét, cơ quan có thẩm quyền thông báo không tiếp nhận, giải quyết hồ sơ này với lý do:');
  quoted(w, v.reason);
  w.paragraph(byLine('Người xem xét', v));
  w.paragraph(`Xin thông báo để ${v.d.addr.you} được biết và thực hiện./.`);
  w.signatures([{ titles: ['NGƯỜI LẬP PHIẾU'], hint: '(Ký và ghi rõ họ tên)', name: v.actor }]);
}

function form04(w: DocWriter, v: Form04View): void {
  const d = v.d;
  const you = d.addr.you;
  titled(w, v.formTitle, [R('Kính gửi: '), B(d.addr.addressee)]);
  w.paragraph([
    R(`Ngày ${v.receivedDate}, Bộ phận Một cửa ${d.receivingName} tiếp nhận hồ sơ mã `),
    B(d.code),
    R(` của ${you}, đề nghị giải quyết thủ tục: `),
    B(d.procedureName),
    R('. Thời hạn trả kết quả đã hẹn là '),
    B(nb(v.previousDueAt)),
    R('.'),
  ]);
  w.paragraph(`Tuy nhiên, đến nay ${v.unitName} chưa giải quyết xong hồ sơ của ${you}, lý do:`);
  quoted(w, v.reason);
  w.paragraph([
    R(
      `Sự chậm trễ này đã gây phiền hà cho ${you}. ${v.unitName} trân trọng xin lỗi ${you} và hẹn trả kết quả giải quyết hồ sơ vào `,
    ),
    B(nb(v.newDueAt)),
    R('.'),
  ]);
  w.paragraph(`Rất mong nhận được sự thông cảm của ${you}./.`);
  w.signatures([{ titles: ['THỦ TRƯỞNG CƠ QUAN'], hint: '(Ký, ghi rõ họ tên và đóng dấu)', name: v.actor }]);
}

function form06(w: DocWriter, v: Form06View): void {
  const d = v.d;
  const p = { size: 13, align: 'left' as const, indent: 0, after: 2 };
  titled(w, v.formTitle, [R('(Kèm theo hồ sơ mã '), B(d.code), R(')')]);
  w.paragraph([R('Tên thủ tục: '), B(d.procedureName)], p);
  w.paragraph(
    `Tổ chức, cá nhân: ${d.applicant.fullName}${d.applicant.phone ? `; điện thoại: ${d.applicant.phone}` : ''}`,
    p,
  );
  w.paragraph(`Cơ quan chủ trì: ${d.competentName}`, p);
  w.paragraph(`Ngày nhận hồ sơ: ${d.receivedAt}; ngày hẹn trả: ${d.dueAt}`, { ...p, after: 8 });
  w.table(
    [
      { title: 'STT', width: 6, align: 'center' },
      { title: 'Tên cơ quan/bộ phận giao', width: 21 },
      { title: 'Tên cơ quan/bộ phận nhận', width: 19 },
      { title: 'Thời gian giao, nhận hồ sơ', width: 15, align: 'center' },
      { title: 'Kết quả giải quyết hồ sơ (trước hạn/đúng hạn/quá hạn)', width: 16, align: 'center' },
      { title: 'Ghi chú', width: 23 },
    ],
    v.rows.map((r) => [
      String(r.n),
      r.by ? [R(`${r.from}\n`), I(`Người giao: ${r.by}`)] : r.from,
      r.to,
      r.at,
      r.result,
      r.note,
    ]),
    { size: 11, headerSize: 11 },
  );
}

/** A printed form of a dossier as a PDF (A4 portrait). */
export async function renderFormPdf(v: PrintFormView): Promise<Buffer> {
  const w = await DocWriter.create({ title: `${v.formTitle} – ${v.d.code}` });
  head(w, v.header);
  switch (v.formNo) {
    case '01':
      form01(w, v);
      break;
    case '02':
      form02(w, v);
      break;
    case '03':
      form03(w, v);
      break;
    case '04':
      form04(w, v);
      break;
    case '06':
      form06(w, v);
      break;
  }
  return w.save();
}

/** The register of dossiers (form 07) as a PDF (A4 landscape). */
export async function renderRegisterPdf(v: RegisterView): Promise<Buffer> {
  const w = await DocWriter.create({ landscape: true, title: v.title });
  head(w, v.header);
  titled(w, v.formTitle, `${v.unit.name} · ${v.period.text}`);
  w.table(
    [
      { title: 'STT', width: 4, align: 'center' },
      { title: 'Mã hồ sơ', width: 15 },
      { title: 'Tên TTHC', width: 13 },
      { title: 'Số lượng hồ sơ', width: 5, align: 'center' },
      { title: 'Tên cá nhân/tổ chức', width: 10 },
      { title: 'Địa chỉ/Số điện thoại', width: 11 },
      { title: 'Cơ quan chủ trì giải quyết', width: 9 },
      { title: 'Ngày nhận', width: 8, align: 'center' },
      { title: 'Ngày hẹn trả', width: 8, align: 'center' },
      { title: 'Ngày chuyển kết quả', width: 8, align: 'center' },
      { title: 'Ngày trả kết quả', width: 8, align: 'center' },
      { title: 'Ký nhận', width: 5 },
    ],
    v.rows.map((r) => [
      String(r.n),
      r.code,
      r.procedureName,
      '1',
      r.applicant,
      r.contact,
      r.competent,
      r.received,
      r.due,
      r.resolved,
      r.completed,
      '',
    ]),
    { size: 10, headerSize: 10, emptyText: 'Không có hồ sơ nào được tiếp nhận trong kỳ.' },
  );
  if (v.capped)
    w.paragraph(`Sổ chỉ in ${v.cap} hồ sơ đầu tiên của kỳ; vui lòng chọn kỳ ngắn hơn để in đủ.`, {
      size: 12,
      style: 'italic',
      indent: 0,
    });
  return w.save();
}
