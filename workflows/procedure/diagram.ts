/**
 * A server-rendered SVG of the dossier machine a definition compiles to (design.md §3), for the
 * admin's catalog pages: steps top to bottom with FORWARD arrows, dashed RETURN arcs on the left,
 * and on the right the states every step can lead to (supplement wait, refusal, withdrawal).
 * Pure string building; every text is XML-escaped. Colours are SVG presentation attributes, not
 * `style=` (the CSP forbids inline styles).
 */
import { ROLE_LABELS } from '../labels';
import { STATUS_TEXT } from '../status';
import { UNIT_COMPETENT, UNIT_PARENT, type ProcedureDefinition, type ProcedureStep } from './definition.schema';

const PAD = 16;
const LEFT = 84; // room for the RETURN arcs and their labels
const BOX_W = 330;
const GAP = 40; // between boxes of the main column: the FORWARD arrow
const BUS_X = LEFT + BOX_W + 40;
const SIDE_X = BUS_X + 130;
const SIDE_W = 210;
const SIDE_H = 44;
const WIDTH = SIDE_X + SIDE_W + PAD;
const NAME_CHARS = 40; // ~7.5 px per character at 14 px, inside BOX_W
const LINE = 17;

const INK = '#1c2430';
const MUTED = '#5b6675';
const COLORS = {
  step: { fill: '#e8f1fb', stroke: '#0b5cad' },
  ok: { fill: '#e8f5ec', stroke: '#17733a' },
  wait: { fill: '#fff4e0', stroke: '#a15c00' },
  end: { fill: '#eceff3', stroke: '#5b6675' },
};

/** Escape text for XML content and attribute values; drop characters XML 1.0 cannot carry. */
export function escapeXml(s: string): string {
  return (
    s
      // XML 1.0 forbids these control characters in text: drop them.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** Word-wrap into at most `maxLines` lines of `width` characters, with "…" when cut. */
function wrap(text: string, width: number, maxLines: number): string[] {
  const words = text.trim().split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (Array.from(next).length <= width || !cur) cur = next;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur) lines.push(cur);
  const out = lines.slice(0, maxLines).map((l) =>
    Array.from(l).length > width
      ? Array.from(l)
          .slice(0, width - 1)
          .join('') + '…'
      : l,
  );
  if (lines.length > maxLines) {
    const last = Array.from(out[maxLines - 1]);
    out[maxLines - 1] = last.slice(0, Math.min(last.length, width - 1)).join('') + '…';
  }
  return out;
}

/** "48 giờ", "0,5 giờ": decimal comma as people write it. */
function hoursText(h: number): string {
  return `${String(Math.round(h * 100) / 100).replace('.', ',')} giờ`;
}

/** A note for steps not handled by the competent unit itself, or null. */
export function unitNote(step: ProcedureStep): string | null {
  if (!step.unit || step.unit === UNIT_COMPETENT) return null;
  if (step.unit === UNIT_PARENT) return 'Đơn vị cấp trên (liên thông)';
  return `Đơn vị: ${step.unit}`;
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x}" y="${y}"${attrs ? ' ' + attrs : ''}>${escapeXml(s)}</text>`;
}

function box(x: number, y: number, w: number, h: number, c: { fill: string; stroke: string }, final = false): string {
  const outer = `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"/>`;
  // A final state gets a double border, as in state-chart notation.
  return final
    ? outer +
        `<rect x="${x + 3}" y="${y + 3}" width="${w - 6}" height="${h - 6}" rx="6" fill="none" stroke="${c.stroke}"/>`
    : outer;
}

/** A node with one centred label (reserved states). */
function labelled(
  x: number,
  y: number,
  w: number,
  h: number,
  label: string,
  c: { fill: string; stroke: string },
  state: string,
  final = false,
): string {
  return (
    `<g class="node node-state" data-state="${state}">` +
    box(x, y, w, h, c, final) +
    text(x + w / 2, y + h / 2 + 5, label, `text-anchor="middle" font-weight="600" fill="${INK}"`) +
    '</g>'
  );
}

function edge(d: string, event: string, marker: string, dashed = false): string {
  return `<path class="edge" data-event="${event}" d="${d}" fill="none" stroke="${MUTED}" stroke-width="1.5"${dashed ? ' stroke-dasharray="6 4"' : ''} marker-end="url(#${marker})"/>`;
}

interface Placed {
  step: ProcedureStep;
  y: number;
  h: number;
  name: string[];
}

/**
 * The machine of a definition as an accessible SVG image (`role="img"`, `<title>`, `<desc>`).
 * @param def a definition that passed validateDefinition
 */
export function procedureDiagramSvg(def: ProcedureDefinition): string {
  const id = 'qt-' + def.code.replace(/[^A-Za-z0-9_-]/g, '_');
  const marker = `${id}-arrow`;
  const parts: string[] = [];

  // Main column: intake, steps, result ready, returned.
  const startY = PAD;
  const startH = 34;
  let y = startY + startH + GAP;
  const placed: Placed[] = def.steps.map((step, i) => {
    const name = wrap(`${i + 1}. ${step.name}`, NAME_CHARS, 2);
    const h = 16 + (name.length + 1 + (unitNote(step) ? 1 : 0)) * LINE;
    const p = { step, y, h, name };
    y += h + GAP;
    return p;
  });
  const readyY = y;
  const returnedY = readyY + SIDE_H + GAP;
  const mainBottom = returnedY + SIDE_H;
  const cx = LEFT + BOX_W / 2;

  parts.push(
    `<g class="node node-start"><rect x="${cx - 90}" y="${startY}" width="180" height="${startH}" rx="17" fill="#a4161a"/>` +
      text(cx, startY + 22, 'Tiếp nhận hồ sơ', 'text-anchor="middle" font-weight="600" fill="#ffffff"') +
      '</g>',
    edge(`M ${cx} ${startY + startH} V ${placed[0].y - 2}`, 'INTAKE', marker),
  );

  placed.forEach((p, i) => {
    const tx = LEFT + 12;
    let ly = p.y + 8 + LINE - 3;
    const lines = p.name.map((l) => {
      const t = text(tx, ly, l, `font-weight="600" fill="${INK}"`);
      ly += LINE;
      return t;
    });
    // design.md §10: the step where the leader signs the result, and where the clerk numbers and seals it.
    const resultMark = p.step.signs ? ' · ký số kết quả' : p.step.numbers ? ' · vào số, đóng dấu số' : '';
    const meta = text(
      tx,
      ly,
      `${ROLE_LABELS[p.step.role] ?? p.step.role} · ${hoursText(p.step.hours)}${resultMark}`,
      `font-size="12" fill="${MUTED}"`,
    );
    const note = unitNote(p.step);
    const unit = note ? text(tx, ly + LINE, note, `font-size="12" font-style="italic" fill="#a15c00"`) : '';
    parts.push(
      `<g class="node node-step" data-state="${escapeXml(p.step.code)}"><title>${escapeXml(p.step.name)}</title>` +
        box(LEFT, p.y, BOX_W, p.h, COLORS.step) +
        lines.join('') +
        meta +
        unit +
        '</g>',
    );
    const nextTop = placed[i + 1]?.y ?? readyY;
    parts.push(edge(`M ${cx} ${p.y + p.h} V ${nextTop - 2}`, 'FORWARD', marker));
    if (i > 0) {
      const prev = placed[i - 1];
      const y1 = p.y + p.h * 0.35;
      const y0 = prev.y + prev.h * 0.65;
      parts.push(
        edge(`M ${LEFT} ${y1} C ${LEFT - 56} ${y1}, ${LEFT - 56} ${y0}, ${LEFT - 2} ${y0}`, 'RETURN', marker, true),
      );
      parts.push(text(LEFT - 46, (y0 + y1) / 2 + 4, 'Trả lại', `text-anchor="end" font-size="11" fill="${MUTED}"`));
    }
  });

  parts.push(
    labelled(LEFT, readyY, BOX_W, SIDE_H, STATUS_TEXT.result_ready, COLORS.ok, 'result_ready'),
    edge(`M ${cx} ${readyY + SIDE_H} V ${returnedY - 2}`, 'RETURN_RESULT', marker),
    text(cx + 8, readyY + SIDE_H + GAP / 2 + 4, 'Trả kết quả', `font-size="11" fill="${MUTED}"`),
    labelled(LEFT, returnedY, BOX_W, SIDE_H, STATUS_TEXT.returned, COLORS.ok, 'returned', true),
  );

  // Right column: what any step can lead to, joined by one vertical bus.
  const firstMid = placed[0].y + placed[0].h / 2;
  const sides = [
    {
      state: 'waiting_supplement',
      label: STATUS_TEXT.waiting_supplement,
      c: COLORS.wait,
      final: false,
      event: 'REQUEST_SUPPLEMENT',
      verb: 'Yêu cầu bổ sung',
    },
    { state: 'refused', label: STATUS_TEXT.refused, c: COLORS.end, final: true, event: 'REFUSE', verb: 'Từ chối' },
    {
      state: 'withdrawn',
      label: STATUS_TEXT.withdrawn,
      c: COLORS.end,
      final: true,
      event: 'WITHDRAW',
      verb: 'Rút hồ sơ',
    },
  ].map((s, i) => ({ ...s, y: firstMid - SIDE_H / 2 + i * (SIDE_H + 36) }));
  const lastSideMid = sides[2].y + SIDE_H / 2;
  const lastStepMid = placed[placed.length - 1].y + placed[placed.length - 1].h / 2;
  parts.push(
    `<path class="bus" d="M ${BUS_X} ${firstMid - 8} V ${Math.max(lastStepMid, lastSideMid)}" fill="none" stroke="${MUTED}" stroke-width="1.5"/>`,
  );
  for (const p of placed) {
    const m = p.y + p.h / 2;
    parts.push(
      `<path d="M ${LEFT + BOX_W} ${m} H ${BUS_X}" fill="none" stroke="${MUTED}" stroke-width="1.5"/><circle cx="${BUS_X}" cy="${m}" r="3" fill="${MUTED}"/>`,
    );
  }
  for (const s of sides) {
    const m = s.y + SIDE_H / 2;
    const ay = s.state === 'waiting_supplement' ? m - 8 : m;
    parts.push(
      edge(`M ${BUS_X} ${ay} H ${SIDE_X - 2}`, s.event, marker),
      text(BUS_X + 8, ay - 5, s.verb, `font-size="11" fill="${MUTED}"`),
    );
    if (s.state === 'waiting_supplement') {
      // The supplement returns to the very step that asked for it.
      parts.push(
        edge(`M ${SIDE_X} ${m + 8} H ${BUS_X + 2}`, 'SUPPLEMENT_RECEIVED', marker, true),
        text(BUS_X + 14, m + 21, 'Đã nhận bổ sung', `font-size="11" fill="${MUTED}"`),
      );
    }
    parts.push(labelled(SIDE_X, s.y, SIDE_W, SIDE_H, s.label, s.c, s.state, s.final));
  }
  const notes = [
    'Từ bất kỳ bước nào: yêu cầu bổ sung,',
    'từ chối hoặc rút hồ sơ. Hồ sơ bổ sung',
    'trở lại đúng bước đã yêu cầu. Rút hồ sơ',
    'được cả khi chờ bổ sung, chờ trả kết quả.',
  ];
  const noteY = sides[2].y + SIDE_H + 22;
  notes.forEach((n, i) => parts.push(text(BUS_X + 12, noteY + i * 15, n, `font-size="11" fill="${MUTED}"`)));
  const height = Math.max(mainBottom, noteY + notes.length * 15) + PAD;

  const sequence = def.steps
    .map((s, i) => `${i + 1}. ${s.name} (${ROLE_LABELS[s.role] ?? s.role}, ${hoursText(s.hours)})`)
    .join('; ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="procedure-diagram" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
    `width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif" font-size="14">` +
    `<title id="${id}-title">${escapeXml(`Sơ đồ quy trình: ${def.name}`)}</title>` +
    `<desc id="${id}-desc">${escapeXml(`Tiếp nhận hồ sơ; ${sequence}; ${STATUS_TEXT.result_ready}; ${STATUS_TEXT.returned}.`)}</desc>` +
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">` +
    `<path d="M 0 0 L 10 5 L 0 10 z" fill="${MUTED}"/></marker></defs>` +
    parts.join('') +
    '</svg>'
  );
}
