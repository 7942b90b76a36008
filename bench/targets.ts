/**
 * The bench's targets, all in one place: issue 17 ("Province scale"), whose table replaced the
 * targets of issue 8. A row added under one of these names gets this target, whatever the part that
 * measured it wrote; rows not named here keep their own (result, form 07, the /tra-cuu page). And the
 * compact "issue 17" table printed at the end: one line per line of the issue's table, in its order,
 * with PASS or MISS (a figure that was not measured is a MISS with a note, never left out).
 */
import { fmtInt, fmtNum, Settings } from './lib';
import type { Row } from './report';

type Target = NonNullable<Row['target']>;
const atLeast = (value: number, label: string): Target => ({ op: '>=', value, label });
const atMost = (value: number, label: string): Target => ({ op: '<=', value, label });

const T = {
  serviceFloor: atLeast(0.7, '≥ 0.70 ×'),
  httpFloor: atLeast(0.5, '≥ 0.50 ×'),
  peer: atLeast(10, '≥ 10 ×'),
  lookupRate: atLeast(3000, '≥ 3,000 req/s'),
  lookupP99: atMost(25, '≤ 25 ms'),
  rss: atMost(150, '≤ 150 MB'),
  summary: atMost(200, '≤ 200 ms'),
  fullReport: atMost(2000, '≤ 2 s'),
  p95: atMost(50, '≤ 50 ms'),
};

/** Row name (prefix) and concurrency → issue 17's target. */
const RULES: Array<{ name: string; conc?: number; target: Target }> = [
  { name: 'ratio service / floor', conc: 32, target: T.serviceFloor },
  { name: 'ratio HTTP / floor', conc: 32, target: T.httpFloor },
  { name: 'ratio service / peer', target: T.peer },
  { name: 'lookup: GET /api/v1/public/dossiers/:code p99', target: T.lookupP99 },
  { name: 'lookup: GET /api/v1/public/dossiers/:code', target: T.lookupRate },
  { name: 'server peak RSS', target: T.rss },
  { name: 'report summary, province', target: T.summary },
  { name: 'full report page', target: T.fullReport },
  { name: 'work list mine=1', target: T.p95 },
  { name: 'dossier page getDossier + history', target: T.p95 },
];

/** Issue 17's target of a row, if it has one. */
export function issueTarget(name: string, conc: number | undefined): Target | undefined {
  return RULES.find((r) => name.startsWith(r.name) && (r.conc == null || r.conc === conc))?.target;
}

// ---------------------------------------------------------------------------------------------
// The "issue 17" table

const fmtMs = (ms: number) =>
  !Number.isFinite(ms) ? '–' : ms >= 1000 ? `${fmtNum(ms / 1000, 2)} s` : `${fmtNum(ms, ms >= 100 ? 0 : 1)} ms`;
const fmtX = (x: number) => `${fmtNum(x, x >= 10 ? 1 : 2)} ×`;

interface Line {
  figure: string;
  now: string;
  target: string;
  pass: boolean;
  note?: string;
}

/**
 * The issue's table for each database of the run (MariaDB first, as the issue measures it), as a
 * Markdown table to paste into a note.
 */
export function issue17Table(rows: Row[], s: Settings): string {
  const out: string[] = [];
  const kinds = [...s.dbs].sort((a) => (a === 'mysql' ? -1 : 1));
  for (const kind of kinds) {
    const base = kind === 'mysql' ? 'MySQL' : 'SQLite';
    const lines = linesFor(rows, s, base);
    out.push(
      '',
      `== issue 17: ${kind === 'mysql' ? 'MariaDB/MySQL' : 'SQLite'} (medians of ${s.rounds} rounds) ==`,
      '',
      '| figure | now (median) | target | result |',
      '| --- | ---: | ---: | --- |',
    );
    for (const l of lines) out.push(`| ${l.figure} | ${l.now} | ${l.target} | ${l.pass ? 'PASS' : 'MISS'} |`);
    const notes = lines.filter((l) => l.note);
    if (notes.length) out.push('');
    for (const l of notes) out.push(`- ${l.figure}: ${l.note}`);
    out.push(
      '',
      `issue 17 on ${base}: ${lines.filter((l) => l.pass).length} PASS, ${lines.filter((l) => !l.pass).length} MISS`,
    );
  }
  return out.join('\n');
}

function linesFor(rows: Row[], s: Settings, base: string): Line[] {
  const find = (suite: (x: string) => boolean, name: string, conc?: number) =>
    rows.find(
      (r) =>
        suite(r.suite) &&
        r.name.startsWith(name) &&
        (conc == null || r.conc === conc) &&
        Number.isFinite(r.value.median),
    );
  const main = (x: string) => x === base;
  const scale = (x: string) => x.startsWith(`${base} scale `);
  const ran = (...parts: string[]) => parts.every((p) => s.parts.has(p));
  const why = (...parts: string[]) =>
    ran(...parts)
      ? 'no figure: the part failed or could not run (see the log and the notes above)'
      : `not run (needs the parts ${parts.join(', ')}: BENCH_PARTS)`;
  const scaleWhy = () =>
    !s.parts.has('scale')
      ? 'not run (the scale part needs BENCH_SCALE=1)'
      : !s.scaleDbs.includes(base === 'MySQL' ? 'mysql' : 'sqlite')
        ? 'not run on this database (BENCH_SCALE_DBS)'
        : 'no figure: the scale part failed or could not time it (see the log and the notes above)';
  const n = s.dossiers;
  const at = `${fmtInt(n)} dossiers`;
  const scaleNote = n === 1_000_000 ? undefined : `measured at ${at}, the issue's figure is at 1,000,000`;
  const out: Line[] = [];
  const one = (figure: string, row: Row | undefined, fmt: (v: number) => string, target: Target, missing: string) =>
    out.push(
      row
        ? { figure, now: fmt(row.value.median), target: target.label, pass: !!row.pass }
        : { figure, now: 'not measured', target: target.label, pass: false, note: missing },
    );

  one(
    'service transition / raw-SQL floor, 32 workers',
    find(main, 'ratio service / floor', 32),
    fmtX,
    T.serviceFloor,
    why('service', 'floor'),
  );
  one(
    'HTTP transition / floor, 32 connections',
    find(main, 'ratio HTTP / floor', 32),
    fmtX,
    T.httpFloor,
    why('http', 'floor'),
  );
  const p1 = find(main, 'ratio service / peer', 1);
  const p32 = find(main, 'ratio service / peer', 32);
  if (p1 || p32)
    out.push({
      figure: 'service / bpmn-engine peer (1 / 32 workers)',
      now: `${p1 ? fmtX(p1.value.median) : '–'} / ${p32 ? fmtX(p32.value.median) : '–'}`,
      target: T.peer.label,
      pass: !!p1?.pass && !!p32?.pass,
      note: p1 && p32 ? undefined : 'only one of the two concurrencies was measured',
    });
  else one('service / bpmn-engine peer', undefined, fmtX, T.peer, why('service', 'peer'));
  const rate = find(main, 'lookup: GET /api/v1/public/dossiers/:code', 50);
  const p99 = rows.find((r) => main(r.suite) && r.name === 'lookup: GET /api/v1/public/dossiers/:code p99');
  if (rate && p99 && Number.isFinite(p99.value.median))
    out.push({
      figure: 'public lookup API, 50 connections',
      now: `${fmtInt(rate.value.median)} req/s, p99 ${fmtNum(p99.value.median, 0)} ms`,
      target: `${T.lookupRate.label}, p99 ${T.lookupP99.label}`,
      pass: !!rate.pass && !!p99.pass,
    });
  else
    one(
      'public lookup API, 50 connections',
      undefined,
      String,
      atLeast(3000, '≥ 3,000 req/s, p99 ≤ 25 ms'),
      why('lookup'),
    );
  one('server peak RSS', find(main, 'server peak RSS'), (v) => `${fmtNum(v, 0)} MB`, T.rss, why('http', 'lookup'));

  const summary = find(scale, 'report summary, province');
  one(`${at}: province-year summary`, summary, fmtMs, T.summary, scaleWhy());
  if (summary && scaleNote) out[out.length - 1].note = scaleNote;
  const page = find(scale, 'full report page GET /bao-cao');
  const data = find(scale, 'full report page data');
  if (page || data)
    out.push({
      figure: `${at}: full report page (every table and chart)`,
      now: page
        ? `${fmtMs(page.value.median)}${data ? ` (data ${fmtMs(data.value.median)})` : ''}`
        : `data ${fmtMs(data!.value.median)}`,
      target: T.fullReport.label,
      pass: !!page?.pass,
      note: page ? scaleNote : 'the page itself (GET /bao-cao) was not timed: see the notes above',
    });
  else one(`${at}: full report page (every table and chart)`, undefined, fmtMs, T.fullReport, scaleWhy());
  const list = find(scale, 'work list mine=1');
  const dossier = find(scale, 'dossier page getDossier + history');
  if (list || dossier)
    out.push({
      figure: `${at}: work list / dossier page p95`,
      now: `${list ? fmtNum(list.value.median, 1) : '–'} / ${dossier ? fmtNum(dossier.value.median, 1) : '–'} ms`,
      target: `keep ${T.p95.label}`,
      pass: !!list?.pass && !!dossier?.pass,
      note: list && dossier ? scaleNote : 'only one of the two was measured',
    });
  else one(`${at}: work list / dossier page p95`, undefined, fmtMs, T.p95, scaleWhy());
  return out;
}
