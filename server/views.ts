import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatVnDate, formatVnDateTime, formatVnTime } from '../workflows/calendar/time';
import { ROLE_LABELS, Role } from '../workflows/labels';

/**
 * Handlebars without a framework: pages under views/pages are rendered into views/layouts/main
 * (or `layout: 'print'`, or none), partials come from views/partials. Templates are compiled once.
 */
// views/ sits at the project root: one level up from server/ (tsx), two from dist/server/ (compiled).
export const VIEWS_DIR = [path.resolve(__dirname, '..', 'views'), path.resolve(__dirname, '..', '..', 'views')].find(
  (d) => fs.existsSync(d),
) as string;

const hbs = Handlebars.create();
const cache = new Map<string, Handlebars.TemplateDelegate>();

function toDate(v: unknown): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(typeof v === 'number' ? v : String(v));
  return Number.isNaN(d.getTime()) ? null : d;
}

hbs.registerHelper({
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  not: (a: unknown) => !a,
  includes: (list: unknown, v: unknown) => Array.isArray(list) && list.includes(v),
  date: (v: unknown) => {
    const d = toDate(v);
    return d ? formatVnDate(d) : '';
  },
  time: (v: unknown) => {
    const d = toDate(v);
    return d ? formatVnTime(d) : '';
  },
  datetime: (v: unknown) => {
    const d = toDate(v);
    return d ? formatVnDateTime(d) : '';
  },
  /** 1715 → "1.715"; 99.92 → "99,92" (glossary: dot for thousands, comma for decimals). */
  number: (v: unknown, digits: unknown) => {
    if (v === null || v === undefined || v === '') return '';
    const n = Number(v);
    const d = typeof digits === 'number' ? digits : 0;
    return n.toLocaleString('vi-VN', { minimumFractionDigits: d, maximumFractionDigits: d });
  },
  roleLabel: (r: Role) => ROLE_LABELS[r] ?? r,
  json: (v: unknown) => JSON.stringify(v),
  add: (a: number, b: number) => Number(a) + Number(b),
  selected: (a: unknown, b: unknown) => (String(a) === String(b) ? 'selected' : ''),
  checked: (a: unknown) => (a ? 'checked' : ''),
});

function registerPartials(dir: string, prefix = ''): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) registerPartials(full, `${prefix}${entry.name}/`);
    else if (entry.name.endsWith('.hbs'))
      hbs.registerPartial(prefix + entry.name.slice(0, -4), fs.readFileSync(full, 'utf8'));
  }
}
registerPartials(path.join(VIEWS_DIR, 'partials'));

function template(name: string): Handlebars.TemplateDelegate {
  let t = cache.get(name);
  if (!t) {
    // Plain-text mail templates must not be HTML-escaped.
    t = hbs.compile(fs.readFileSync(path.join(VIEWS_DIR, `${name}.hbs`), 'utf8'), {
      strict: false,
      noEscape: name.endsWith('.txt'),
    });
    cache.set(name, t);
  }
  return t;
}

/** Render `pages/<name>` (or any view path) inside a layout; `layout: false` for fragments and mail. */
export function render(name: string, data: Record<string, unknown>): string {
  const body = template(name)(data);
  const layout = data.layout === undefined ? 'main' : data.layout;
  if (layout === false) return body;
  return template(`layouts/${layout}`)({ ...data, body });
}

/** express `app.engine` adapter. */
export function expressEngine(file: string, options: object, cb: (err: unknown, html?: string) => void): void {
  try {
    const rel = path
      .relative(VIEWS_DIR, file)
      .replace(/\\/g, '/')
      .replace(/\.hbs$/, '');
    cb(null, render(rel, options as Record<string, unknown>));
  } catch (err) {
    cb(err);
  }
}
