/**
 * Collects every figure (each a median of several runs with min–max), checks the targets (issue 17,
 * bench/targets.ts), prints one table per suite and the issue-17 table at the end, and writes
 * bench/results/latest.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmtInt, fmtNum, Settings, spread, Spread } from './lib';
import { issue17Table, issueTarget } from './targets';

export type Unit = 'op/s' | 'req/s' | 'ms' | 'MB' | '×';

export interface Row {
  suite: string;
  name: string;
  conc?: number;
  unit: Unit;
  value: Spread;
  /** Latency p99 in ms (median of runs), where it applies. */
  p99?: number;
  target?: { op: '>=' | '<='; value: number; label: string };
  pass?: boolean;
  note?: string;
}

export interface SuiteInfo {
  name: string;
  database: string;
  /** When the run that measured this suite started (suites kept by BENCH_MERGE keep their own). */
  runStartedAt: string;
  notes: string[];
}

export class Report {
  rows: Row[] = [];
  suites: SuiteInfo[] = [];
  raw: Record<string, unknown> = {};
  readonly startedAt = new Date();

  constructor(readonly settings: Settings) {}

  suite(name: string, database: string): SuiteInfo {
    const s: SuiteInfo = { name, database, runStartedAt: this.startedAt.toISOString(), notes: [] };
    this.suites.push(s);
    return s;
  }

  /**
   * Add a row. Its target is issue 17's when the row is one of the issue's figures (whatever the
   * caller wrote); a row without a value (NaN) is a MISS, and its note is printed under the table.
   */
  add(row: Omit<Row, 'pass'>): Row {
    const r: Row = { ...row };
    const t = issueTarget(r.name, r.conc);
    if (t) r.target = t;
    if (r.target && Number.isFinite(r.value.median))
      r.pass = r.target.op === '>=' ? r.value.median >= r.target.value : r.value.median <= r.target.value;
    this.rows.push(r);
    return r;
  }

  /** A ratio row from per-round pairs measured in the same round. */
  ratio(
    suite: string,
    name: string,
    nums: number[],
    dens: number[],
    conc: number | undefined,
    target?: Row['target'],
  ): Row | null {
    const rs = nums.map((n, i) => n / dens[i]).filter((x) => Number.isFinite(x));
    if (!rs.length) return null;
    return this.add({ suite, name, conc, unit: '×', value: spread(rs), target });
  }

  format(): string {
    const out: string[] = [];
    for (const s of this.suites) {
      const rows = this.rows.filter((r) => r.suite === s.name);
      if (!rows.length && !s.notes.length) continue;
      out.push('', `== ${s.name}: ${s.database} ==`);
      const head = ['benchmark', 'conc', 'median', 'min–max', 'p99 ms', 'target', 'result'];
      const body = rows.map((r) => [
        r.name,
        r.conc == null ? '' : String(r.conc),
        fmtValue(r.value.median, r.unit),
        Number.isFinite(r.value.median)
          ? `${fmtValue(r.value.min, r.unit, false)}–${fmtValue(r.value.max, r.unit, false)}`
          : '–',
        r.p99 == null ? '' : fmtNum(r.p99, r.p99 < 10 ? 2 : 1),
        r.target ? r.target.label : '',
        r.target ? (r.pass ? 'PASS' : 'MISS') : '',
      ]);
      const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
          .join('  ')
          .trimEnd();
      out.push(line(head), widths.map((w) => '-'.repeat(w)).join('  '));
      for (const b of body) out.push(line(b));
      for (const r of rows.filter((x) => x.note && !Number.isFinite(x.value.median)))
        out.push(`  note: ${r.name}${r.conc == null ? '' : ` (${r.conc})`}: ${r.note}`);
      for (const n of s.notes) out.push(`  note: ${n}`);
    }
    const targets = this.rows.filter((r) => r.target);
    if (targets.length) {
      out.push(
        '',
        `targets: ${targets.filter((r) => r.pass).length} PASS, ${targets.filter((r) => !r.pass).length} MISS`,
      );
    }
    out.push(issue17Table(this.rows, this.settings));
    return out.join('\n');
  }

  /**
   * Write the JSON document. With BENCH_MERGE=1 the suites of an earlier latest.json that this run
   * did not produce are kept (e.g. a long scale run and a later transitions run in one file).
   */
  write(file: string): void {
    const s = this.settings;
    let keptSuites: SuiteInfo[] = [];
    let keptRows: Row[] = [];
    let keptRaw: Record<string, unknown> = {};
    if (['1', 'true', 'yes'].includes(process.env.BENCH_MERGE ?? '') && fs.existsSync(file)) {
      try {
        const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as {
          suites?: SuiteInfo[];
          rows?: Row[];
          raw?: Record<string, unknown>;
          startedAt?: string;
        };
        const mine = new Set(this.suites.map((x) => x.name));
        keptSuites = (prev.suites ?? [])
          .filter((x) => !mine.has(x.name))
          .map((x) => ({ ...x, runStartedAt: x.runStartedAt ?? prev.startedAt ?? '' }));
        const kept = new Set(keptSuites.map((x) => x.name));
        keptRows = (prev.rows ?? []).filter((r) => kept.has(r.suite));
        keptRaw = Object.fromEntries(
          Object.entries(prev.raw ?? {}).filter(([k]) => [...kept].some((n) => k.startsWith(n + '.'))),
        );
      } catch {
        /* an unreadable earlier file is simply replaced */
      }
    }
    const doc = {
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
      },
      settings: {
        dbs: s.dbs,
        parts: [...s.parts],
        rounds: s.rounds,
        seconds: s.seconds,
        lookupSeconds: s.lookupSeconds,
        scale: s.scale,
        scaleDbs: s.scaleDbs,
        dossiers: s.dossiers,
        mysqlPool: s.mysqlPool,
        galera: s.parts.has('galera'),
        galeraProcesses: s.galeraProcesses,
        galeraConnections: s.galeraConnections,
        serverLogLevel: s.serverLogLevel,
      },
      suites: [...this.suites, ...keptSuites],
      rows: [...this.rows, ...keptRows],
      raw: { ...this.raw, ...keptRaw },
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  }
}

function fmtValue(v: number, unit: Unit, withUnit = true): string {
  let s: string;
  if (unit === '×') s = fmtNum(v, v >= 10 ? 1 : 2);
  else if (unit === 'ms') s = fmtNum(v, v >= 100 ? 0 : v >= 10 ? 1 : 2);
  else if (unit === 'MB') s = fmtNum(v, 0);
  else s = fmtInt(v);
  return withUnit ? `${s} ${unit}` : s;
}
