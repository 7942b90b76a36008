import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Poppler's view of a PDF (pdffonts, pdfinfo, pdftotext), for tests that check what a reader or a
 * printer gets: the fonts embedded, the page size, the text and where every word sits.
 */

function withFile<T>(pdf: Buffer, fn: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-pdf-'));
  const file = path.join(dir, 'doc.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
}

/** The fonts `pdffonts` lists. */
export function pdfFonts(pdf: Buffer): PdfFont[] {
  const out = withFile(pdf, (f) => run('pdffonts', [f]));
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      // name type… encoding emb sub uni objectID gen: the flags are the 5th–3rd columns from the end.
      const cols = l.trim().split(/\s+/);
      const n = cols.length;
      return {
        name: cols[0],
        type: cols.slice(1, n - 6).join(' '),
        embedded: cols[n - 5] === 'yes',
        subset: cols[n - 4] === 'yes',
      };
    });
}

/** Page count and the size of every page, per `pdfinfo`. */
export function pdfPages(pdf: Buffer): { pages: number; sizes: Array<[number, number]> } {
  const first = withFile(pdf, (f) => run('pdfinfo', [f]));
  const pages = Number(/^Pages:\s+(\d+)/m.exec(first)![1]);
  const all = withFile(pdf, (f) => run('pdfinfo', ['-f', '1', '-l', String(pages), f]));
  const sizes = [...all.matchAll(/^Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+)/gm)].map(
    (m) => [Number(m[1]), Number(m[2])] as [number, number],
  );
  return { pages, sizes };
}

/** The text `pdftotext` extracts, whitespace collapsed to single spaces. */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (f) => run('pdftotext', ['-enc', 'UTF-8', f, '-']))
    .replace(/\s+/g, ' ')
    .trim();
}

export interface PdfWord {
  page: number;
  width: number;
  height: number;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  text: string;
}

/** Every word with its box (points, y from the top of the page), per `pdftotext -bbox`. */
export function pdfWords(pdf: Buffer): PdfWord[] {
  const html = withFile(pdf, (f) => run('pdftotext', ['-bbox', '-enc', 'UTF-8', f, '-']));
  const words: PdfWord[] = [];
  let page = 0;
  let width = 0;
  let height = 0;
  const re =
    /<page width="([\d.]+)" height="([\d.]+)">|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
  for (const m of html.matchAll(re)) {
    if (m[1]) {
      page++;
      width = Number(m[1]);
      height = Number(m[2]);
    } else
      words.push({
        page,
        width,
        height,
        xMin: Number(m[3]),
        yMin: Number(m[4]),
        xMax: Number(m[5]),
        yMax: Number(m[6]),
        text: m[7],
      });
  }
  return words;
}

export const MM = 72 / 25.4;

/** Words outside the Decree 30/2020 text area (left 30 mm, right 15 mm, top and bottom 20 mm), 1 pt of slack. */
export function outsideMargins(words: PdfWord[]): PdfWord[] {
  return words.filter(
    (w) =>
      w.xMin < 30 * MM - 1 || w.xMax > w.width - 15 * MM + 1 || w.yMin < 20 * MM - 1 || w.yMax > w.height - 20 * MM + 1,
  );
}
