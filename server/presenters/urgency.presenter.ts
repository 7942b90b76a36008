import { formatVnDateTime } from '../../workflows/calendar';
import type { Urgency } from '../../workflows/clock';

/** The work-list badge of a dossier: "Quá hạn" or "Sắp đến hạn", and which due time says so. */
export interface UrgencyBadge {
  /** CSS suffix: badge-bad / badge-warn, row-overdue / row-soon. */
  kind: 'bad' | 'warn';
  row: 'overdue' | 'soon';
  text: 'Quá hạn' | 'Sắp đến hạn';
  title: string;
}

/** How a page shows workflows/clock's urgency of a dossier; null when it is neither overdue nor due soon. */
export function urgencyBadge(u: Urgency | null): UrgencyBadge | null {
  if (!u) return null;
  const when = formatVnDateTime(new Date(u.dueAt));
  if (u.state === 'overdue') {
    return {
      kind: 'bad',
      row: 'overdue',
      text: 'Quá hạn',
      title: u.of === 'step' ? `Bước xử lý quá hạn (hạn bước ${when})` : `Hồ sơ quá hạn (hẹn trả ${when})`,
    };
  }
  return {
    kind: 'warn',
    row: 'soon',
    text: 'Sắp đến hạn',
    title: `${u.of === 'step' ? 'Hạn bước' : 'Hẹn trả'} ${when}: còn không quá một ngày làm việc`,
  };
}
