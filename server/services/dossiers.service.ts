import type { Db } from '../db';
import {
  documentsOf,
  documentsOfMany,
  dossierPage,
  DossierRow,
  DossierScope,
  findDossierByCode,
  listEvents,
} from '../queries/dossiers.queries';
import type { ListQuery } from '../schemas/dossier.schema';
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
  const docs = await documentsOfMany(
    db,
    rows.map((r) => r.id),
  );
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
  const scopes: DossierScope[] = [];
  if (visible) scopes.push(visible);
  if (q.mine) scopes.push(actionableFilter(user));
  return dossierPage(db, {
    scopes,
    status: q.status,
    procedureCode: q.procedureCode,
    overdueAt: q.overdue ? now : undefined,
    // Code and applicant name, ignoring case and diacritics.
    q: q.q,
    order: q.mine ? 'step_due' : 'newest',
    offset: (q.page - 1) * q.pageSize,
    limit: q.pageSize,
  });
}
