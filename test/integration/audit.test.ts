import fs from 'node:fs';
import path from 'node:path';

import { ENGINES } from '../helpers/db';
import { TestApp } from '../helpers/app';
import { receive, send, World, buildDossierApp } from '../factories/dossiers';
import { verifyChains } from '../../server/services/audit';

describe.each(ENGINES)('audit chain on %s', (engine) => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
  });
  afterAll(() => t.close());

  it('chains every event hash and detects an edited, deleted or reordered row', async () => {
    const d = await receive(t.app, w, '1.000775');
    await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: 1 });
    await send(t.app, w.tokens.head, d.code, { type: 'RETURN', version: 2, comment: 'Thiếu chữ ký' });
    const other = await receive(t.app, w, '1.000775');
    await send(t.app, w.tokens.specialist, other.code, { type: 'REFUSE', version: 1, comment: 'Không đủ điều kiện' });
    expect(await verifyChains(t.tdb.db)).toEqual([]);
    const rows = await t.tdb.db('dossier_events').orderBy('id');
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);

    const target = rows.find((r) => r.comment === 'Thiếu chữ ký')!;
    await t.tdb.db('dossier_events').where({ id: target.id }).update({ comment: 'Đã sửa lén' });
    const bad = await verifyChains(t.tdb.db);
    expect(bad.map((b) => b.id)).toContain(Number(target.id));
    await t.tdb.db('dossier_events').where({ id: target.id }).update({ comment: 'Thiếu chữ ký' });
    expect(await verifyChains(t.tdb.db)).toEqual([]);

    // deleting a row in the middle breaks the next link
    const second = rows.filter((r) => r.dossier_id === target.dossier_id)[1];
    await t.tdb.db('dossier_events').where({ id: second.id }).delete();
    expect((await verifyChains(t.tdb.db)).length).toBeGreaterThan(0);
  });

  it("the dossier row keeps its latest event's hash, so deleting the latest event is detected too", async () => {
    const d = await receive(t.app, w, '1.000775');
    await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: 1 });
    const row = await t.tdb.db('dossiers').where({ code: d.code }).first('id', 'last_event_hash');
    const events = await t.tdb.db('dossier_events').where({ dossier_id: row.id }).orderBy('id');
    expect(row.last_event_hash).toBe(events[events.length - 1].hash);
    // The chain of the events left is whole; only the hash kept on the row tells one is missing.
    await t.tdb
      .db('dossier_events')
      .where({ id: events[events.length - 1].id })
      .delete();
    const bad = await verifyChains(t.tdb.db);
    expect(bad).toContainEqual({ table: 'dossiers', id: Number(row.id), stream: `d:${row.id}` });
  });
});

describe('event tables are append-only in code', () => {
  it('no source file updates or deletes event rows', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          const src = fs.readFileSync(p, 'utf8');
          const re = /(dossier_events|dispatch_events)['"`][^;]*?\.(update|del|delete|truncate)\(/gs;
          for (const m of src.matchAll(re)) offenders.push(`${path.relative(process.cwd(), p)}: ${m[0].slice(0, 80)}`);
        }
      }
    };
    walk(path.resolve(__dirname, '..', '..', 'server'));
    walk(path.resolve(__dirname, '..', '..', 'workflows'));
    expect(offenders).toEqual([]);
  });
});
