import type { Knex } from 'knex';
import type { Db } from '../db';
import { documentsOf, DossierRow, dossierSelect, findDossierByCode, listEvents } from '../queries/dossiers.queries';
import type { ListQuery } from '../schemas/dossier.schema';
import { whereSearch } from '../queries/search';
import { compiledVersion } from './catalog.service';
import {
  actionableFilter,
  assertCanSeeDossier as assertVisible,
  dossierVisibilityFilter as visibilityFilter,
} from '../policies/dossier.policy';
import { clockOf, dossierJson, DossierJson, eventJson } from '../presenters/dossier.presenter';
import type { WorkCalendar } from '../../workflows/calendar';
import { dossierUrgency, type Urgency } from '../../workflows/clock';

async function present(db: Db, rows: DossierRow[], now = Date.now()): Promise<DossierJson[]> {
  if (rows.length === 0) return [];
  const docs = (await db('dossier_documents')
    .whereIn(
      'dossier_id',
      rows.map((r) => r.id),
    )
    .orderBy('id')) as Array<{ dossier_id: number; code: string; name: string; required: unknown; received: unknown }>;
  const out: DossierJson[] = [];
  for (const r of rows) {
    const { def } = await compiledVersion(db, r.procedure_version_id);
    out.push(
      dossierJson(
        r,
        def,
        docs.filter((d) => d.dossier_id === r.id),
        now,
      ),
    );
  }
  return out;
}

/** A dossier the user may see (404 otherwise), in the contract's shape. */
export async function getDossier(db: Db, user: Express.User, code: string): Promise<DossierJson> {
  const row = await assertVisible(db, user, await findDossierByCode(db, code));
  const { def } = await compiledVersion(db, row.procedure_version_id);
  return dossierJson(row, def, await documentsOf(db, row.id));
}

/** The visible dossier's raw row, for pages that need more than the JSON shape. */
export async function getVisibleRow(db: Db, user: Express.User, code: string): Promise<DossierRow> {
  return assertVisible(db, user, await findDossierByCode(db, code));
}

/** Every event of a visible dossier, oldest first. */
export async function history(db: Db, user: Express.User, code: string) {
  const row = await assertVisible(db, user, await findDossierByCode(db, code));
  return (await listEvents(db, row.id)).map(eventJson);
}

/**
 * The list with the contract's filters. `mine`: dossiers whose current step this user may act on
 * now (their unit handles it and they hold the step's role), most urgent first.
 */
export async function listDossiers(
  db: Db,
  user: Express.User,
  q: ListQuery,
  now = Date.now(),
): Promise<{ items: DossierJson[]; total: number }> {
  const { rows, total } = await listRows(db, user, q, now);
  return { items: await present(db, rows, now), total };
}

/** A work-list item: the dossier and how urgent it is (workflows/clock's one rule). */
export type WorkItem = DossierJson & { urgency: Urgency | null };

/**
 * {@link listDossiers} for the pages (work list, home): each item also says whether it is overdue
 * or due soon, by its step or overall due time ({@link dossierUrgency}).
 */
export async function listWork(
  db: Db,
  user: Express.User,
  q: ListQuery,
  cal: WorkCalendar,
  now = Date.now(),
): Promise<{ items: WorkItem[]; total: number }> {
  const { rows, total } = await listRows(db, user, q, now);
  const items = await present(db, rows, now);
  return { items: items.map((d, i) => ({ ...d, urgency: dossierUrgency(cal, clockOf(rows[i]), now) })), total };
}

async function listRows(
  db: Db,
  user: Express.User,
  q: ListQuery,
  now: number,
): Promise<{ rows: DossierRow[]; total: number }> {
  const visible = await visibilityFilter(db, user);
  const filter = (qb: Knex.QueryBuilder) => {
    if (visible) visible(qb);
    if (q.mine) actionableFilter(user)(qb);
    if (q.status) qb.where('d.status', q.status);
    if (q.procedureCode) qb.where('d.procedure_code', q.procedureCode);
    if (q.overdue) {
      // workflows/clock's isOverdue at `now`, in SQL (a test holds the two together).
      qb.where((w) =>
        w
          .where((a) => a.where('d.status', 'processing').andWhere('d.due_at', '<', now))
          .orWhere((b) => b.where('d.status', 'waiting_supplement').andWhereRaw('d.paused_at > d.due_at')),
      );
    }
    // Code and applicant name, ignoring case and diacritics (queries/search.ts).
    if (q.q) whereSearch(qb, 'd.search_text', q.q);
  };
  const [{ n }] = await db('dossiers as d').modify(filter).count<{ n: number }[]>({ n: '*' });
  // Deferred join: find the page's ids on the narrow index first, then read just those wide rows
  // (sorting a million full rows to return twenty was the slow part at scale).
  const ids = (await db('dossiers as d')
    .modify(filter)
    .modify((qb) =>
      q.mine
        ? qb.orderBy([
            { column: 'd.step_due_at', order: 'asc' },
            { column: 'd.id', order: 'asc' },
          ])
        : qb.orderBy('d.id', 'desc'),
    )
    .offset((q.page - 1) * q.pageSize)
    .limit(q.pageSize)
    .pluck('d.id')) as number[];
  const found = ids.length ? ((await dossierSelect(db).whereIn('d.id', ids)) as DossierRow[]) : [];
  const byId = new Map(found.map((r) => [r.id, r]));
  const rows = ids.map((id) => byId.get(id)).filter((r): r is DossierRow => !!r);
  return { rows, total: Number(n) };
}
