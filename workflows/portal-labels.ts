/**
 * The national portal's words for people (glossary.md: Cổng Dịch vụ công quốc gia · Trạng thái đồng
 * bộ): a dossier's sync state and the two kinds of message, for pages and mail alike.
 */
import { PORTAL_SERVICE, type SyncState } from './portal';

/** A dossier's sync state; `off`: nothing of it was ever queued (sync off, or received before). */
export const SYNC_LABELS: Record<SyncState['state'], string> = {
  synced: 'Đã đồng bộ',
  pending: 'Chờ đồng bộ',
  failed: 'Lỗi đồng bộ',
  off: 'Chưa đồng bộ',
};

/** The two services of the portal, as a person calls them. */
export const PORTAL_SERVICE_LABELS: Record<string, string> = {
  [PORTAL_SERVICE.header]: 'Hồ sơ',
  [PORTAL_SERVICE.step]: 'Tiến độ xử lý',
};
