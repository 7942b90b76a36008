import type { Mail } from './mailer';
import { mail } from './compose';
import type { PortalRow } from '../queries/portal.queries';
import { FAILING_AFTER } from '../../workflows/portal';
import { PORTAL_SERVICE_LABELS } from '../../workflows/portal-labels';
import { formatVnDateTime } from '../../workflows/calendar/time';

export const PORTAL_ALERT_SUBJECT = '[Một Cửa] Đồng bộ Cổng DVC quốc gia đang lỗi';

/** The alert to each admin that messages to the national portal are piling up unsent (design.md §12). */
export function portalAlertMails(
  admins: ReadonlyArray<{ fullName: string; email: string }>,
  facts: { failing: number; failed: number; pending: number; oldest: PortalRow[] },
  publicUrl: string,
): Mail[] {
  const oldest = facts.oldest.map((r) => ({
    code: r.dossier_code,
    service: PORTAL_SERVICE_LABELS[r.service] ?? r.service,
    since: formatVnDateTime(new Date(r.created_at)),
    attempts: r.attempts,
    refused: r.status === 'failed',
    error: r.last_error ? (r.last_error.length > 200 ? `${r.last_error.slice(0, 200)}…` : r.last_error) : null,
  }));
  return admins.map((a) =>
    mail('portal-alert', a.email, PORTAL_ALERT_SUBJECT, {
      name: a.fullName,
      failing: facts.failing,
      failed: facts.failed,
      pending: facts.pending,
      failingAfter: FAILING_AFTER,
      oldest,
      pageUrl: `${publicUrl}/quan-tri/dong-bo`,
    }),
  );
}
