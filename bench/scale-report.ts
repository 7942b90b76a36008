/**
 * The scale part's report-page rows (issue 17: the full report page at 1,000,000 dossiers ≤ 2 s):
 * the data of the whole page (`fullReport`: totals, per unit, per procedure, per month, by channel)
 * called in process, and the page itself, `GET /bao-cao?don-vi=&tu=&den=`, through a spawned server
 * signed in through the form. Both for the province and the last full year, each round the median
 * of several calls. Neither cares how the reports are computed (from the dossiers or from aggregate
 * tables): whatever the scale part loaded is what is timed.
 */
import { fullReport, reportScope } from '../server/services/reports.service';
import type { BenchDb } from './db';
import { startServer } from './http';
import { log, median, now, Settings, spread } from './lib';
import type { Report, SuiteInfo } from './report';

/** Sign in through the form (CSRF token + session cookie), for the HTML pages. */
export async function signIn(base: string, username: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const form = await fetch(base + '/dang-nhap', { redirect: 'manual' });
  keep(form);
  const html = await form.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const res = await fetch(base + '/dang-nhap', {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ username, password, _csrf: csrf }).toString(),
  });
  keep(res);
  if (res.status !== 302 && res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return cookie();
}

/** One call longer than this: one call per round instead of CALLS. */
const SLOW_MS = 10_000;
const CALLS = 3;

/**
 * Time `call` for `rounds` rounds after one warm-up call: per round the median of CALLS calls
 * (one when a call takes over SLOW_MS, so a slow page does not take an hour at a million).
 */
async function timed(rounds: number, call: () => Promise<void>): Promise<{ runs: number[]; calls: number }> {
  let t0 = now();
  await call();
  const calls = now() - t0 > SLOW_MS ? 1 : CALLS;
  const runs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const xs: number[] = [];
    for (let c = 0; c < calls; c++) {
      t0 = now();
      await call();
      xs.push(now() - t0);
    }
    runs.push(median(xs));
  }
  return { runs, calls };
}

export interface ReportPageInput {
  db: BenchDb;
  s: Settings;
  report: Report;
  suite: string;
  info: SuiteInfo;
  /** A province user allowed to see the province's report, and the password of the scale users. */
  leader: Express.User;
  password: string;
  provinceCode: string;
  year: number;
}

/** The two report-page rows; a row that cannot be timed is added without a value (MISS) and a note. */
export async function reportPageRows(x: ReportPageInput): Promise<void> {
  const { db, s, report, suite, info, leader, year } = x;
  const period = { from: `${year}-01-01`, to: `${year}-12-31` };
  const miss = (name: string, note: string) => {
    report.add({ suite, name, unit: 'ms', value: spread([]), note });
    log(`${suite}: ${name}: ${note}`);
  };

  const dataName = `full report page data (fullReport), province, year ${year}`;
  try {
    const scope = await reportScope(db.knex, leader, x.provinceCode);
    const r = await timed(s.rounds, async () => {
      await fullReport(db.knex, scope, period, Date.now());
    });
    report.add({ suite, name: dataName, unit: 'ms', value: spread(r.runs) });
    info.notes.push(`full report page data: median of ${r.calls} call(s) of fullReport per round, province, ${year}`);
  } catch (err) {
    miss(dataName, `could not be timed: ${(err as Error).message}`);
  }

  const qs = new URLSearchParams({ 'don-vi': x.provinceCode, tu: period.from, den: period.to }).toString();
  const pageName = `full report page GET /bao-cao, province, year ${year}`;
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    server = await startServer(db.url, { logLevel: 'warn' });
    const cookie = await signIn(server.base, leader.username, x.password);
    let status = 0;
    let bytes = 0;
    let charts = 0;
    const r = await timed(s.rounds, async () => {
      const res = await fetch(`${server!.base}/bao-cao?${qs}`, { headers: { cookie } });
      const body = await res.text();
      status = res.status;
      bytes = body.length;
      charts = (body.match(/<svg/g) ?? []).length;
    });
    if (status !== 200) miss(pageName, `GET /bao-cao?${qs} answered ${status}`);
    else {
      report.add({ suite, name: pageName, unit: 'ms', value: spread(r.runs) });
      info.notes.push(
        `full report page: GET /bao-cao?${qs} as ${leader.username} → ${status}, ${Math.round(bytes / 1024)} kB, ${charts} svg chart(s); median of ${r.calls} request(s) per round through a spawned server`,
      );
    }
  } catch (err) {
    miss(pageName, `could not be timed: ${(err as Error).message}`);
  } finally {
    await server?.stop();
  }
}
