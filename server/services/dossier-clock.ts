import type { DossierRow } from '../queries/dossiers.queries';
import { isOverdue as clockIsOverdue, type DossierClock } from '../../workflows/clock';

type ClockRow = Pick<
  DossierRow,
  'status' | 'received_at' | 'due_at' | 'paused_at' | 'resolved_at' | 'completed_at' | 'step_due_at'
>;

/** The clock fields of a dossier row as workflows/clock reads them. */
export function clockOf(row: ClockRow): DossierClock & { stepDueAt: number | null } {
  return {
    status: row.status,
    receivedAt: row.received_at,
    dueAt: row.due_at,
    pausedAt: row.paused_at,
    resolvedAt: row.resolved_at,
    completedAt: row.completed_at,
    stepDueAt: row.step_due_at,
  };
}

/** Overdue is computed, never stored: the one rule of workflows/clock ({@link clockIsOverdue}). */
export function isOverdue(row: Omit<ClockRow, 'step_due_at'>, now: number): boolean {
  return clockIsOverdue(clockOf({ ...row, step_due_at: null }), now);
}
