import type { Db } from '../db';
import {
  DocumentRow,
  documentsOf,
  documentsOfMany,
  dossierPage,
  DossierRow,
  DossierScope,
  EventRow,
  findDossierByCode,
  listEvents,
} from '../queries/dossiers.queries';
import { dossiersWithMissingReplies } from '../queries/consultations.queries';
import { findResult, findResults, type ResultRow } from '../queries/results.queries';
import type { ListQuery } from '../schemas/dossier.schema';
import { compiledVersion } from './catalog.service';
import {
  actionableFilter,
  assertCanSeeDossier as assertVisible,
  dossierVisibilityFilter as visibilityFilter,
} from '../policies/dossier.policy';
import { clockOf } from './dossier-clock';
import { dossierSyncState, dossierSyncStates } from './portal-sync.service';
import type { SyncState } from '../../workflows/portal';
import type { WorkCalendar } from '../../workflows/calendar';
import { dossierUrgency, type Urgency } from '../../workflows/clock';
import type { ProcedureDefinition } from '../../workflows/procedure';

/**
 * A dossier as services hand it out: its row, the procedure version it follows and its document
 * checklist, read together. `asOf` is the moment it was read: what is computed rather than stored
 * (overdue) is computed at that moment. server/presenters/dossier.presenter shapes it for the API.
 */
export interface DossierView {
  row: DossierRow;
  def: ProcedureDefinition;
  documents: DocumentRow[];
  asOf: number;
  /** The result (design.md §10), when the procedure has one and a draft was put. */
  result: ResultRow | null;
  /** Its mirror on the national portal (design.md §12). */
  sync: SyncState;
}

/** The view of a row already read (inside a transaction, too: `db` may be the transaction). */
export async function dossierViewOf(
  db: Db,
  row: DossierRow,
  def: ProcedureDefinition,
  asOf: number,
): Promise<DossierView> {
  return {
    row,
    def,
    documents: await documentsOf(db, row.id),
    asOf,
    result: await findResult(db, row.id),
    sync: await dossierSyncState(db, row.id),
  };
}

async function viewsOf(db: Db, rows: DossierRow[], asOf: number): Promise<DossierView[]> {
  if (rows.length === 0) return [];
  const docs = await documentsOfMany(
    db,
    rows.map((r) => r.id),
  );
  const results = await findResults(
    db,
    rows.map((r) => r.id),
  );
  const syncs = await dossierSyncStates(
    db,
    rows.map((r) => r.id),
  );
  const out: DossierView[] = [];
  for (const row of rows) {
    const { def } = await compiledVersion(db, row.procedure_version_id);
    const result = results.get(row.id) ?? null;
    const sync = syncs.get(row.id)!;
    out.push({ row, def, documents: docs.filter((d) => d.dossier_id === row.id), asOf, result, sync });
  }
  return out;
}

/**
 * The row a route's loader (routes/loaders) found visible, until the service of the same request
 * takes it: keyed by the request's user object (built afresh for each request), so the 404 check
 * before the body is read and the service after it cost one read, not two. Taken once.
 */
const loaded = new WeakMap<object, { code: string; row: DossierRow }>();

/** A dossier the user may see, read and checked (404 otherwise); the next {@link visibleDossier} of this request takes it. */
export async function loadVisibleDossier(db: Db, user: Express.User, code: string): Promise<void> {
  loaded.set(user, { code, row: await visibleDossier(db, user, code) });
}

/** Drop what this request's loader read (the engine calls it: a row it changes is read afresh after). */
export function forgetLoadedDossier(user: object): void {
  loaded.delete(user);
}

/** The row of a dossier the user may see (404 otherwise): the one this request's loader read, or read now. */
export async function visibleDossier(db: Db, user: Express.User, code: string): Promise<DossierRow> {
  const memo = loaded.get(user);
  if (memo) {
    loaded.delete(user);
    if (memo.code === code) return memo.row;
  }
  return assertVisible(db, user, await findDossierByCode(db, code));
}

/** A dossier the user may see (404 otherwise). */
export async function getDossier(db: Db, user: Express.User, code: string, now = Date.now()): Promise<DossierView> {
  const row = await visibleDossier(db, user, code);
  const { def } = await compiledVersion(db, row.procedure_version_id);
  return dossierViewOf(db, row, def, now);
}

/** The visible dossier's row alone (downloads, print forms). */
export async function getVisibleRow(db: Db, user: Express.User, code: string): Promise<DossierRow> {
  return visibleDossier(db, user, code);
}

/** Every event of a visible dossier, oldest first. */
export async function history(db: Db, user: Express.User, code: string): Promise<EventRow[]> {
  const row = await visibleDossier(db, user, code);
  return listEvents(db, row.id);
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
): Promise<{ items: DossierView[]; total: number }> {
  const { rows, total } = await listRows(db, user, q, now);
  return { items: await viewsOf(db, rows, now), total };
}

/**
 * A work-list item: the dossier and how urgent it is (workflows/clock's one rule), and whether a
 * consultation of it has a reply missing at its due date (design.md §11: "Lấy ý kiến quá hạn").
 */
export type WorkItem = DossierView & { urgency: Urgency | null; consultationLate: boolean };

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
  const items = await viewsOf(db, rows, now);
  const late = await dossiersWithMissingReplies(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: items.map((v) => ({
      ...v,
      urgency: dossierUrgency(cal, clockOf(v.row), now),
      consultationLate: late.has(v.row.id),
    })),
    total,
  };
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
