/**
 * The layers of design.md §2, read from the source (no database): SQL lives in server/queries/ (and
 * db/ for migrations and seeds), page view models, print presenters and the API's JSON shapes live in
 * server/presenters/, demo data lives in db/seeds/. Arrows point down: handlers → presenters →
 * services → queries. A file that slips back fails here with its line.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

function walk(rel: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
    const p = `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/**
 * Every file of server/ reaches tables only through server/queries/ (issue 12), with these exceptions,
 * each for a reason that does not go away by moving code:
 * - the transition engine locks and updates the row of the kind it was given (`trx(kind.table)`): it is
 *   the one module that writes state and version columns, and the static test of that rule reads it there.
 */
const TABLE_ACCESS_EXCEPTIONS = ['server/services/engine/engine.ts'];

/**
 * Files moved over from direct table access, named so that a rename or removal is noticed here (the
 * tree-wide check below would pass silently without them).
 */
const MOVED = [
  'server/auth/passport.ts',
  'server/auth/passwords.ts',
  'server/auth/session-store.ts',
  'server/auth/throttle.ts',
  'server/auth/tokens.ts',
  'server/cli/verify-audit.ts',
  'server/services/accounts.service.ts',
  'server/services/audit.ts',
  'server/services/bootstrap.service.ts',
  'server/services/catalog.service.ts',
  'server/services/calendar.service.ts',
  'server/services/dispatches.service.ts',
  'server/services/dossiers.service.ts',
  'server/services/intake.service.ts',
  'server/services/outbox.service.ts',
  'server/services/public-lookup.service.ts',
  'server/services/dispatch-files.service.ts',
  'server/jobs/digest.job.ts',
  'server/jobs/dispatch.jobs.ts',
  'server/jobs/outbox.job.ts',
  'server/jobs/scheduler.ts',
  'server/mail/compose.ts',
  'server/mail/dispatch-mails.ts',
  'server/mail/mailer.ts',
  'server/handlers/admin.pages.ts',
  'server/handlers/auth.pages.ts',
  'server/handlers/calendar.pages.ts',
  'server/handlers/catalog.pages.ts',
  'server/handlers/dispatch.pages.ts',
  'server/handlers/mail.pages.ts',
  'server/policies/dossier.policy.ts',
  'server/presenters/dispatch-export.presenter.ts',
  'server/presenters/dispatch-pages.presenter.ts',
  'server/presenters/print.presenter.ts',
  'server/presenters/register.presenter.ts',
];

/**
 * Direct table access as this code base writes it: a knex handle called with a table name
 * (`db('units')`, `trx('outbox')`, `this.db('sessions')`, `ctx\n  .db('outbox')`) or with a table name
 * it was handed (`trx(kind.table)`), a query builder pointed at a table (`.from('units')`, `.into(…)`,
 * `.table(…)`), or raw SQL naming one.
 */
const TABLE_ACCESS: RegExp[] = [
  /\b(?:db|trx|knex|tx)\s*\(\s*['"`][a-z_]+/,
  /\b(?:db|trx|knex|tx)\s*\(\s*\w+\.table\s*\)/,
  /\.\s*(?:from|into|table)\s*\(\s*['"`][a-z_]+/,
  /\.\s*raw\s*\(\s*['"`][^'"`]*\b(?:from|into|update|join)\s+[a-z_]+/i,
];

/** Each hit as `file:line: text`, comments left out. */
function tableAccesses(file: string, source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/.*$/gm, '');
  const hits: string[] = [];
  for (const re of TABLE_ACCESS) {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    for (const m of code.matchAll(g)) {
      const line = code.slice(0, m.index).split('\n').length;
      hits.push(`${file}:${line}: ${m[0].replace(/\s+/g, ' ')}`);
    }
  }
  return hits;
}

/** Each import of server/presenters/ in a source, as `file:line: specifier` (static, dynamic or require). */
function presenterImports(file: string, source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/.*$/gm, '');
  const hits: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"`])([^'"`]*)\1/gm;
  for (const m of code.matchAll(re)) {
    const spec = m[2];
    if (/(?:^|\/)presenters(?:\/|$)/.test(spec)) {
      const line = code.slice(0, m.index).split('\n').length;
      hits.push(`${file}:${line}: ${spec}`);
    }
  }
  return hits;
}

/** The layers below presenters: they hand out domain data and never shape output themselves. */
const BELOW_PRESENTERS = ['server/services', 'server/jobs', 'server/policies', 'server/queries'];

describe('the layers of design.md §2', () => {
  it('recognises every way this code base reaches a table (so the checks below can fail)', () => {
    const samples = [
      "await db('users').where({ id })",
      "await trx('outbox').insert(row)",
      "this.db('sessions')\n  .where({ sid })",
      "ctx\n  .db('outbox')\n  .where({ kind: 'mail' })",
      "db.select('id').from('units')",
      "await knex.raw('SELECT id FROM dossiers WHERE code = ?', [code])",
      'await trx(kind.table).where({ id })',
    ];
    for (const s of samples) expect(tableAccesses('sample.ts', s)).toHaveLength(1);
    expect(tableAccesses('sample.ts', "// db('users') in a comment\nawait findUserById(db, id);")).toEqual([]);
    expect(tableAccesses('sample.ts', "const names = ['a', 'b'].join(', ');")).toEqual([]);
  });

  it('no file of server/ outside queries/ reaches a table directly (documented exceptions aside)', () => {
    const missing = [...MOVED, ...TABLE_ACCESS_EXCEPTIONS].filter((f) => !fs.existsSync(path.join(ROOT, f)));
    // A renamed file must be renamed here too, not silently dropped from the check.
    expect(missing).toEqual([]);
    const files = walk('server').filter(
      (f) => !f.startsWith('server/queries/') && !TABLE_ACCESS_EXCEPTIONS.includes(f),
    );
    expect(files).toEqual(expect.arrayContaining(MOVED));
    const hits = files.flatMap((f) => tableAccesses(f, read(f)));
    expect(hits).toEqual([]);
    // An exception that no longer reaches a table is no exception: take it off the list.
    for (const f of TABLE_ACCESS_EXCEPTIONS) expect(tableAccesses(f, read(f))).not.toEqual([]);
  });

  it('services hold no page view models, print presenters or demo data', () => {
    const services = walk('server/services');
    // By name: presenters, print forms, pages, views and seeding have their own folders.
    expect(services.filter((f) => /present|print|pages?\b|view|demo|seed/i.test(path.basename(f)))).toEqual([]);
    const offences: string[] = [];
    for (const f of services) {
      const src = read(f);
      if (/from\s+['"](?:handlebars|express-handlebars)['"]/.test(src)) offences.push(`${f}: imports handlebars`);
      if (/from\s+['"][./]*views(?:\.ts)?['"]/.test(src) || /from\s+['"][./]*views\//.test(src))
        offences.push(`${f}: imports views`);
      if (/\brender\s*\(/.test(src)) offences.push(`${f}: renders a template`);
      if (/from\s+['"][./]*(?:db\/seeds|\.\.\/\.\.\/db\/seeds)/.test(src)) offences.push(`${f}: imports demo seeds`);
      for (const m of src.matchAll(/export\s+(?:async\s+)?function\s+(\w+)/g))
        if (/Model$|^present|^print/.test(m[1])) offences.push(`${f}: exports view model ${m[1]}`);
    }
    expect(offences).toEqual([]);
  });

  it('demo seeding lives under db/seeds/, not in server/', () => {
    const hits = walk('server').filter((f) => /export\s+(?:async\s+)?function\s+seedDemo/.test(read(f)));
    expect(hits).toEqual([]);
    expect(read('db/seeds/demo/index.ts')).toMatch(/export async function seedDemo\(/);
  });

  it('presenters never depend on HTTP (handlers, routes, express)', () => {
    const offences = walk('server/presenters').filter((f) =>
      /from\s+['"](?:express|\.\.\/handlers\/[^'"]*|\.\.\/routes\/[^'"]*)['"]/.test(read(f)),
    );
    expect(offences).toEqual([]);
  });

  it('recognises every way a file imports a presenter (so the check below can fail)', () => {
    const samples = [
      "import { dossierJson } from '../presenters/dossier.presenter';",
      "import type { DossierJson } from '../../presenters/dossier.presenter';",
      "export { dispatchJson } from '../presenters/dispatch.presenter';",
      "const { dossierJson } = await import('../presenters/dossier.presenter');",
      "const p = require('../presenters');",
      "import '../presenters/print-format';",
    ];
    for (const s of samples) expect(presenterImports('sample.ts', s)).toHaveLength(1);
    expect(
      presenterImports('sample.ts', "// from '../presenters/dossier.presenter'\nimport { x } from './dossier-clock';"),
    ).toEqual([]);
    expect(presenterImports('sample.ts', "import { clockOf } from '../services/dossier-clock';")).toEqual([]);
  });

  it('services, jobs, policies and queries never import a presenter (arrows point down)', () => {
    const files = BELOW_PRESENTERS.flatMap(walk);
    // The services that used to shape JSON themselves are among the files read.
    expect(files).toEqual(
      expect.arrayContaining([
        'server/services/dossiers.service.ts',
        'server/services/dispatches.service.ts',
        'server/services/intake.service.ts',
        'server/services/transition.service.ts',
        'server/services/engine/dossier.kind.ts',
        'server/jobs/digest.job.ts',
      ]),
    );
    expect(files.flatMap((f) => presenterImports(f, read(f)))).toEqual([]);
  });

  it("the API's presenters are pure: no database handle, no query, nothing awaited", () => {
    const offences: string[] = [];
    for (const f of ['server/presenters/dossier.presenter.ts', 'server/presenters/dispatch.presenter.ts']) {
      const src = read(f);
      if (/\bawait\b|\basync\b/.test(src)) offences.push(`${f}: awaits`);
      if (/\bDb\b|\bKnex\b|from\s+['"][./]*db['"]/.test(src)) offences.push(`${f}: takes a database handle`);
      // Row types only: a presenter reads what a service read.
      for (const m of src.matchAll(/^import\s+(type\s+)?\{[^}]*\}\s+from\s+['"]([^'"]*\/queries\/[^'"]*)['"]/gm))
        if (!m[1]) offences.push(`${f}: imports ${m[2]} at run time`);
    }
    expect(offences).toEqual([]);
  });
});
