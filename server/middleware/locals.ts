import type { Request, RequestHandler } from 'express';
import { ROLE_LABELS, Role } from '../../workflows/labels';

interface NavItem {
  href: string;
  label: string;
  roles?: Role[];
}

/** Navigation by role: a user sees only what they may use. */
export const NAV: NavItem[] = [
  { href: '/', label: 'Trang chủ' },
  { href: '/quan-tri/don-vi', label: 'Đơn vị', roles: ['admin'] },
  { href: '/quan-tri/nguoi-dung', label: 'Người dùng', roles: ['admin'] },
  { href: '/tra-cuu', label: 'Tra cứu hồ sơ' },
];

export function flash(req: Request, kind: 'success' | 'error' | 'info', text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, text }];
}

/** Locals every page layout reads: the user, the CSRF token, navigation and flash messages. */
export function pageLocals(generateToken: (req: Request) => string): RequestHandler {
  return (req, res, next) => {
    res.locals.csrfToken = generateToken(req);
    const user = req.user;
    if (user) {
      res.locals.currentUser = { ...user, roleNames: user.roles.map((r) => ROLE_LABELS[r]).join(', ') };
      res.locals.nav = NAV.filter((n) => !n.roles || n.roles.some((r) => user.roles.includes(r))).map((n) => ({
        ...n,
        current: n.href === '/' ? req.path === '/' : req.path.startsWith(n.href),
      }));
    }
    if (req.session?.flash?.length) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  };
}
