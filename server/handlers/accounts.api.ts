import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { parseBody } from '../schemas/validate';
import {
  createUnitSchema,
  createUserSchema,
  credentialsSchema,
  updateUnitSchema,
  updateUserSchema,
} from '../schemas/accounts.schema';
import * as accounts from '../services/accounts.service';
import { issueToken, revokeToken } from '../auth/tokens';
import { throttleRules } from '../auth/passport';
import { listUnits, Unit } from '../queries/units.queries';
import { listUsers, User } from '../queries/users.queries';
import { toVnIso } from '../../workflows/calendar/time';

export function unitJson(u: Unit) {
  return { code: u.code, name: u.name, level: u.level, parentCode: u.parentCode, symbol: u.symbol, active: u.active };
}

export function userJson(u: User) {
  return {
    username: u.username,
    fullName: u.fullName,
    email: u.email,
    unitCode: u.unitCode,
    roles: u.roles,
    active: u.active,
  };
}

/** Handlers for tokens, units and users on /api/v1. */
export function accountsApi(ctx: AppContext) {
  return {
    async createToken(req: Request, res: Response) {
      const body = parseBody(credentialsSchema, req.body);
      const user = await accounts.authenticate(
        ctx.db,
        throttleRules(ctx),
        body.username,
        body.password,
        req.ip ?? 'unknown',
      );
      const { token, expiresAt } = await issueToken(ctx.db, user.id, ctx.config.TOKEN_TTL_DAYS * 86_400_000);
      res.status(201).json({ token, expiresAt: toVnIso(expiresAt) });
    },
    async revokeCurrentToken(_req: Request, res: Response) {
      await revokeToken(ctx.db, res.locals.tokenId as number);
      res.status(204).end();
    },
    async listUnits(_req: Request, res: Response) {
      res.json({ items: (await listUnits(ctx.db)).map(unitJson) });
    },
    async createUnit(req: Request, res: Response) {
      const unit = await accounts.createUnit(ctx.db, parseBody(createUnitSchema, req.body));
      res.status(201).json(unitJson(unit));
    },
    async updateUnit(req: Request, res: Response) {
      const unit = await accounts.updateUnit(ctx.db, String(req.params.code), parseBody(updateUnitSchema, req.body));
      res.json(unitJson(unit));
    },
    async listUsers(_req: Request, res: Response) {
      const items = (await listUsers(ctx.db)).map(userJson);
      res.json({ items, total: items.length });
    },
    async createUser(req: Request, res: Response) {
      const user = await accounts.createUser(ctx.db, parseBody(createUserSchema, req.body));
      res.status(201).json(userJson(user));
    },
    async updateUser(req: Request, res: Response) {
      const user = await accounts.updateUser(
        ctx.db,
        String(req.params.username),
        parseBody(updateUserSchema, req.body),
      );
      res.json(userJson(user));
    },
  };
}
