import session from 'express-session';
import type { Db } from '../db';
import {
  deleteExpiredSessions,
  deleteSession,
  extendSession,
  findLiveSession,
  upsertSession,
} from '../queries/sessions.queries';

/**
 * express-session store on the `sessions` table: sessions survive restarts and are shared by every
 * process. The user id is kept in its own column so disabling a user can delete its sessions at once.
 */
export class DbSessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {
    super();
  }

  private expiry(sess: session.SessionData): number {
    const exp = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : NaN;
    return Number.isFinite(exp) ? exp : Date.now() + this.ttlMs;
  }

  private userId(sess: session.SessionData): number | null {
    const u = (sess as { passport?: { user?: unknown } }).passport?.user;
    return typeof u === 'number' ? u : null;
  }

  override get(sid: string, cb: (err: unknown, s?: session.SessionData | null) => void): void {
    findLiveSession(this.db, sid, Date.now()).then((row) => cb(null, row ? JSON.parse(row.data) : null), cb);
  }

  override set(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    const row = { sid, user_id: this.userId(sess), data: JSON.stringify(sess), expires_at: this.expiry(sess) };
    upsertSession(this.db, row).then(
      () => cb?.(),
      (e) => cb?.(e),
    );
  }

  override touch(sid: string, sess: session.SessionData, cb?: (err?: unknown) => void): void {
    extendSession(this.db, sid, this.expiry(sess)).then(
      () => cb?.(),
      (e) => cb?.(e),
    );
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    deleteSession(this.db, sid).then(
      () => cb?.(),
      (e) => cb?.(e),
    );
  }

  /** Remove expired rows; called by the scheduler. */
  async prune(): Promise<number> {
    return deleteExpiredSessions(this.db, Date.now());
  }
}
