/**
 * Server-rendered SVG charts for the report page: pure functions from numbers to markup.
 *
 * The CSP forbids inline style (attributes and <style>) and scripts, so everything is drawn with
 * presentation attributes. Series differ by lightness and by hatching, not by hue alone, so a
 * grayscale print stays readable; every value is printed as text; a <title>/<desc> pair and
 * role="img" give screen readers the same data.
 */

const FONT = 'Segoe UI, Roboto, Noto Sans, Arial, sans-serif';
const INK = '#1c2430';

/** Escape text for SVG/XML content and attribute values. */
export function esc(s: unknown): string {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** 1715 → "1.715" (glossary: dot for thousands). */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('vi-VN');
}

/** 0.9992 → "99,92%" (glossary: comma for decimals). */
export function fmtPercent(fraction: number): string {
  return `${(fraction * 100).toLocaleString('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}%`;
}

/** Ids inside an SVG must be unique on the page and safe in url(#…). */
function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '-') || 'chart';
}

/** Fills that stay apart in grayscale: dark solid, light solid, hatched, mid solid, dotted. */
function palette(id: string): { defs: string; fills: Array<{ fill: string; text: string }> } {
  const defs =
    `<defs>` +
    `<pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="${INK}" stroke-width="2"/></pattern>` +
    `<pattern id="${id}-dots" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#ffffff"/><circle cx="2.5" cy="2.5" r="1.2" fill="${INK}"/></pattern>` +
    `</defs>`;
  return {
    defs,
    fills: [
      { fill: '#1f3b5c', text: '#ffffff' },
      { fill: '#a9c4e2', text: INK },
      { fill: `url(#${id}-hatch)`, text: INK },
      { fill: '#5a7fa8', text: '#ffffff' },
      { fill: `url(#${id}-dots)`, text: INK },
    ],
  };
}

/** A round axis maximum and step (integers, 1-2-5 steps) for counts up to `max`. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: ticks, step: 1 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(
    1,
    [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!,
  );
  return { top: Math.ceil(max / step) * step, step };
}

function text(x: number, y: number, s: string, attrs = '', fill = INK): string {
  return `<text x="${x}" y="${y}" font-family="${FONT}" fill="${fill}"${attrs ? ' ' + attrs : ''}>${esc(s)}</text>`;
}

export interface BarSeries {
  name: string;
  values: number[];
}

export interface BarChartInput {
  /** Unique on the page; prefixes the SVG's internal ids. */
  id: string;
  title: string;
  categories: string[];
  series: BarSeries[];
  xLabel?: string;
  yLabel?: string;
}

/**
 * Grouped vertical bars: one group per category, one bar per series, the value printed on top of
 * each bar, y axis with round ticks, legend above the plot.
 */
export function barChart(input: BarChartInput): string {
  const id = safeId(input.id);
  const { defs, fills } = palette(id);
  const ns = Math.max(1, input.series.length);
  const barW = 22;
  const groupW = ns * barW + 18;
  const left = 60;
  const top = 48;
  const plotH = 200;
  const bottom = 56;
  const width = Math.max(480, left + input.categories.length * groupW + 24);
  const height = top + plotH + bottom;
  const max = Math.max(0, ...input.series.flatMap((s) => s.values));
  const { top: yTop, step } = niceScale(max);
  const y = (v: number) => top + plotH - (v / yTop) * plotH;
  const parts: string[] = [];

  for (let v = 0; v <= yTop; v += step) {
    parts.push(`<line x1="${left}" y1="${y(v)}" x2="${width - 16}" y2="${y(v)}" stroke="#c9d1db" stroke-width="1"/>`);
    parts.push(text(left - 6, y(v) + 4, fmtInt(v), 'font-size="11" text-anchor="end"'));
  }
  input.categories.forEach((cat, ci) => {
    const gx = left + ci * groupW + 9;
    input.series.forEach((s, si) => {
      const v = s.values[ci] ?? 0;
      const x = gx + si * barW;
      const h = Math.max(0, top + plotH - y(v));
      parts.push(
        `<rect x="${x}" y="${y(v)}" width="${barW - 2}" height="${h}" fill="${fills[si % fills.length].fill}" stroke="${INK}" stroke-width="0.75"><title>${esc(`${cat} · ${s.name}: ${fmtInt(v)}`)}</title></rect>`,
      );
      parts.push(text(x + (barW - 2) / 2, y(v) - 3, fmtInt(v), 'font-size="10" text-anchor="middle"'));
    });
    parts.push(text(gx + (ns * barW) / 2, top + plotH + 16, cat, 'font-size="11" text-anchor="middle"'));
  });
  parts.push(
    `<line x1="${left}" y1="${top + plotH}" x2="${width - 16}" y2="${top + plotH}" stroke="${INK}" stroke-width="1"/>`,
  );
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="${INK}" stroke-width="1"/>`);
  if (input.xLabel)
    parts.push(text(left + (width - left) / 2, height - 12, input.xLabel, 'font-size="12" text-anchor="middle"'));
  if (input.yLabel)
    parts.push(
      text(
        14,
        top + plotH / 2,
        input.yLabel,
        `font-size="12" text-anchor="middle" transform="rotate(-90 14 ${top + plotH / 2})"`,
      ),
    );
  let lx = left;
  input.series.forEach((s, si) => {
    parts.push(
      `<rect x="${lx}" y="12" width="14" height="14" fill="${fills[si % fills.length].fill}" stroke="${INK}" stroke-width="0.75"/>`,
    );
    parts.push(text(lx + 20, 24, s.name, 'font-size="12"'));
    lx += 28 + s.name.length * 7;
  });

  const desc = input.categories
    .map((c, ci) => `${c}: ${input.series.map((s) => `${s.name} ${fmtInt(s.values[ci] ?? 0)}`).join(', ')}`)
    .join('; ');
  return svg(id, width, height, input.title, desc || 'Không có số liệu.', defs + parts.join(''));
}

export interface SharePart {
  label: string;
  value: number;
}

export interface ShareInput {
  id: string;
  title: string;
  parts: SharePart[];
  /** Word after each count in the legend, e.g. "hồ sơ". */
  unit?: string;
}

/** One 100% horizontal bar split into parts, percentages inside wide parts, a legend with counts below. */
export function stackedShare(input: ShareInput): string {
  const id = safeId(input.id);
  const { defs, fills } = palette(id);
  const width = 600;
  const barX = 16;
  const barW = width - 32;
  const barY = 12;
  const barH = 40;
  const total = input.parts.reduce((a, p) => a + Math.max(0, p.value), 0);
  const height = barY + barH + 20 + input.parts.length * 22;
  const parts: string[] = [];
  const label = (p: SharePart) =>
    `${p.label}: ${fmtInt(p.value)}${input.unit ? ' ' + input.unit : ''}${total ? ` (${fmtPercent(p.value / total)})` : ''}`;

  if (total === 0) {
    parts.push(
      `<rect x="${barX}" y="${barY}" width="${barW}" height="${barH}" fill="#ffffff" stroke="${INK}" stroke-width="1"/>`,
    );
    parts.push(
      text(barX + barW / 2, barY + barH / 2 + 5, 'Không có hồ sơ trong kỳ', 'font-size="13" text-anchor="middle"'),
    );
  } else {
    let x = barX;
    input.parts.forEach((p, i) => {
      const w = (Math.max(0, p.value) / total) * barW;
      if (w <= 0) return;
      const f = fills[i % fills.length];
      parts.push(
        `<rect x="${x}" y="${barY}" width="${w}" height="${barH}" fill="${f.fill}" stroke="${INK}" stroke-width="0.75"><title>${esc(label(p))}</title></rect>`,
      );
      if (w >= 56) {
        // Hatched and dotted parts get a white label plate so the figure stays legible.
        if (f.fill.startsWith('url('))
          parts.push(`<rect x="${x + w / 2 - 26}" y="${barY + barH / 2 - 9}" width="52" height="18" fill="#ffffff"/>`);
        parts.push(
          text(
            x + w / 2,
            barY + barH / 2 + 4,
            fmtPercent(p.value / total),
            'font-size="12" text-anchor="middle" font-weight="bold"',
            f.text,
          ),
        );
      }
      x += w;
    });
  }
  input.parts.forEach((p, i) => {
    const ly = barY + barH + 16 + i * 22;
    parts.push(
      `<rect x="${barX}" y="${ly}" width="14" height="14" fill="${fills[i % fills.length].fill}" stroke="${INK}" stroke-width="0.75"/>`,
    );
    parts.push(text(barX + 22, ly + 12, label(p), 'font-size="13"'));
  });
  const desc = total ? input.parts.map(label).join('; ') : 'Không có hồ sơ trong kỳ.';
  return svg(id, width, height, input.title, desc, defs + parts.join(''));
}

function svg(id: string, width: number, height: number, title: string, desc: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `aria-labelledby="${id}-title ${id}-desc" preserveAspectRatio="xMinYMin meet">` +
    `<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(desc)}</desc>${body}</svg>`
  );
}
