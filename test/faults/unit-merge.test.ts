/**
 * Fault: kill -9 in the middle of a unit merge (design.md §13: the merge is one transaction). A commune
 * with 300 in-progress dossiers is merged into another; the server is SIGKILLed while the merge's
 * transaction is open (seen from outside: SQLite's write lock held, MariaDB running the merge's statements). After a restart on the same database either nothing moved or everything did, the event
 * chains verify, and the merge can then be done (again) completely.
 */
import knexFactory, { Knex } from 'knex';
import { verifyChains } from '../../server/services/audit';
import {
  baseEnv,
  buildWorld,
  cleanupAll,
  createFaultDb,
  ENGINES,
  FaultDb,
  http,
  intakeBody,
  onCleanup,
  report,
  spawnServer,
  tempDir,
  waitFor,
} from './support';

const DOSSIERS = 300;

describe('kill -9 mid-merge', () => {
  afterAll(cleanupAll);

  it.each(ENGINES)(
    '%s: after a restart nothing of the merge is there or all of it is, and it can be completed',
    async (engine) => {
      const db = await createFaultDb(engine, 'merge');
      const env = baseEnv(tempDir('merge'), db.url, { JOBS: '0' });
      const first = await spawnServer(env);
      const w = await buildWorld(first.url, { communes: 2, mailCommunes: 0 });
      const [from, into] = w.communes;

      // 300 dossiers received at the commune that goes, a few at a time.
      const codes: string[] = [];
      const receiveSome = async () => {
        while (codes.length < DOSSIERS) {
          codes.push('');
          const res = await http(first.url, 'POST', '/api/v1/dossiers', {
            token: from.tokens.intake,
            json: intakeBody(w, false),
            timeoutMs: 60_000,
          });
          if (res.status !== 201) throw new Error(`intake: ${res.status} ${res.text.slice(0, 200)}`);
          codes[codes.indexOf('')] = res.body.code;
        }
      };
      await Promise.all(Array.from({ length: 6 }, receiveSome));
      const before = await facts(db.knex, from.code, into.code);
      expect(before.dossiersAtFrom).toBe(DOSSIERS);

      // Merge, and SIGKILL while its transaction is open.
      const probe = await lockProbe(db);
      let answered = false;
      const merging = http(first.url, 'POST', `/api/v1/units/${from.code}/merge`, {
        token: w.adminToken,
        json: { intoCode: into.code },
        timeoutMs: 120_000,
      }).then((r) => ((answered = r.status !== 0), r));
      const caught = await waitFor(
        'the merge transaction open',
        async () => (answered ? 'answered' : (await probe.mergeOpen()) ? 'open' : false),
        60_000,
        5,
      );
      await first.kill9();
      const res = await merging;
      await probe.close();

      // Restart on the same database: all or nothing.
      const second = await spawnServer(env);
      const after = await facts(db.knex, from.code, into.code);
      const moved = after.mergedInto === into.code;
      if (moved) {
        expect(after).toMatchObject({
          fromActive: false,
          dossiersAtFrom: 0,
          dossiersAtInto: DOSSIERS,
          moveEvents: DOSSIERS,
          usersAtFrom: 0,
          usersAtInto: before.usersAtFrom + before.usersAtInto,
          versions: before.versions + DOSSIERS,
          visibleToInto: DOSSIERS,
          mergeRows: 1,
        });
      } else expect(after).toEqual(before);
      expect(await verifyChains(db.knex)).toEqual([]);

      // Whatever the kill left, the merge can be finished: the second attempt moves everything or is refused
      // because the first one had committed.
      const again = await http(second.url, 'POST', `/api/v1/units/${from.code}/merge`, {
        token: w.adminToken,
        json: { intoCode: into.code },
        timeoutMs: 120_000,
      });
      if (moved) expect(again.status).toBe(422);
      else {
        expect(again.status).toBe(200);
        expect(again.body.moved).toEqual({ users: before.usersAtFrom, dossiers: DOSSIERS, replies: 0 });
      }
      const final = await facts(db.knex, from.code, into.code);
      expect(final).toMatchObject({ dossiersAtFrom: 0, dossiersAtInto: DOSSIERS, moveEvents: DOSSIERS, mergeRows: 1 });
      // The new unit's specialist acts on a moved dossier.
      const d = await http(second.url, 'GET', `/api/v1/dossiers/${codes[0]}`, { token: w.adminToken });
      const fwd = await http(second.url, 'POST', `/api/v1/dossiers/${codes[0]}/events`, {
        token: into.tokens.specialist,
        json: { type: 'FORWARD', version: d.body.version },
      });
      expect(fwd.status).toBe(200);
      report(`unit merge kill -9 ${engine}`, {
        killedWhile: caught,
        firstAnswer: res.status || res.error,
        answerMs: res.ms,
        afterRestart: moved ? 'everything moved' : 'nothing moved',
      });
      await second.term();
    },
    600_000,
  );
});

/** What a merge changes, counted: equal before and after when nothing moved. */
async function facts(k: Knex, fromCode: string, intoCode: string) {
  const unit = async (code: string) => (await k('units').where({ code }).first('id', 'active', 'merged_into_id'))!;
  const from = await unit(fromCode);
  const into = await unit(intoCode);
  const count = async (q: Knex.QueryBuilder) => Number((await q.count({ n: '*' }).first())!.n);
  const ofFrom = () => k('dossiers').where('code', 'like', `${fromCode}-%`);
  const merged = from.merged_into_id == null ? null : await k('units').where({ id: from.merged_into_id }).first('code');
  return {
    fromActive: Boolean(Number(from.active)),
    mergedInto: merged?.code ?? null,
    dossiersAtFrom: await count(k('dossiers').where({ receiving_unit_id: from.id })),
    dossiersAtInto: await count(ofFrom().where({ receiving_unit_id: into.id })),
    moveEvents: await count(k('dossier_events').where({ type: 'UNIT_MERGED' })),
    usersAtFrom: await count(k('users').where({ unit_id: from.id })),
    usersAtInto: await count(k('users').where({ unit_id: into.id })),
    versions: Number((await ofFrom().sum({ v: 'version' }).first())!.v ?? 0),
    visibleToInto: await count(
      k('dossier_units').where({ unit_id: into.id }).whereIn('dossier_id', ofFrom().select('id')),
    ),
    mergeRows: await count(k('unit_merges')),
  };
}

/**
 * Seen from outside the app: is the merge's transaction open? SQLite: the write lock is taken (a
 * `BEGIN IMMEDIATE` with no busy wait fails); MariaDB: the app is running one of the merge's statements.
 */
async function lockProbe(db: FaultDb): Promise<{ mergeOpen(): Promise<boolean>; close(): Promise<void> }> {
  if (db.engine === 'mysql')
    return {
      async mergeOpen() {
        // Jobs are off: a statement of the app's naming the move, or a savepoint (one per dossier moved
        // through the engine inside the merge's transaction), is the merge at work.
        const [rows] = await db.knex.raw(
          'SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID() ' +
            "AND (info LIKE '%UNIT_MERGED%' OR info LIKE 'SAVEPOINT%' OR info LIKE '%dossier_units%')",
          [db.name],
        );
        return Number(rows[0]?.n ?? 0) > 0;
      },
      close: async () => undefined,
    };
  const k = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: db.name },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (c: { pragma: (s: string) => unknown }, done: (e: Error | null, c: unknown) => void) => {
        c.pragma('busy_timeout = 0');
        done(null, c);
      },
    },
  });
  onCleanup(() => k.destroy());
  let seen = 0;
  return {
    async mergeOpen() {
      try {
        await k.raw('BEGIN IMMEDIATE');
        await k.raw('ROLLBACK');
        seen = 0;
      } catch {
        seen++;
      }
      // Twice in a row: a token's last-use write holds the lock for a moment only.
      return seen >= 2;
    },
    close: () => k.destroy(),
  };
}
