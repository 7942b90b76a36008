import type { Knex } from 'knex';
import type { Db } from '../db';
import { getSetting, insertSettingIfAbsent } from '../queries/app-settings.queries';
import { addCounts, compareCounts, factsOf, rebuildCounts } from '../queries/report-counts.queries';
import { cellDelta } from '../../workflows/reports/counts';

/**
 * The report counts (design.md §8–9, workflows/reports/counts.ts) kept exact: the engine moves them in
 * the transaction of every dossier change, intake adds a new dossier's, and an admin can rebuild and
 * check them (`npm run reports:check`, `npm run reports:rebuild`).
 */

/** Move the counts from what a dossier row was to what it is now (null: it did not exist). */
export async function moveReportCounts(
  trx: Knex.Transaction,
  before: object | null,
  after: object | null,
): Promise<void> {
  const cells = cellDelta(
    before && factsOf(before as Record<string, unknown>),
    after && factsOf(after as Record<string, unknown>),
  );
  if (cells.length) await addCounts(trx, cells);
}

const BUILT = 'report_counts.built';

/**
 * At start-up: a database that had dossiers before the counts existed (migration 030) gets them
 * computed once; afterwards the engine keeps them. Run under the start-up lock.
 */
export async function ensureReportCounts(db: Db): Promise<{ dossiers: number; cells: number } | null> {
  if (await getSetting(db, BUILT)) return null;
  return rebuildReportCounts(db);
}

/** Recompute every count from the dossiers (server/queries/report-counts.queries.ts says how it stays exact). */
export async function rebuildReportCounts(db: Db): Promise<{ dossiers: number; cells: number }> {
  const built = await rebuildCounts(db);
  await insertSettingIfAbsent(db, BUILT, String(Date.now()));
  return built;
}

export { compareCounts as compareReportCounts };
