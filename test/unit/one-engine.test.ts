import fs from 'node:fs';
import path from 'node:path';

/**
 * The house rules that keep one engine and one policy (design.md §2, style.md convention 2), read
 * from the source: state and version columns are written only by server/services/engine/, and
 * role/unit permission rules are written only in server/policies/.
 */

const ROOT = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

const stripComments = (s: string) => s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

/** The argument text of every `.update(`…`)` call, by balanced parentheses. */
function updateArgs(src: string): string[] {
  const out: string[] = [];
  const re = /\.update\(/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < src.length && depth > 0; i++) {
      if (src[i] === '(') depth++;
      else if (src[i] === ')') depth--;
    }
    out.push(src.slice(start, i - 1));
  }
  return out;
}

const STATE_KEYS = /(^|[\s{,])['"]?(state|status|version|snapshot)['"]?\s*:/;
const RAW_UPDATE = /update\s+\w+\s+set[^;`'"]*\b(state|status|version|snapshot)\s*=/i;
const INCREMENT_VERSION = /\.increment\(\s*['"]version['"]/;

/** Why a file writes a state or version column, or null. */
export function stateWrites(src: string): string[] {
  const code = stripComments(src);
  const found = updateArgs(code)
    .filter((a) => STATE_KEYS.test(a))
    .map((a) => `.update(${a.trim().slice(0, 60)}…)`);
  if (RAW_UPDATE.test(code)) found.push('raw UPDATE … SET state/version');
  if (INCREMENT_VERSION.test(code)) found.push(".increment('version')");
  return found;
}

const ENGINE = path.join('server', 'services', 'engine') + path.sep;
const FILES = [...sources('server'), ...sources('db/seeds')];

describe('one engine changes state', () => {
  it('the detector finds state and version writes written in the ways this code base writes them', () => {
    expect(stateWrites(`await trx('dossiers').where({ id }).update({ state: to, version: v + 1 });`)).toHaveLength(1);
    expect(stateWrites(`db('dispatch_replies')\n  .update({\n    snapshot: s,\n  })`)).toHaveLength(1);
    expect(stateWrites("await db.raw('UPDATE dossiers SET state = ? WHERE id = ?', [s, id])")).toHaveLength(1);
    expect(stateWrites("trx('dossiers').increment('version', 1)")).toHaveLength(1);
    expect(stateWrites(`db('outbox').update({ status: 'sent', attempts: n })`)).toHaveLength(1);
    expect(stateWrites(`db('dispatches').update({ reminded_at: now }) // state: no`)).toHaveLength(0);
  });

  it('no source file outside server/services/engine/ updates a state, status, snapshot or version column', () => {
    // The outbox's own delivery status is not a workflow state: its lease is the scheduler's.
    // Nor is the national-portal outbox's (its per-dossier order and leases are the sender's), nor a
    // catalogue import preview's pending → done (a compare-and-set that makes its confirm run once).
    const allowed = new Set([
      path.join('server', 'queries', 'outbox.queries.ts'),
      path.join('server', 'queries', 'portal.queries.ts'),
      path.join('server', 'queries', 'catalog-imports.queries.ts'),
    ]);
    const offenders = FILES.filter((f) => !f.startsWith(ENGINE) && !allowed.has(f))
      .map((f) => ({ f, writes: stateWrites(fs.readFileSync(path.join(ROOT, f), 'utf8')) }))
      .filter((x) => x.writes.length);
    expect(offenders).toEqual([]);
  });

  it('the engine does write them (the rule above is about something real)', () => {
    const engine = sources('server/services/engine').map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8'));
    expect(engine.some((src) => /version/.test(src) && /\.update\(/.test(src))).toBe(true);
  });
});

describe('one policy decides permissions', () => {
  // Role and unit rules: a user's roles or unit compared by hand.
  const WHO = String.raw`\b(?:user|actor|req\.user!?)`;
  const RULE = new RegExp(
    String.raw`${WHO}\.roles\.(includes|some|every)\(|${WHO}\.unitId\s*[!=]==|[!=]==\s*${WHO}\.unitId\b`,
  );
  // Route access (declared beside each path) and the navigation that mirrors it are the router's.
  const ROUTE_ACCESS = new Set([
    path.join('server', 'middleware', 'auth.ts'),
    path.join('server', 'middleware', 'locals.ts'),
  ]);

  it('the detector finds hand-written role and unit rules', () => {
    expect(RULE.test("if (user.roles.includes('clerk')) ok();")).toBe(true);
    expect(RULE.test('if (req.user!.unitId !== d.issuing_unit_id) throw x;')).toBe(true);
    expect(RULE.test('if (d.issuing_unit_id === user.unitId) ok();')).toBe(true);
    expect(RULE.test("const roles = ['clerk'];")).toBe(false);
    expect(RULE.test('if (unitId !== row.handling_unit_id) add();')).toBe(false);
  });

  it('role/unit permission rules are written only in server/policies/', () => {
    const offenders = sources('server')
      .filter((f) => !f.startsWith(path.join('server', 'policies') + path.sep) && !ROUTE_ACCESS.has(f))
      .flatMap((f) =>
        stripComments(fs.readFileSync(path.join(ROOT, f), 'utf8'))
          .split('\n')
          .filter((line) => RULE.test(line))
          .map((line) => `${f}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});
