import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { Invalid, NotFound } from '../errors';
import { parseFields } from '../schemas/validate';
import { createVersion, getVersion } from '../services/catalog.service';
import { findVersion, listLatest, listVersions } from '../queries/procedures.queries';
import { findUnitByCode } from '../queries/units.queries';
import { flash } from '../middleware/locals';
import { formatVnDateTime } from '../../workflows/calendar';
import { ROLE_LABELS, STEP_ROLES } from '../../workflows/labels';
import {
  HOURS_PER_DAY,
  UNIT_COMPETENT,
  UNIT_PARENT,
  validateDefinition,
  type DefinitionError,
  type ProcedureDefinition,
} from '../../workflows/procedure';
import { procedureDiagramSvg, unitNote } from '../../workflows/procedure/diagram';

const PAGE_SIZE = 50;
const ROLE_HELP = STEP_ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }));
const listSchema = z.object({
  q: z.string().trim().max(100, 'Từ khóa dài quá 100 ký tự').optional().catch(undefined),
  trang: z.coerce.number().int().min(1).catch(1).default(1),
});
const versionSchema = z.object({ version: z.coerce.number().int().min(1, 'Phiên bản từ 1 trở lên').optional() });
const editorSchema = z.object({ definition: z.string().max(1_000_000, 'Định nghĩa dài quá 1 MB').default('') });

/** What a new procedure starts from: the design's example shape, with blanks to fill in. */
const TEMPLATE = {
  code: '',
  name: '',
  field: '',
  totalDays: 10,
  fee: 0,
  documents: [{ code: 'DON_DE_NGHI', name: 'Đơn đề nghị', required: true }],
  steps: [
    { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 48 },
    { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8 },
    { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8 },
    { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4 },
  ],
};

const pretty = (v: unknown) => JSON.stringify(v, null, 2);
/** 0.5 → "0,5": decimal comma (glossary). */
const vn = (n: number) => String(n).replace('.', ',');
const lineOf = (src: string, offset: number) => src.slice(0, offset).split('\n').length;

const SYNTAX_HINTS: Array<[RegExp, string]> = [
  [/double-quoted property name/, 'cần tên thuộc tính trong dấu nháy kép (có thể thừa dấu phẩy trước đó)'],
  [/Expected ',' or '}'/, 'thiếu dấu phẩy hoặc dấu đóng }'],
  [/Expected ',' or ']'/, 'thiếu dấu phẩy hoặc dấu đóng ]'],
  [/end of JSON input/, 'nội dung kết thúc đột ngột (thiếu dấu đóng } hoặc ] hay dấu nháy)'],
  [/non-whitespace character after JSON/, 'có ký tự thừa sau khi kết thúc JSON'],
  [/control character/, 'có ký tự điều khiển (xuống dòng, tab) trong chuỗi'],
];

/** JSON.parse with a Vietnamese message naming line, column and position of a syntax error. */
function parseJson(
  src: string,
): { ok: true; value: unknown } | { ok: false; error: string; line: number; excerpt: string } {
  if (!src.trim()) return { ok: false, error: 'Chưa nhập định nghĩa thủ tục (JSON).', line: 1, excerpt: '' };
  try {
    return { ok: true, value: JSON.parse(src) };
  } catch (err) {
    const msg = (err as Error).message;
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : src.length;
    const line = lineOf(src, pos);
    const column = pos - (src.lastIndexOf('\n', pos - 1) + 1) + 1;
    const text = src.split('\n')[line - 1] ?? '';
    const hint = SYNTAX_HINTS.find(([re]) => re.test(msg))?.[1] ?? 'gặp ký tự không mong đợi';
    return {
      ok: false,
      error: `JSON không đúng cú pháp ở dòng ${line}, cột ${column} (vị trí ${pos}): ${hint}.`,
      line,
      excerpt: `${text}\n${' '.repeat(Math.max(0, column - 1))}^`,
    };
  }
}

/** Where each path (`steps.1.code`) starts in well-formed JSON text: its key, or its array element. */
function jsonLocations(src: string): Map<string, number> {
  const at = new Map<string, number>();
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const str = (): string => {
    const start = i++;
    while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(src.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    if (!at.has(path)) at.set(path, i);
    const c = src[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      for (let n = 0; i < src.length && src[i] !== close; n++) {
        ws();
        let key = String(n);
        if (c === '{') {
          const keyAt = i;
          key = str();
          ws();
          i++; // ':'
          at.set(path ? `${path}.${key}` : key, keyAt);
        }
        value(path ? `${path}.${key}` : key);
        ws();
        if (src[i] === ',') i++;
      }
      i++;
    } else if (c === '"') str();
    else while (i < src.length && !/[\s,\]}]/.test(src[i])) i++;
  };
  value('');
  return at;
}

/** Errors beside the numbered lines of the input: each error at the line its path (or nearest parent) starts. */
function annotate(src: string, errors: DefinitionError[]) {
  const at = jsonLocations(src);
  const located = errors.map((e) => {
    let p = e.path;
    while (p && !at.has(p)) p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
    return { ...e, line: lineOf(src, at.get(p) ?? 0) };
  });
  const lines = src.split('\n').map((text, i) => ({ n: i + 1, text, errors: located.filter((e) => e.line === i + 1) }));
  return { errors: located, lines };
}

/** Stored definitions as rows for the pages. */
function details(def: ProcedureDefinition) {
  const hours = def.steps.reduce((s, x) => s + x.hours, 0);
  return {
    def,
    days: vn(def.totalDays),
    totalHours: vn(hours),
    maxHours: vn(def.totalDays * HOURS_PER_DAY),
    steps: def.steps.map((s, i) => ({
      ...s,
      n: i + 1,
      hours: vn(s.hours),
      roleName: ROLE_LABELS[s.role],
      unitNote: unitNote(s),
    })),
  };
}

function invalidErrors(err: unknown): DefinitionError[] | null {
  if (!(err instanceof Invalid)) return null;
  const d = (err.details ?? {}) as { errors?: DefinitionError[]; fields?: Record<string, string> };
  if (d.errors?.length) return d.errors;
  const fields = Object.entries(d.fields ?? {}).map(([path, message]) => ({ path: path === '_' ? '' : path, message }));
  return fields.length ? fields : [{ path: '', message: err.message }];
}

/** Admin pages of the procedure catalog: list, one version with its diagram, the JSON editor. */
export function catalogPages(ctx: AppContext) {
  const editorPage = (
    res: Response,
    data: { definition: string; heading: string; code?: string } & Record<string, unknown>,
    status = 200,
  ) => res.status(status).render('pages/admin/procedure-editor', { title: data.heading, roles: ROLE_HELP, ...data });

  /** The heading says which procedure the text will become a version of. */
  const headingFor = async (value: unknown) => {
    const code = (value as { code?: unknown } | null)?.code;
    const existing = typeof code === 'string' && code ? await findVersion(ctx.db, code) : null;
    return existing
      ? { heading: `Sửa thủ tục ${existing.code}`, code: existing.code, nextVersion: existing.version + 1 }
      : { heading: 'Thêm thủ tục', nextVersion: 1 };
  };

  /** Unit codes named by steps must exist (the service checks again on save). */
  const unknownUnits = async (def: ProcedureDefinition): Promise<DefinitionError[]> => {
    const out: DefinitionError[] = [];
    for (const [i, s] of def.steps.entries()) {
      if (s.unit !== UNIT_COMPETENT && s.unit !== UNIT_PARENT && !(await findUnitByCode(ctx.db, s.unit))) {
        out.push({ path: `steps.${i}.unit`, message: `Bước "${s.code}" giao cho đơn vị "${s.unit}" không tồn tại` });
      }
    }
    return out;
  };

  return {
    async list(req: Request, res: Response) {
      const { q, trang } = parseFields(listSchema, req.query);
      const { items, total } = await listLatest(ctx.db, {
        offset: (trang - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
        q: q || undefined,
      });
      const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const qs = (p: number) => `?${q ? `q=${encodeURIComponent(q)}&` : ''}trang=${p}`;
      res.render('pages/admin/procedures', {
        title: 'Danh mục thủ tục',
        q,
        total,
        procedures: items.map((v) => ({
          ...v.definition,
          code: v.code,
          version: v.version,
          days: vn(v.definition.totalDays),
          stepCount: v.definition.steps.length,
        })),
        prev: trang > 1 ? qs(trang - 1) : null,
        next: trang < pages ? qs(trang + 1) : null,
        page: trang,
        pages,
      });
    },
    async show(req: Request, res: Response) {
      const { version } = parseFields(versionSchema, req.query);
      const v = await getVersion(ctx.db, String(req.params.code), version);
      const versions = await listVersions(ctx.db, v.code);
      const latest = versions[versions.length - 1]?.version ?? v.version;
      res.render('pages/admin/procedure', {
        title: `Thủ tục ${v.code}`,
        code: v.code,
        version: v.version,
        latest,
        isLatest: v.version === latest,
        createdAt: formatVnDateTime(new Date(v.createdAt)),
        ...details(v.definition),
        diagram: procedureDiagramSvg(v.definition),
        versions: versions
          .map((x) => ({ ...x, createdAt: formatVnDateTime(new Date(x.createdAt)), current: x.version === v.version }))
          .reverse(),
      });
    },
    async editor(req: Request, res: Response) {
      if (req.params.code === undefined)
        return editorPage(res, { heading: 'Thêm thủ tục', definition: pretty(TEMPLATE), nextVersion: 1 });
      const v = await findVersion(ctx.db, String(req.params.code));
      if (!v) throw new NotFound(`Không tìm thấy thủ tục ${String(req.params.code)}.`);
      editorPage(res, {
        heading: `Sửa thủ tục ${v.code}`,
        code: v.code,
        nextVersion: v.version + 1,
        definition: pretty(v.definition),
      });
    },
    async preview(req: Request, res: Response) {
      const { definition } = parseFields(editorSchema, req.body);
      const parsed = parseJson(definition);
      if (!parsed.ok) return editorPage(res, { heading: 'Thêm hoặc sửa thủ tục', definition, syntax: parsed }, 422);
      const head = await headingFor(parsed.value);
      const result = validateDefinition(parsed.value);
      const errors = result.ok ? await unknownUnits(result.definition) : result.errors;
      if (!result.ok || errors.length)
        return editorPage(res, { ...head, definition, ...annotate(definition, errors) }, 422);
      editorPage(res, {
        ...head,
        definition,
        preview: { ...details(result.definition), diagram: procedureDiagramSvg(result.definition) },
      });
    },
    async save(req: Request, res: Response) {
      const { definition } = parseFields(editorSchema, req.body);
      const parsed = parseJson(definition);
      if (!parsed.ok) return editorPage(res, { heading: 'Thêm hoặc sửa thủ tục', definition, syntax: parsed }, 422);
      try {
        const created = await createVersion(ctx.db, parsed.value, req.user!.id);
        flash(req, 'success', `Đã lưu phiên bản ${created.version} của thủ tục ${created.code}`);
        res.redirect(303, `/quan-tri/thu-tuc/${encodeURIComponent(created.code)}`);
      } catch (err) {
        const errors = invalidErrors(err);
        if (!errors) throw err;
        editorPage(res, { ...(await headingFor(parsed.value)), definition, ...annotate(definition, errors) }, 422);
      }
    },
  };
}
