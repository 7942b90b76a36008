/**
 * The public lookup part: the JSON API and the /tra-cuu page through the real server, and (MySQL)
 * the lookup floor beside them in the same rounds: node:http + mysql2 sending the app's SELECT with
 * nothing else (bench/lookup-floor-server.js). The floor is what this machine gives the lookup with
 * no framework at all; `lookup API / lookup floor` is the app's share of it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { lookupRun, LookupRun } from './http';
import { freePort, log, median, Settings, sleep, spread } from './lib';
import type { Report, SuiteInfo } from './report';

type Kind = 'api' | 'page' | 'floor';

const LABEL: Record<Kind, string> = {
  api: 'lookup: GET /api/v1/public/dossiers/:code',
  page: 'lookup: GET /tra-cuu?ma=',
  floor: 'lookup floor: node:http + mysql2, same SELECT (info)',
};

/** The floor server as its own process; resolves once it listens. */
async function startFloor(url: string, pool: number): Promise<{ base: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'lookup-floor-server.js'), String(port), url, String(pool)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lookup floor server exited (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

export async function lookupSuite(
  kind: 'sqlite' | 'mysql',
  dbUrl: string,
  server: { base: string },
  codes: string[],
  s: Settings,
  report: Report,
  info: SuiteInfo,
): Promise<void> {
  const suite = kind === 'sqlite' ? 'SQLite' : 'MySQL';
  const floor = kind === 'mysql' ? await startFloor(dbUrl, s.mysqlPool) : null;
  try {
    const kinds: Kind[] = floor ? ['api', 'page', 'floor'] : ['api', 'page'];
    const base = (k: Kind) => (k === 'floor' ? floor!.base : server.base);
    const runs: Record<Kind, LookupRun[]> = { api: [], page: [], floor: [] };
    for (const k of kinds) await lookupRun(base(k), k === 'page' ? 'page' : 'api', codes, 1, 50); // warm-up
    for (let round = 1; round <= s.rounds; round++)
      for (const k of kinds) {
        const r = await lookupRun(base(k), k === 'page' ? 'page' : 'api', codes, s.lookupSeconds, 50);
        runs[k].push(r);
        log(
          `${suite}: round ${round} lookup ${k}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms${r.errors ? `, ${r.errors} errors` : ''}`,
        );
        await sleep(200);
      }
    for (const k of kinds) {
      const target = k === 'floor' ? undefined : ({ op: '>=', value: 3000, label: '≥ 3,000 req/s' } as const);
      report.add({
        suite,
        name: LABEL[k],
        conc: 50,
        unit: 'req/s',
        value: spread(runs[k].map((r) => r.rps)),
        p99: median(runs[k].map((r) => r.p99)),
        target,
      });
      report.add({
        suite,
        name: `${LABEL[k].replace(' (info)', '')} p99${k === 'floor' ? ' (info)' : ''}`,
        conc: 50,
        unit: 'ms',
        value: spread(runs[k].map((r) => r.p99)),
        target: k === 'floor' ? undefined : { op: '<=', value: 25, label: '≤ 25 ms' },
      });
      const errors = runs[k].reduce((n, r) => n + r.errors, 0);
      if (errors) info.notes.push(`lookup ${k}: ${errors} non-2xx/errors`);
    }
    if (floor)
      report.ratio(
        suite,
        'ratio lookup API / lookup floor (info)',
        runs.api.map((r) => r.rps),
        runs.floor.map((r) => r.rps),
        50,
      );
    report.raw[`${suite}.lookup`] = runs;
  } finally {
    floor?.stop();
  }
}
