/// <reference lib="dom" />
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { BROWSER_TEST_MS, hasBrowser, launch } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { mainPages, Server, Sessions } from './main-pages';

const maybe = hasBrowser ? describe : describe.skip;
jest.setTimeout(BROWSER_TEST_MS * 2);

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The pages axe checks (issue 13): sign-in, the desk's day, the lookup, reports, dispatches, a print view. */
const CHECKED = [
  'dang-nhap',
  'trang-chu',
  'danh-sach-ho-so',
  'ho-so',
  'tiep-nhan',
  'tra-cuu',
  'tra-cuu-ma',
  'bao-cao',
  'cong-van',
  'cong-van-trang',
  'in-01',
  'quan-tri-nguoi-dung',
  'quan-tri-khoa-nguoi-dung',
];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/** WCAG 2.1 AA contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const x = Number(v) / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

maybe('accessibility of the main pages (axe-core)', () => {
  let browser: Browser;
  let srv: Server;

  beforeAll(async () => {
    srv = await startServer();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it.each([1366, 390])('has no serious or critical violation on any main page at %i px', async (width) => {
    const pages = (await mainPages(srv)).filter((p) => CHECKED.includes(p.name));
    expect(pages).toHaveLength(CHECKED.length);
    const sessions = new Sessions(browser, srv, { viewport: { width, height: 900 } });
    const report: string[] = [];
    try {
      for (const p of pages) {
        const page = await sessions.open(p);
        await page.evaluate(AXE); // through the debugger: the page's CSP does not apply
        const violations = (await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<unknown> } }).axe;
          const result = (await axe.run(document, { resultTypes: ['violations'] })) as { violations: unknown[] };
          return result.violations;
        })) as Violation[];
        for (const v of violations.filter((x) => x.impact === 'serious' || x.impact === 'critical'))
          report.push(
            `${p.name} (${p.path}): ${v.impact} ${v.id} – ${v.help}: ` +
              v.nodes
                .slice(0, 4)
                .map((n) => n.target.join(' '))
                .join(' | '),
          );
      }
    } finally {
      await sessions.close();
    }
    expect(report).toEqual([]);
  });

  it('shows the "MC" mark at AA contrast on every layout, and serves a favicon', async () => {
    const pages = (await mainPages(srv)).filter((p) => ['dang-nhap', 'trang-chu', 'tra-cuu'].includes(p.name));
    const sessions = new Sessions(browser, srv);
    try {
      for (const p of pages) {
        const page = await sessions.open(p);
        const marks = await page.locator('.brand-mark').evaluateAll((els) =>
          els.map((el) => {
            const s = getComputedStyle(el);
            return { color: s.color, background: s.backgroundColor };
          }),
        );
        for (const m of marks)
          expect(`${p.name} ${contrast(m.color, m.background).toFixed(2)}`).toMatch(/ ([5-9]|\d\d)\./);
        const icons = await page.locator('link[rel=icon]').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
        expect(icons).toContain('/favicon.ico');
      }
    } finally {
      await sessions.close();
    }
    const ico = await fetch(srv.url + '/favicon.ico');
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toMatch(/^image\//);
    const svg = await fetch(srv.url + '/assets/favicon.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
  });
});
