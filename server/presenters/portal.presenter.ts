import type { PortalRow } from '../queries/portal.queries';
import type { MismatchRow } from '../queries/portal-admin.queries';
import type { PortalOverview } from '../services/portal-admin.service';
import { FAILING_AFTER, PORTAL_SERVICE, type SyncState } from '../../workflows/portal';
import { NATIONAL_STATUS, PUBLIC_STATUSES, STATUS_TEXT, type PublicStatus } from '../../workflows/status';
import { PORTAL_SERVICE_LABELS as SERVICE_LABELS, SYNC_LABELS } from '../../workflows/portal-labels';

const SYNC_KIND: Record<SyncState['state'], 'ok' | 'warn' | 'bad' | 'muted'> = {
  synced: 'ok',
  pending: 'warn',
  failed: 'bad',
  off: 'muted',
};

const MAX_ANSWER = 300;
/** A portal answer shortened for a table cell (the template escapes it). */
export const clipAnswer = (s: string | null): string | null =>
  s == null ? null : s.length > MAX_ANSWER ? `${s.slice(0, MAX_ANSWER)}…` : s;

/** The badge of a dossier's sync state: words, not colour alone; the portal's message when failed. */
export function syncBadge(sync: SyncState) {
  const text = SYNC_LABELS[sync.state];
  return {
    kind: SYNC_KIND[sync.state],
    text: `Cổng DVC quốc gia: ${text}`,
    message: sync.state === 'failed' ? clipAnswer(sync.message) : null,
    title:
      sync.state === 'off'
        ? 'Chưa có thông tin nào của hồ sơ được gửi lên Cổng Dịch vụ công quốc gia'
        : `Trạng thái đồng bộ với Cổng Dịch vụ công quốc gia: ${text}`,
  };
}

/** A message's state for the admin: refused by us, failing again and again, or waiting its turn. */
function messageState(r: PortalRow): { text: string; kind: 'bad' | 'warn' } {
  if (r.status === 'failed') return { text: 'Không gửi (dữ liệu chưa hợp lệ)', kind: 'bad' };
  if (r.attempts >= FAILING_AFTER) return { text: 'Gửi lỗi', kind: 'bad' };
  return { text: 'Chờ gửi', kind: 'warn' };
}

/** One row of the admin page's list of messages not yet accepted. */
export function messageRow(r: PortalRow) {
  const state = messageState(r);
  return {
    id: r.id,
    code: r.dossier_code,
    service: SERVICE_LABELS[r.service] ?? r.service,
    stateText: state.text,
    stateKind: state.kind,
    attempts: r.attempts,
    queuedAt: r.created_at,
    // A message never tried waits for its turn (behind an earlier one of its dossier, or the next pass).
    nextAt: r.status === 'pending' && r.attempts > 0 ? r.available_at : null,
    waiting: r.status === 'pending' && r.attempts === 0,
    // Resending helps a message that was tried or refused; one never tried is already due.
    resendable: r.status === 'failed' || r.attempts > 0,
    answer: clipAnswer(r.last_error),
  };
}

const statusOfCode = new Map(PUBLIC_STATUSES.map((s) => [NATIONAL_STATUS[s], s] as const));
/** "4 – Đang xử lý": a national status code with its words. */
export const nationalStatusText = (code: number | null): string => {
  if (code == null) return '—';
  const s = statusOfCode.get(code);
  return s ? `${code} – ${STATUS_TEXT[s]}` : String(code);
};

type Count = { service: string; nationalStatus: number | null; n: number };

/** A day's reconciliation table: headers queued and accepted per national status, then the steps and the total. */
export function dayTable(counts: { queued: Count[]; accepted: Count[] }) {
  const sum = (list: Count[], f: (c: Count) => boolean) => list.filter(f).reduce((a, c) => a + c.n, 0);
  const line = (label: string, f: (c: Count) => boolean) => {
    const queued = sum(counts.queued, f);
    const accepted = sum(counts.accepted, f);
    return { label, queued, accepted, gap: queued !== accepted };
  };
  const header = (c: Count) => c.service === PORTAL_SERVICE.header;
  const codes = [...new Set([...counts.queued, ...counts.accepted].filter(header).map((c) => c.nationalStatus))];
  const order = PUBLIC_STATUSES.map((s) => NATIONAL_STATUS[s]);
  codes.sort((a, b) => order.indexOf(a ?? -1) - order.indexOf(b ?? -1));
  return {
    statuses: codes.map((code) =>
      line(`Hồ sơ – ${nationalStatusText(code)}`, (c) => header(c) && c.nationalStatus === code),
    ),
    steps: line(`${SERVICE_LABELS[PORTAL_SERVICE.step]}`, (c) => c.service === PORTAL_SERVICE.step),
    total: line('Tổng số tin', () => true),
  };
}

/** One dossier the portal has wrong now, with its sync state. */
export function mismatchRowOf(r: MismatchRow, sync: SyncState) {
  const status = r.status as PublicStatus;
  return {
    code: r.code,
    current: nationalStatusText(NATIONAL_STATUS[status] ?? null),
    acked: r.ackedStatus == null ? 'Chưa từng được Cổng tiếp nhận' : nationalStatusText(r.ackedStatus),
    ackedAt: r.ackedAt,
    sync: syncBadge(sync),
  };
}

/** The admin page's model of services/portal-admin portalOverview. */
export function portalPage(o: PortalOverview) {
  const { counts } = o;
  const pageHref = (p: number) => `/quan-tri/dong-bo?ngay=${o.day.date}&trang=${p}`;
  return {
    on: o.on,
    address: o.address,
    counts: { ...counts, pendingOnly: counts.pending - counts.failing },
    failingAfter: FAILING_AFTER,
    messages: o.messages.rows.map(messageRow),
    total: o.messages.total,
    pager:
      o.messages.pages > 1
        ? {
            page: o.messages.page,
            pages: o.messages.pages,
            prev: o.messages.page > 1 ? pageHref(o.messages.page - 1) : null,
            next: o.messages.page < o.messages.pages ? pageHref(o.messages.page + 1) : null,
          }
        : null,
    day: o.day.date,
    dayTable: dayTable(o.day),
    mismatched: o.mismatched.rows.map((m) => mismatchRowOf(m.row, m.sync)),
    mismatchedTotal: o.mismatched.total,
    mismatchedMore: Math.max(0, o.mismatched.total - o.mismatched.rows.length),
    neverQueued: o.neverQueued,
  };
}
