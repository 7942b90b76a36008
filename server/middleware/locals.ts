import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ROLE_LABELS, Role } from '../../workflows/labels';

interface NavItem {
  href: string;
  label: string;
  roles?: Role[];
}

/** What waits for a user, as the navigation shows it beside "Hồ sơ" and "Công văn". */
export interface NavCounts {
  dossiers: number;
  dispatches: number;
}

/** Navigation by role: a user sees only what they may use. */
export const NAV: NavItem[] = [
  { href: '/', label: 'Trang chủ' },
  { href: '/ho-so/moi', label: 'Tiếp nhận hồ sơ', roles: ['intake'] },
  { href: '/ho-so', label: 'Hồ sơ' },
  { href: '/so-theo-doi', label: 'Sổ theo dõi', roles: ['intake', 'specialist', 'head', 'leader', 'clerk'] },
  { href: '/cong-van', label: 'Công văn', roles: ['intake', 'specialist', 'head', 'leader', 'clerk'] },
  { href: '/bao-cao', label: 'Báo cáo' },
  { href: '/uy-quyen', label: 'Ủy quyền', roles: ['leader'] },
  { href: '/quan-tri/thu-tuc', label: 'Thủ tục', roles: ['admin'] },
  { href: '/quan-tri/lich', label: 'Lịch làm việc', roles: ['admin'] },
  { href: '/quan-tri/don-vi', label: 'Đơn vị', roles: ['admin'] },
  { href: '/quan-tri/nguoi-dung', label: 'Người dùng', roles: ['admin'] },
  { href: '/quan-tri/thu', label: 'Thư', roles: ['admin'] },
  { href: '/quan-tri/dong-bo', label: 'Đồng bộ Cổng DVC', roles: ['admin'] },
  { href: '/quan-tri/chung-thu-so', label: 'Chứng thư số', roles: ['admin'] },
];

export function flash(req: Request, kind: 'success' | 'error' | 'info', text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, text }];
}

/** Counts beside a navigation entry, and how a screen reader says them. */
function navCount(href: string, counts: NavCounts | null): { count: number; countText: string } | null {
  if (!counts) return null;
  if (href === '/ho-so' && counts.dossiers > 0)
    return { count: counts.dossiers, countText: `${counts.dossiers} hồ sơ chờ bạn xử lý` };
  if (href === '/cong-van' && counts.dispatches > 0)
    return { count: counts.dispatches, countText: `${counts.dispatches} việc công văn chờ bạn` };
  return null;
}

/**
 * Locals every page layout reads: the user, the CSRF token, navigation (with the counts of work
 * waiting, on pages that render) and flash messages.
 * @param countsOf what waits for a user (services/work-counts), asked on GET pages only
 */
export function pageLocals(
  generateToken: (req: Request) => string,
  countsOf?: (user: Express.User) => Promise<NavCounts>,
): RequestHandler {
  return async (req, res, next) => {
    res.locals.csrfToken = generateToken(req);
    // A fresh one-time token on every page, for the forms that create something (middleware/form-once).
    res.locals.formToken = crypto.randomUUID();
    const user = req.user;
    if (user) {
      let counts: NavCounts | null = null;
      if (countsOf && req.method === 'GET' && user.unitId != null) {
        try {
          counts = await countsOf(user);
        } catch (err) {
          return next(err);
        }
      }
      res.locals.navCounts = counts;
      res.locals.currentUser = { ...user, roleNames: user.roles.map((r) => ROLE_LABELS[r]).join(', ') };
      res.locals.nav = NAV.filter((n) => !n.roles || n.roles.some((r) => user.roles.includes(r))).map((n) => ({
        ...n,
        ...navCount(n.href, counts),
        current:
          n.href === '/'
            ? req.path === '/'
            : req.path === n.href ||
              (req.path.startsWith(n.href + '/') &&
                !NAV.some((o) => o.href !== n.href && o.href.startsWith(n.href) && req.path.startsWith(o.href))),
      }));
    }
    if (req.session?.flash?.length) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  };
}
