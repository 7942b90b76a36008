/**
 * `npm run bench`: the benchmark harness (issues 8 and 17). Never part of `npm test`. It ends with
 * the issue-17 table (bench/targets.ts): every figure of the issue with PASS or MISS.
 *
 *   npm run bench                                           SQLite only
 *   BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306/ npm run bench   SQLite, then MySQL/MariaDB
 *   BENCH_SCALE=1 BENCH_DOSSIERS=1000000 … npm run bench          adds the scale part
 *   BENCH_GALERA=1 BENCH_MYSQL_URL=… npm run bench                adds the Galera part (as root)
 *
 * See bench/README.md for every setting and how to read the table.
 */
import path from 'node:path';
import { loadSettings, log } from './lib';
import { Report } from './report';
import { transitionSuite } from './transitions';
import { scaleSuite } from './scale';
import { resultSuite } from './results';
import { portalSuite } from './portal';
import { galeraSuite } from './galera';

async function main() {
  const s = loadSettings();
  const report = new Report(s);
  log(
    `databases: ${s.dbs.join(', ')}; parts: ${[...s.parts].join(', ')}; rounds ${s.rounds}, ~${s.seconds} s per phase`,
  );
  const out = path.join(__dirname, 'results', 'latest.json');
  const transitionParts = ['floor', 'service', 'peer', 'http', 'lookup'].some((p) => s.parts.has(p));
  for (const kind of s.dbs) {
    if (transitionParts) await transitionSuite(kind, s, report);
    if (s.parts.has('result')) await resultSuite(kind, s, report);
    if (s.parts.has('portal')) await portalSuite(kind, s, report);
    if (s.parts.has('scale') && s.scaleDbs.includes(kind)) await scaleSuite(kind, s, report);
    report.write(out);
  }
  if (s.parts.has('galera')) {
    await galeraSuite(s, report);
    report.write(out);
  }
  process.stdout.write(report.format() + '\n');
  report.write(out);
  log(`written ${path.relative(process.cwd(), out)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
