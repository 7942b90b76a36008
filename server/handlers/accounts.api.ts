import type { Response } from 'express';
import type { AppContext } from '../context';
import type { Req } from '../routes/route';
import type {
  createUnitSchema,
  createUserSchema,
  credentialsSchema,
  updateUnitSchema,
  updateUserSchema,
  usersQuerySchema,
} from '../schemas/accounts.schema';
import type { unitCodeParams, usernameParams } from '../schemas/params.schema';
import * as accounts from '../services/accounts.service';
import { issueToken, revokeToken } from '../auth/tokens';
import { throttleRules } from '../auth/passport';
import { listUnits, Unit } from '../queries/units.queries';
import type { User } from '../queries/users.queries';
import { toVnIso } from '../../workflows/calendar/time';
import type { mergeUnitSchema } from '../schemas/unit-merge.schema';
import { mergeUnit } from '../services/unit-merge.service';

export function unitJson(u: Unit) {
  return {
    code: u.code,
    name: u.name,
    level: u.level,
    parentCode: u.parentCode,
    symbol: u.symbol,
    address: u.address,
    phone: u.phone,
    active: u.active,
  };
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
    async createToken(req: Req<{ body: typeof credentialsSchema }>, res: Response) {
      const { username, password } = req.input.body;
      const user = await accounts.authenticate(ctx.db, throttleRules(ctx), username, password, req.ip ?? 'unknown');
      const { token, expiresAt } = await issueToken(ctx.db, user.id, ctx.config.TOKEN_TTL_DAYS * 86_400_000);
      res.status(201).json({ token, expiresAt: toVnIso(expiresAt) });
    },
    async revokeCurrentToken(_req: Req, res: Response) {
      await revokeToken(ctx.db, res.locals.tokenId as number);
      res.status(204).end();
    },
    async listUnits(_req: Req, res: Response) {
      res.json({ items: (await listUnits(ctx.db)).map(unitJson) });
    },
    async createUnit(req: Req<{ body: typeof createUnitSchema }>, res: Response) {
      res.status(201).json(unitJson(await accounts.createUnit(ctx.db, req.input.body)));
    },
    async updateUnit(req: Req<{ params: typeof unitCodeParams; body: typeof updateUnitSchema }>, res: Response) {
      res.json(unitJson(await accounts.updateUnit(ctx.db, req.input.params.code, req.input.body)));
    },
    async mergeUnit(req: Req<{ params: typeof unitCodeParams; body: typeof mergeUnitSchema }>, res: Response) {
      const r = await mergeUnit(ctx.db, req.user!, req.input.params.code, req.input.body.intoCode);
      res.json({ from: r.from, into: r.into, moved: r.moved });
    },
    async listUsers(req: Req<{ query: typeof usersQuerySchema }>, res: Response) {
      const { items, total } = await accounts.listUsers(ctx.db, req.input.query);
      res.json({ items: items.map(userJson), total });
    },
    async createUser(req: Req<{ body: typeof createUserSchema }>, res: Response) {
      res.status(201).json(userJson(await accounts.createUser(ctx.db, req.input.body)));
    },
    async updateUser(req: Req<{ params: typeof usernameParams; body: typeof updateUserSchema }>, res: Response) {
      res.json(userJson(await accounts.updateUser(ctx.db, req.input.params.username, req.input.body)));
    },
  };
}
