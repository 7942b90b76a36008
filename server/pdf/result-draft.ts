import Handlebars from 'handlebars';
import { Invalid } from '../errors';
import { DocWriter, Run } from './document';
import type { LayoutMarks } from './marks';

/** What a draft result needs: the issuing agency, the document's kind and name, its body and signer. */
export interface ResultDraftInput {
  agency: { parentName: string | null; name: string; symbol: string }; // symbol e.g. 'UBND'
  /** Decree 30 abbreviation: 'QĐ', 'GP', 'GCN', 'CV', 'TB', … */
  kind: string;
  /** The result's name, e.g. 'Quyết định tặng Giấy khen'. */
  name: string;
  /** The place name of the date line, e.g. 'Tân Thành'. */
  place: string;
  /** The procedure's Handlebars body template; null → a default per kind. */
  template: string | null;
  /** Dossier data for the template (code, applicant, procedure, receivedAt, today, unitName, …). */
  data: Record<string, unknown>;
  signer: { authority: string | null; title: string; name: string | null };
  /** "Nơi nhận". */
  recipients: string[];
}

/** Names of the document kinds of Decree 30/2020 (Appendix III), by abbreviation. */
export const KIND_NAMES: Record<string, string> = {
  NQ: 'Nghị quyết',
  QĐ: 'Quyết định',
  CT: 'Chỉ thị',
  QC: 'Quy chế',
  QYĐ: 'Quy định',
  TC: 'Thông cáo',
  TB: 'Thông báo',
  HD: 'Hướng dẫn',
  CTr: 'Chương trình',
  KH: 'Kế hoạch',
  PA: 'Phương án',
  ĐA: 'Đề án',
  DA: 'Dự án',
  BC: 'Báo cáo',
  BB: 'Biên bản',
  TTr: 'Tờ trình',
  HĐ: 'Hợp đồng',
  CV: 'Công văn',
  CĐ: 'Công điện',
  BGN: 'Bản ghi nhớ',
  BTT: 'Bản thỏa thuận',
  GUQ: 'Giấy ủy quyền',
  GM: 'Giấy mời',
  GGT: 'Giấy giới thiệu',
  GNP: 'Giấy nghỉ phép',
  PG: 'Phiếu gửi',
  PC: 'Phiếu chuyển',
  PB: 'Phiếu báo',
  GP: 'Giấy phép',
  GCN: 'Giấy chứng nhận',
  GXN: 'Giấy xác nhận',
};

/** Kinds titled by the kind's name with the subject under it ("QUYẾT ĐỊNH" / "Về việc …"). */
const SUBJECT_KINDS = new Set([
  'NQ',
  'QĐ',
  'CT',
  'QC',
  'QYĐ',
  'TC',
  'TB',
  'HD',
  'CTr',
  'KH',
  'PA',
  'ĐA',
  'DA',
  'BC',
  'TTr',
]);

const upper = (s: string) => s.toLocaleUpperCase('vi-VN');
const lowerFirst = (s: string) => (s ? s.charAt(0).toLocaleLowerCase('vi-VN') + s.slice(1) : s);
const upperFirst = (s: string) => (s ? s.charAt(0).toLocaleUpperCase('vi-VN') + s.slice(1) : s);
/** "UBND xã Tân Thành" → "Ủy ban nhân dân xã Tân Thành" (titles are written out in full). */
export const fullAgencyName = (s: string) => s.replace(/^UBND\b/u, 'Ủy ban nhân dân');

/** The name without the kind's own word: ('Quyết định tặng Giấy khen', 'QĐ') → 'tặng Giấy khen'. */
function afterKind(name: string, kind: string): string {
  const k = KIND_NAMES[kind];
  const n = name.trim();
  if (k && n.toLocaleLowerCase('vi-VN').startsWith(k.toLocaleLowerCase('vi-VN') + ' '))
    return n.slice(k.length + 1).trim();
  return lowerFirst(n);
}

/** The subject line (trích yếu): "Về việc tặng Giấy khen". */
function subjectOf(name: string, kind: string): string {
  const rest = afterKind(name, kind);
  return /^về\s/iu.test(rest) ? upperFirst(rest) : `Về việc ${rest}`;
}

// A Handlebars of its own (not the views'): no HTML escaping, the body is text.
const hbs = Handlebars.create();
hbs.registerHelper('upper', (s: unknown) => upper(String(s ?? '')));
hbs.registerHelper('lower', (s: unknown) => String(s ?? '').toLocaleLowerCase('vi-VN'));
hbs.registerHelper('lowerFirst', (s: unknown) => lowerFirst(String(s ?? '')));
// "theo thủ tục {{procedureTitle procedure.name}}": catalogue names start with "Thủ tục …" already.
hbs.registerHelper('procedureTitle', (s: unknown) => lowerFirst(String(s ?? '').replace(/^thủ tục\s+/i, '')));
hbs.registerHelper('fullName', (s: unknown) => fullAgencyName(String(s ?? '')));

const compiled = new Map<string, HandlebarsTemplateDelegate>();

const DECISION = `# {{upper signer.title}} {{upper (fullName agency.name)}}

Căn cứ Luật Tổ chức chính quyền địa phương;

Căn cứ hồ sơ mã số {{code}} của {{applicant.fullName}}{{#if applicant.address}}, địa chỉ: {{applicant.address}}{{/if}}, tiếp nhận ngày {{receivedAt}}, đề nghị giải quyết thủ tục {{procedureTitle procedure.name}};

Theo đề nghị của bộ phận chuyên môn đã thẩm định hồ sơ.

# QUYẾT ĐỊNH:

Điều 1. Giải quyết đề nghị của {{applicant.fullName}}{{#if applicant.idNumber}} (số định danh cá nhân {{applicant.idNumber}}){{/if}} theo thủ tục {{procedureTitle procedure.name}}.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký.

Điều 3. Các cơ quan, đơn vị có liên quan và {{applicant.fullName}} chịu trách nhiệm thi hành Quyết định này./.`;

const CERTIFICATE = `# {{upper (fullName agency.name)}}

Căn cứ hồ sơ mã số {{code}} tiếp nhận ngày {{receivedAt}}, đề nghị giải quyết thủ tục {{procedureTitle procedure.name}};

Xét hồ sơ đã được thẩm định đủ điều kiện theo quy định,

# CẤP CHO:

Ông/Bà/Tổ chức: {{applicant.fullName}}{{#if applicant.idNumber}}; số định danh/giấy tờ: {{applicant.idNumber}}{{/if}}{{#if applicant.address}}; địa chỉ: {{applicant.address}}{{/if}}.

Nội dung: {{result.name}} theo thủ tục {{procedureTitle procedure.name}}.

Văn bản này có giá trị kể từ ngày ký./.`;

const LETTER = `Kính gửi: {{applicant.fullName}}.

{{fullName agency.name}} đã nhận hồ sơ mã số {{code}} ngày {{receivedAt}} đề nghị giải quyết thủ tục {{procedureTitle procedure.name}}.

Sau khi xem xét hồ sơ theo quy định, {{fullName agency.name}} thông báo kết quả giải quyết như sau: …

Trân trọng./.`;

function defaultTemplate(kind: string): string {
  if (kind === 'QĐ' || kind === 'NQ') return DECISION;
  if (kind === 'CV' || SUBJECT_KINDS.has(kind)) return LETTER;
  return CERTIFICATE;
}

/** Fill a body template with the dossier's data; a template that does not compile or run → 422. */
export function fillTemplate(template: string, context: Record<string, unknown>): string {
  try {
    let fn = compiled.get(template);
    if (!fn) {
      fn = hbs.compile(template, { noEscape: true, strict: false });
      if (compiled.size > 200) compiled.clear();
      compiled.set(template, fn);
    }
    return fn(context);
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new Invalid(`Mẫu văn bản kết quả bị lỗi, không tạo được dự thảo: ${why}`);
  }
}

export type BodyBlock = { kind: 'heading' | 'article' | 'para'; text: string };

/**
 * Template text to blocks: a blank line ends a paragraph; a line "# …" is a centred bold heading;
 * a line starting "Điều N." (an article) or "- " (a list item) starts its own paragraph; other lines
 * continue the paragraph they are in.
 */
export function bodyBlocks(text: string): BodyBlock[] {
  const out: BodyBlock[] = [];
  let cur: BodyBlock | null = null;
  for (const raw of text.normalize('NFC').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) {
      cur = null;
      continue;
    }
    if (line.startsWith('# ')) {
      out.push({ kind: 'heading', text: line.slice(2).trim() });
      cur = null;
    } else if (/^Điều\s+\d+[a-zđ]?\./u.test(line)) {
      cur = { kind: 'article', text: line };
      out.push(cur);
    } else if (!cur || /^[-+•]\s/.test(line)) {
      cur = { kind: 'para', text: line };
      out.push(cur);
    } else cur.text += ` ${line}`;
  }
  return out;
}

/**
 * Lay out a draft result (Decree 30/2020): agency block and "Số:   /KIND-SYMBOL" (number blank),
 * motto and "Place, ngày … tháng … năm …", the kind's name and subject, the body from the template,
 * the signature block and "Nơi nhận:". The boxes for the number, date, signature, seal and QR go into
 * the PDF's Info dictionary (server/pdf/marks.ts) for the signing steps.
 */
export async function renderResultDraft(input: ResultDraftInput): Promise<Buffer> {
  const kind = input.kind.trim();
  const context = {
    result: { name: input.name, kind },
    agency: input.agency,
    signer: input.signer,
    place: input.place,
    ...input.data,
  };
  const text = fillTemplate(input.template ?? defaultTemplate(kind), context);
  const blocks = bodyBlocks(text);

  const w = await DocWriter.create({ title: input.name });
  const isLetter = kind === 'CV';
  const head = w.header({
    agencyTop: input.agency.parentName ? upper(input.agency.parentName) : null,
    agency: upper(input.agency.name),
    number: { suffix: `/${kind}-${input.agency.symbol}` },
    about: isLetter ? `V/v ${afterKind(input.name, kind)}` : null,
    placeDate: `${input.place}, ngày … tháng … năm …`,
  });
  if (!isLetter) {
    if (SUBJECT_KINDS.has(kind)) w.title([{ text: upper(KIND_NAMES[kind]) }, { text: subjectOf(input.name, kind) }]);
    else w.title([{ text: upper(input.name) }]);
  } else w.space(6);

  for (const b of blocks) {
    if (b.kind === 'heading') {
      w.ensure(14 * 1.2 * 3);
      w.paragraph(b.text, { style: 'bold', align: 'center', before: 4, after: 6 });
    } else if (b.kind === 'article') {
      const m = /^(Điều\s+\d+[a-zđ]?\.)\s*(.*)$/u.exec(b.text)!;
      const runs: Run[] = [{ text: m[1], style: 'bold' }, { text: m[2] ? ` ${m[2]}` : '' }];
      w.paragraph(runs);
    } else w.paragraph(b.text);
  }

  const sign = w.signatures(
    [
      {
        titles: [input.signer.authority, input.signer.title].filter((t): t is string => !!t).map(upper),
        name: input.signer.name,
      },
    ],
    input.recipients,
  );
  const marks: LayoutMarks = {
    page: 0,
    number: head.number!,
    date: head.date,
    signature: sign.boxes[0],
    seal: sign.seal,
    qr: sign.qr,
    signaturePage: sign.page,
    title: sign.titles[0],
  };
  return w.save(marks);
}
