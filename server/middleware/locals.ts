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
  { href: '/ho-so/moi', label: 'Tiếp nhận hồ sơ', roles: ['intake'] },
  { href: '/ho-so', label: 'Hồ sơ' },
  { href: '/so-theo-doi', label: 'Sổ theo dõi', roles: ['intake', 'specialist', 'head', 'leader', 'clerk'] },
  { href: '/cong-van', label: 'Công văn', roles: ['intake', 'specialist', 'head', 'leader', 'clerk'] },
  { href: '/bao-cao', label: 'Báo cáo' },
  { href: '/quan-tri/thu-tuc', label: 'Thủ tục', roles: ['admin'] },
  { href: '/quan-tri/lich', label: 'Lịch làm việc', roles: ['admin'] },
  { href: '/quan-tri/don-vi', label: 'Đơn vị', roles: ['admin'] },
  { href: '/quan-tri/nguoi-dung', label: 'Người dùng', roles: ['admin'] },
  { href: '/quan-tri/thu', label: 'Thư', roles: ['admin'] },
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
