import { ENGINES } from '../helpers/db';
import { TestApp } from '../helpers/app';
import { buildUser } from '../factories/accounts';
import { receive, World, buildDossierApp } from '../factories/dossiers';
import { listDossiers } from '../../server/services/dossiers.service';
import { countFigures, listBehind } from '../../server/queries/reports.queries';
import { findUserByUsername } from '../../server/queries/users.queries';
import type { DossierRow } from '../../server/queries/dossiers.queries';
import { clockOf } from '../../server/services/dossier-clock';
import { dossierJson } from '../../server/presenters/dossier.presenter';
import { isInProgressAt, isOverdue } from '../../workflows/clock';

const H = 3_600_000;
const DAY = 86_400_000;
/** "Now" of every case: a Tuesday morning. */
const T = Date.parse('2030-01-15T10:00:00+07:00');

type Patch = Partial<
  Record<'status' | 'received_at' | 'due_at' | 'paused_at' | 'resolved_at' | 'completed_at', string | number | null>
>;

/** Clock edges, each a dossier as it stands at T (nothing happens after T). */
const CASES: Record<string, Patch> = {
  'processing, due exactly now': { status: 'processing', due_at: T },
  'processing, due 1 ms ago': { status: 'processing', due_at: T - 1 },
  'processing, due six days ago': { status: 'processing', due_at: T - 6 * DAY },
  'processing, due tomorrow': { status: 'processing', due_at: T + DAY },
  'processing, received exactly now': { status: 'processing', received_at: T, due_at: T + DAY },
  'paused after its due time': { status: 'waiting_supplement', due_at: T - 2 * H, paused_at: T - H },
  'paused before its due time': { status: 'waiting_supplement', due_at: T - H, paused_at: T - 2 * H },
  'paused exactly at its due time': { status: 'waiting_supplement', due_at: T - H, paused_at: T - H },
  'paused exactly now, late': { status: 'waiting_supplement', due_at: T - H, paused_at: T },
  'resolved late yesterday': { status: 'result_ready', due_at: T - 2 * DAY, resolved_at: T - DAY },
  'refused late exactly now': { status: 'refused', due_at: T - DAY, resolved_at: T, completed_at: T },
  'returned on time': {
    status: 'returned',
    due_at: T - DAY,
    resolved_at: T - 2 * DAY,
    completed_at: T - 3 * H,
  },
  'withdrawn late an hour ago': { status: 'withdrawn', due_at: T - 2 * DAY, completed_at: T - H },
  'withdrawn from result_ready': {
    status: 'withdrawn',
    due_at: T - 2 * DAY,
    resolved_at: T - 1.5 * DAY,
    completed_at: T - H,
  },
};

/** Moments to judge the reports at: before, at and after every edge above. */
const MOMENTS = [
  ...new Set(
    Object.values(CASES)
      .flatMap((c) => [c.due_at, c.paused_at, c.resolved_at, c.completed_at, c.received_at])
      .filter((v): v is number => typeof v === 'number')
      .flatMap((v) => [v - 1, v, v + 1, v + 2]),
  ),
]
  .filter((m) => m <= T + 1)
  .sort((a, b) => a - b);

describe.each(ENGINES)('SQL overdue conditions agree with workflows/clock on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let user: Express.User;
  const codeOf: Record<string, string> = {};
  let rows: DossierRow[];

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    const u = await buildUser(t.tdb.db, { unitId: w.commune.id, roles: ['intake'] });
    user = (await findUserByUsername(t.tdb.db, u.username))!;
    for (const [name, patch] of Object.entries(CASES)) {
      const code = (await receive(t.app, w, '1.000775')).code;
      codeOf[name] = code;
      await t.tdb
        .db('dossiers')
        .where({ code })
        .update({
          received_at: T - 10 * DAY,
          paused_at: null,
          resolved_at: null,
          completed_at: null,
          ...patch,
        });
    }
    rows = (await t.tdb.db('dossiers').whereIn('code', Object.values(codeOf))) as DossierRow[];
  });
  afterAll(() => t.close());

  const nameOf = (code: string) => Object.keys(codeOf).find((k) => codeOf[k] === code);
  const pure = (at: number, rule: typeof isOverdue) =>
    rows
      .filter((r) => rule(clockOf(r), at))
      .map((r) => nameOf(r.code))
      .sort();

  it('the list filter overdue=1 is isOverdue at now', async () => {
    const { items } = await listDossiers(t.tdb.db, user, { overdue: true, page: 1, pageSize: 100 }, T);
    const sql = items.map((d) => nameOf(d.row.code)).sort();
    expect(sql).toEqual(pure(T, isOverdue));
    // The edges themselves, so that a rule changed on both sides still says what users expect.
    expect(sql).toEqual(
      [
        'paused after its due time',
        'paused exactly now, late',
        'processing, due 1 ms ago',
        'processing, due six days ago',
      ].sort(),
    );
    // The JSON's flag is the same rule.
    expect(items.map(dossierJson).every((d) => d.overdue)).toBe(true);
  });

  it.each(MOMENTS.map((m) => [new Date(m).toISOString(), m]))(
    'the report figures and their lists at %s are isInProgressAt / isOverdue a millisecond before',
    async (_label, moment) => {
      const bounds = { start: moment - 30 * DAY, end: moment, moment };
      const [figures] = await countFigures(t.tdb.db, [w.commune.id], bounds, 'none');
      const behind = async (metric: 'overdue' | 'progress') =>
        (await listBehind(t.tdb.db, [w.commune.id], bounds, metric, { page: 1, pageSize: 100 })).rows
          .map((r) => nameOf(r.code))
          .sort();
      const overdue = pure(moment - 1, isOverdue);
      const progress = pure(moment - 1, isInProgressAt);
      expect(await behind('overdue')).toEqual(overdue);
      expect(await behind('progress')).toEqual(progress);
      expect(figures.counts.overdue).toBe(overdue.length);
      expect(figures.counts.progress).toBe(progress.length);
    },
  );
});
