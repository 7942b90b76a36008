#!/usr/bin/env node
/**
 * Compile the app to dist/ (plain JavaScript, so the node that `npm start` runs is the server itself).
 *
 *   node server/cli/build.js             `npm run build`: clean build, type-checked (fails on any type error).
 *   node server/cli/build.js --if-stale  `npm start`'s prestart: builds only when dist/ is missing or older
 *                                        than a source file, emit-only (types are checked by `npm test`
 *                                        and `npm run build`), so a fresh `npm ci && npm start` just works.
 *
 * Plain CommonJS on purpose: it runs before anything is compiled, without tsx.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const CONFIG = path.join(ROOT, 'tsconfig.build.json');
const SOURCE_DIRS = ['server', 'workflows', 'db'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** The newest modification time (ms) of any file the build reads. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      // A removed file leaves its folder newer than the stamp: that counts too.
      newest = Math.max(newest, st.mtimeMs);
      for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    } else if (/\.(ts|json)$/.test(p)) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) visit(path.join(ROOT, d));
  for (const f of SOURCE_FILES) visit(path.join(ROOT, f));
  return newest;
}

function isStale() {
  try {
    return fs.statSync(STAMP).mtimeMs < newestSource();
  } catch {
    return true;
  }
}

/** Emit without the type check, through the compiler API (works even where @types are not installed). */
function emitOnly() {
  let ts;
  try {
    ts = require('typescript');
  } catch {
    process.stderr.write('Không tìm thấy gói "typescript" để biên dịch: chạy `npm ci` trước `npm start`.\n');
    process.exit(1);
  }
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => report([d]) };
  const parsed = ts.getParsedCommandLineOfConfigFile(CONFIG, { noCheck: true, types: [] }, host);
  if (!parsed || parsed.errors.length) return report(parsed ? parsed.errors : []);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const result = program.emit();
  const errors = [...program.getSyntacticDiagnostics(), ...result.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  return errors.length ? report(errors) : true;

  function report(diags) {
    const fmt = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    process.stderr.write(ts.formatDiagnostics(diags, fmt));
    return false;
  }
}

/** The full, type-checked build through the tsc command line. */
function checkedBuild() {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', CONFIG], { cwd: ROOT, stdio: 'inherit' });
  return r.status === 0;
}

function main() {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !isStale()) return;
  const startedAt = new Date();
  if (ifStale) process.stdout.write('Đang biên dịch mã nguồn vào dist/ …\n');
  fs.rmSync(DIST, { recursive: true, force: true });
  const ok = ifStale ? emitOnly() : checkedBuild();
  if (!ok) {
    process.stderr.write('Biên dịch thất bại.\n');
    process.exit(1);
  }
  // The stamp carries the time the build began: a source saved during the build leaves it stale.
  fs.writeFileSync(STAMP, startedAt.toISOString() + '\n');
  fs.utimesSync(STAMP, startedAt, startedAt);
}

main();
