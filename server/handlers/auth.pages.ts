import type { NextFunction, Request, Response } from 'express';
import type { Authenticator as Passport } from '../auth/passport';
import { TooMany } from '../errors';
import { flash } from '../middleware/locals';

/** Only same-site relative paths: a `next` parameter must not send anyone elsewhere. */
function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/(?!\/)[^\s\\]*$/.test(v) && !v.startsWith('/dang-xuat') ? v : '/';
}

export function authPages(passport: Passport) {
  return {
    showLogin(req: Request, res: Response) {
      if (req.user) return res.redirect(303, safeNext(req.query.next));
      res.render('pages/auth/login', { title: 'Đăng nhập', next: safeNext(req.query.next), layout: 'bare' });
    },
    login(req: Request, res: Response, next: NextFunction) {
      const username = typeof req.body?.username === 'string' ? req.body.username.slice(0, 64) : '';
      const password = typeof req.body?.password === 'string' ? req.body.password : '';
      const target = safeNext(req.body?.next);
      const again = (status: number, error: string, fields: Record<string, string> = {}) =>
        res
          .status(status)
          .render('pages/auth/login', { title: 'Đăng nhập', layout: 'bare', username, next: target, error, fields });
      if (!username.trim() || !password) {
        return again(422, 'Vui lòng nhập tên đăng nhập và mật khẩu.', {
          ...(username.trim() ? {} : { username: 'Tên đăng nhập là bắt buộc' }),
          ...(password ? {} : { password: 'Mật khẩu là bắt buộc' }),
        });
      }
      passport.authenticate('local', (err: unknown, user: Express.User | false, info?: { message?: string }) => {
        if (err instanceof TooMany) {
          if (err.retryAfterSeconds) res.set('Retry-After', String(err.retryAfterSeconds));
          return again(429, err.message);
        }
        if (err) return next(err);
        if (!user) return again(401, info?.message ?? 'Tên đăng nhập hoặc mật khẩu không đúng.');
        req.login(user, (loginErr) => {
          if (loginErr) return next(loginErr);
          res.redirect(303, target);
        });
      })(req, res, next);
    },
    logout(req: Request, res: Response, next: NextFunction) {
      req.logout((err) => {
        if (err) return next(err);
        flash(req, 'info', 'Bạn đã đăng xuất.');
        res.redirect(303, '/dang-nhap');
      });
    },
  };
}
