import type { Response } from 'express';
import type { AppContext } from '../context';
import { Invalid } from '../errors';
import { parseFields } from '../schemas/validate';
import { listUnits, subtreeIds } from '../queries/units.queries';
import { searchUsers } from '../queries/users.queries';
import { treeOrder } from '../services/reports.service';
import { disableUser, findUserOr404, takeOverCandidates, userWork } from '../services/user-work.service';
import { disableUserSchema, grantField, type UsersPageQuery } from '../schemas/user-pages.schema';
import type { usersPageQuerySchema } from '../schemas/user-pages.schema';
import type { usernameParams } from '../schemas/params.schema';
import { flash } from '../middleware/locals';
import type { Req } from '../routes/route';
import { DISPATCH_STATE_LABELS, REPLY_STATE_LABELS, ROLE_LABELS, ROLES } from '../../workflows/labels';
import type { DispatchState, ReplyState } from '../../workflows/labels';

export const PAGE_SIZE = 50;
export const ROLE_OPTIONS = ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }));
const NO_FILTER: UsersPageQuery = { trang: 1, 'cap-duoi': false };

/** The query string of the list with these filters and page (page 1 is left out). */
function listHref(f: UsersPageQuery, page: number): string {
  const p = new URLSearchParams();
  if (f.tim) p.set('tim', f.tim);
  if (f['don-vi']) p.set('don-vi', f['don-vi']);
  if (f['don-vi'] && f['cap-duoi']) p.set('cap-duoi', '1');
  if (f['vai-tro']) p.set('vai-tro', f['vai-tro']);
  if (f['trang-thai']) p.set('trang-thai', f['trang-thai']);
  if (page > 1) p.set('trang', String(page));
  const s = p.toString();
  return `/quan-tri/nguoi-dung${s ? `?${s}` : ''}`;
}

/**
 * The user list (/quan-tri/nguoi-dung): search by name, username or e-mail ignoring diacritics,
 * narrowed by unit (optionally with its sub-units), role and status, 50 a page; also shown again
 * with the add form's errors. An unknown unit code is ignored, like any other unusable value.
 */
export async function renderUsersPage(
  ctx: AppContext,
  res: Response,
  filter: UsersPageQuery = NO_FILTER,
  extra: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const units = await listUnits(ctx.db);
  const unit = filter['don-vi'] ? units.find((u) => u.code === filter['don-vi']) : undefined;
  const f: UsersPageQuery = { ...filter, 'don-vi': unit?.code };
  const unitIds = unit ? (f['cap-duoi'] ? await subtreeIds(ctx.db, unit.id) : [unit.id]) : undefined;
  const search = (page: number) =>
    searchUsers(ctx.db, {
      q: f.tim || undefined,
      withEmail: true,
      unitIds,
      role: f['vai-tro'],
      active: f['trang-thai'] ? f['trang-thai'] === 'hoat-dong' : undefined,
      offset: (page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    });
  let { rows, total } = await search(f.trang);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  // A page past the end (an old link after users were disabled) shows the last one.
  const page = Math.min(f.trang, pages);
  if (page !== f.trang) ({ rows, total } = await search(page));
  const filtered = !!(f.tim || unit || f['vai-tro'] || f['trang-thai']);
  res.status(status).render('pages/admin/users', {
    title: 'Quản lý người dùng',
    users: rows,
    total,
    filtered,
    filter: f,
    unitOptions: treeOrder(units, null).map((u) => ({
      code: u.code,
      label: `${'\u00a0\u00a0'.repeat(u.depth)}${u.name}${u.active ? '' : ' (ngừng hoạt động)'}`,
    })),
    units: units.filter((u) => u.active),
    roles: ROLE_OPTIONS,
    page,
    pages,
    first: total ? (page - 1) * PAGE_SIZE + 1 : 0,
    last: (page - 1) * PAGE_SIZE + rows.length,
    prev: page > 1 ? listHref(f, page - 1) : null,
    next: page < pages ? listHref(f, page + 1) : null,
    form: { roles: [] },
    ...extra,
  });
}

/** The warning page before disabling a user who still has work, with the ways to hand it over. */
async function renderDisablePage(
  ctx: AppContext,
  res: Response,
  username: string,
  extra: Record<string, unknown> = {},
  status = 200,
): Promise<void> {
  const user = await findUserOr404(ctx.db, username);
  const w = await userWork(ctx.db, user);
  const { takers, grantees } = await takeOverCandidates(ctx.db, user, w);
  const form = (extra.form ?? {}) as Record<string, string | undefined>;
  res.status(status).render('pages/admin/user-disable', {
    title: `Khóa người dùng ${user.username}`,
    user,
    w,
    dispatches: w.dispatches.map((d) => ({
      ...d,
      stateText: DISPATCH_STATE_LABELS[d.state as DispatchState] ?? d.state,
    })),
    replies: w.replies.map((r) => ({ ...r, stateText: REPLY_STATE_LABELS[r.state as ReplyState] ?? r.state })),
    dossiers: w.dossiers.map((d) => ({ ...d, roleText: ROLE_LABELS[d.stepRole] })),
    ownsWork: w.dispatches.length + w.replies.length > 0,
    soleSpecialist: w.soleRoles.includes('specialist'),
    takers,
    grants: w.soleRoles.map((role) => ({
      role,
      field: grantField(role),
      roleText: ROLE_LABELS[role],
      count: w.dossiers.filter((d) => d.stepRole === role).length,
      value: form[grantField(role)] ?? '',
    })),
    grantees,
    to: form.to ?? '',
    ...extra,
  });
}

export function userPages(ctx: AppContext) {
  return {
    listUsers: (req: Req<{ query: typeof usersPageQuerySchema }>, res: Response) =>
      renderUsersPage(ctx, res, req.input.query),
    disableForm: (req: Req<{ params: typeof usernameParams }>, res: Response) =>
      renderDisablePage(ctx, res, req.input.params.username),
    async disable(req: Req<{ params: typeof usernameParams }>, res: Response) {
      const { username } = req.input.params;
      try {
        const input = parseFields(disableUserSchema, req.body);
        const r = await disableUser(ctx.db, req.user!, username, input);
        const parts = [
          r.moved ? `đã chuyển ${r.moved} công văn, ý kiến` : '',
          ...r.granted.map((role) => `đã giao vai trò ${ROLE_LABELS[role].toLowerCase()}`),
        ].filter(Boolean);
        flash(
          req,
          'success',
          `Đã khóa người dùng ${r.user.username}${parts.length ? ` (${parts.join('; ')})` : ''}; mọi phiên đăng nhập đã kết thúc.`,
        );
        res.redirect(303, '/quan-tri/nguoi-dung');
      } catch (err) {
        if (!(err instanceof Invalid)) throw err;
        const fields = ((err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {}) as Record<
          string,
          string
        >;
        await renderDisablePage(ctx, res, username, { error: err.message, fields, form: req.body }, 422);
      }
    },
  };
}

/** Where the edit form sends an admin who unticked "active" for a user who still has work, or null. */
export async function disableWarningFor(ctx: AppContext, username: string): Promise<string | null> {
  const user = await findUserOr404(ctx.db, username);
  if (!user.active) return null;
  const w = await userWork(ctx.db, user);
  return w.total ? `/quan-tri/nguoi-dung/${encodeURIComponent(user.username)}/khoa` : null;
}
