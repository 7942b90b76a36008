import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { Conflict, Invalid, NotFound } from '../errors';
import { parseFields } from '../schemas/validate';
import { createUnitSchema, createUserSchema, updateUnitSchema, updateUserSchema } from '../schemas/accounts.schema';
import * as accounts from '../services/accounts.service';
import { findUnitByCode, listUnits } from '../queries/units.queries';
import { findUserByUsername } from '../queries/users.queries';
import { disableWarningFor, renderUsersPage, ROLE_OPTIONS } from './users.pages';
import { flash } from '../middleware/locals';
import { renderUnitsPage, UNIT_LEVELS } from './units.pages';
import type { Req } from '../routes/route';
import type { unitCodeParams, usernameParams } from '../schemas/params.schema';

const LEVELS = UNIT_LEVELS;

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

/** Form fields → the API's input shape (checkboxes, empty strings). */
function unitForm(body: Record<string, unknown>) {
  return {
    code: body.code,
    name: body.name,
    level: body.level,
    parentCode: body.parentCode || null,
    symbol: body.symbol || null,
    address: body.address || null,
    phone: body.phone || null,
  };
}
function userForm(body: Record<string, unknown>, editing: boolean) {
  return {
    username: body.username,
    password: body.password || undefined,
    fullName: body.fullName,
    email: body.email || null,
    unitCode: body.unitCode || null,
    roles: asList(body.roles),
    ...(editing ? { active: body.active === 'on' || body.active === '1' } : {}),
  };
}

/** Errors a form shows beside its fields; anything else goes to the error page. */
function formErrors(err: unknown): { status: number; error: string; fields: Record<string, string> } | null {
  // A duplicate code or username (Conflict) and bad fields (Invalid) are shown beside the form.
  if (!(err instanceof Conflict || err instanceof Invalid)) return null;
  const fields = ((err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {}) as Record<
    string,
    string
  >;
  return { status: err.status, error: err.message, fields };
}

export function adminPages(ctx: AppContext) {
  const unitsPage = (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    renderUnitsPage(ctx, res, extra, status);
  const usersPage = (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    renderUsersPage(ctx, res, undefined, extra, status);

  return {
    async createUnit(req: Request, res: Response) {
      const form = unitForm(req.body);
      try {
        const unit = await accounts.createUnit(ctx.db, parseFields(createUnitSchema, form));
        flash(req, 'success', `Đã thêm đơn vị ${unit.name}.`);
        res.redirect(303, '/quan-tri/don-vi');
      } catch (err) {
        const fe = formErrors(err);
        if (!fe) throw err;
        await unitsPage(res, { form, ...fe }, fe.status);
      }
    },
    async editUnit(req: Req<{ params: typeof unitCodeParams }>, res: Response) {
      const unit = await findUnitByCode(ctx.db, req.input.params.code);
      if (!unit) throw new NotFound('Không tìm thấy đơn vị.');
      const units = (await listUnits(ctx.db)).filter((u) => u.id !== unit.id);
      res.render('pages/admin/unit-edit', {
        title: `Sửa đơn vị ${unit.name}`,
        unit,
        form: unit,
        units,
        levels: LEVELS,
      });
    },
    async updateUnit(req: Req<{ params: typeof unitCodeParams }>, res: Response) {
      const unit = await findUnitByCode(ctx.db, req.input.params.code);
      if (!unit) throw new NotFound('Không tìm thấy đơn vị.');
      const form = { ...unitForm(req.body), active: req.body.active === 'on' };
      try {
        await accounts.updateUnit(ctx.db, unit.code, parseFields(updateUnitSchema, { ...form, code: undefined }));
        flash(req, 'success', `Đã lưu đơn vị ${unit.code}.`);
        res.redirect(303, '/quan-tri/don-vi');
      } catch (err) {
        const fe = formErrors(err);
        if (!fe) throw err;
        const units = (await listUnits(ctx.db)).filter((u) => u.id !== unit.id);
        res.status(fe.status).render('pages/admin/unit-edit', {
          title: `Sửa đơn vị ${unit.name}`,
          unit,
          form,
          units,
          levels: LEVELS,
          ...fe,
        });
      }
    },
    async createUser(req: Request, res: Response) {
      const form = userForm(req.body, false);
      try {
        const user = await accounts.createUser(ctx.db, parseFields(createUserSchema, form));
        flash(req, 'success', `Đã tạo người dùng ${user.username}.`);
        res.redirect(303, '/quan-tri/nguoi-dung');
      } catch (err) {
        const fe = formErrors(err);
        if (!fe) throw err;
        await usersPage(res, { form: { ...form, password: '' }, ...fe }, fe.status);
      }
    },
    async editUser(req: Req<{ params: typeof usernameParams }>, res: Response) {
      const user = await findUserByUsername(ctx.db, req.input.params.username);
      if (!user) throw new NotFound('Không tìm thấy người dùng.');
      const units = await listUnits(ctx.db);
      res.render('pages/admin/user-edit', {
        title: `Sửa người dùng ${user.username}`,
        user,
        form: user,
        units,
        roles: ROLE_OPTIONS,
      });
    },
    async updateUser(req: Req<{ params: typeof usernameParams }>, res: Response) {
      const user = await findUserByUsername(ctx.db, req.input.params.username);
      if (!user) throw new NotFound('Không tìm thấy người dùng.');
      const form = userForm(req.body, true);
      try {
        const { username: _ignored, ...patch } = form;
        // Unticking "active" for someone who still has work: save the rest, then the warning page.
        const warning = form.active ? null : await disableWarningFor(ctx, user.username);
        await accounts.updateUser(
          ctx.db,
          user.username,
          parseFields(updateUserSchema, warning ? { ...patch, active: undefined } : patch),
        );
        if (warning) {
          flash(
            req,
            'info',
            `Chưa khóa ${user.username}: người này còn việc đang xử lý. Các thay đổi khác đã được lưu.`,
          );
          return res.redirect(303, warning);
        }
        flash(
          req,
          'success',
          `Đã lưu người dùng ${user.username}${form.active ? '' : ' (đã khóa, mọi phiên đăng nhập đã kết thúc)'}.`,
        );
        res.redirect(303, '/quan-tri/nguoi-dung');
      } catch (err) {
        const fe = formErrors(err);
        if (!fe) throw err;
        const units = await listUnits(ctx.db);
        res.status(fe.status).render('pages/admin/user-edit', {
          title: `Sửa người dùng ${user.username}`,
          user,
          form: { ...form, username: user.username },
          units,
          roles: ROLE_OPTIONS,
          ...fe,
        });
      }
    },
  };
}
