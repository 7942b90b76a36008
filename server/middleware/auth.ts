import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Role } from '../../workflows/labels';
import type { Db } from '../db';
import { Forbidden, Unauthorized } from '../errors';
import { userForToken } from '../auth/tokens';
import { withDelegations } from '../services/delegations.service';

/** Who may call a route: anyone, any signed-in user, or a user holding one of the roles. */
export type Access = 'public' | 'user' | readonly Role[];

export function isApi(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

/** Bearer-token authentication for /api/v1: sets req.user or answers 401. */
export function bearerAuth(db: Db): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return next(new Unauthorized());
    const found = await userForToken(db, m[1]);
    if (!found) return next(new Unauthorized('Mã truy cập không hợp lệ, đã hết hạn hoặc đã bị thu hồi.'));
    // The delegations are read only when the token's query counted one in force today.
    const { user } = found;
    req.user =
      user.unitId == null ? user : found.delegated ? await withDelegations(db, user) : { ...user, delegations: [] };
    res.locals.tokenId = found.tokenId;
    next();
  };
}

/**
 * Deny by default: every route states its access. A page without a user redirects to the sign-in
 * form (remembering where it was going); an API call gets 401; a missing role gets 403.
 */
export function authorize(access: Access): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (access === 'public') return next();
    if (!req.user) {
      if (isApi(req)) return next(new Unauthorized());
      const target = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/dang-nhap${target}`);
    }
    if (access === 'user') return next();
    if (!access.some((r) => req.user!.roles.includes(r))) return next(new Forbidden());
    next();
  };
}

export function hasRole(user: Express.User | undefined, ...roles: Role[]): boolean {
  return !!user && roles.some((r) => user.roles.includes(r));
}
