import type { Response } from 'express';
import type { AppContext } from '../context';
import { AppError, NotFound } from '../errors';
import { parseFields } from '../schemas/validate';
import { findUnitByCode, listUnits, subtreeIds } from '../queries/units.queries';
import { mergeTimes } from '../queries/unit-merge.queries';
import { flash } from '../middleware/locals';
import { mergeUnit, previewMerge } from '../services/unit-merge.service';
import { retireUnit } from '../services/unit-retire.service';
import { unitTreeRows } from '../presenters/unit-tree.presenter';
import { mergeUnitSchema } from '../schemas/unit-merge.schema';
import type { mergePreviewQuerySchema, unitTreeQuerySchema } from '../schemas/unit-pages.schema';
import type { unitCodeParams } from '../schemas/params.schema';
import type { Req } from '../routes/route';
import { STATUS_TEXT, type PublicStatus } from '../../workflows/status';

export const UNIT_LEVELS = [
  { value: 'province', label: 'Cấp tỉnh' },
  { value: 'district', label: 'Cấp huyện' },
  { value: 'commune', label: 'Cấp xã' },
];

const ROLE_TEXT = { receiving: 'tiếp nhận', competent: 'có thẩm quyền', handling: 'đang xử lý' } as const;

/** The unit tree page (/quan-tri/don-vi), also shown again with the add form's errors. */
export async function renderUnitsPage(
  ctx: AppContext,
  res: Response,
  extra: Record<string, unknown> & { q?: string } = {},
  status = 200,
): Promise<void> {
  const units = await listUnits(ctx.db);
  const rows = unitTreeRows(units, await mergeTimes(ctx.db), extra.q);
  res.status(status).render('pages/admin/units', {
    title: 'Quản lý đơn vị',
    units: units.filter((u) => u.active),
    rows,
    total: units.length,
    levels: UNIT_LEVELS,
    form: {},
    ...extra,
  });
}

/** Unit tree, merge (preview, confirm) and retire pages for the admin (design.md §13). */
export function unitPages(ctx: AppContext) {
  const preview = async (res: Response, code: string, intoCode: string | undefined, extra = {}, status = 200) => {
    const unit = await findUnitByCode(ctx.db, code);
    if (!unit) throw new NotFound('Không tìm thấy đơn vị.');
    const below = await subtreeIds(ctx.db, unit.id);
    const targets = (await listUnits(ctx.db)).filter((u) => u.active && !below.includes(u.id));
    const p = intoCode && (await findUnitByCode(ctx.db, intoCode)) ? await previewMerge(ctx.db, code, intoCode) : null;
    res.status(status).render('pages/admin/unit-merge', {
      title: `Sáp nhập ${unit.name}`,
      unit,
      targets,
      intoCode: intoCode ?? '',
      unknownInto: !!intoCode && !p,
      p,
      dossiers: p?.dossiers.map((d) => ({
        ...d,
        statusText: STATUS_TEXT[d.status as PublicStatus] ?? d.status,
        rolesText: d.roles.map((r) => ROLE_TEXT[r]).join(', '),
      })),
      ...extra,
    });
  };
  return {
    list: (req: Req<{ query: typeof unitTreeQuerySchema }>, res: Response) =>
      renderUnitsPage(ctx, res, { q: req.input.query.q }),
    preview: (req: Req<{ params: typeof unitCodeParams; query: typeof mergePreviewQuerySchema }>, res: Response) =>
      preview(res, req.input.params.code, req.input.query.vao),
    async merge(req: Req<{ params: typeof unitCodeParams }>, res: Response) {
      const code = req.input.params.code;
      const intoCode = typeof req.body.intoCode === 'string' ? req.body.intoCode : '';
      try {
        const input = parseFields(mergeUnitSchema, { intoCode });
        const r = await mergeUnit(ctx.db, req.user!, code, input.intoCode);
        flash(
          req,
          'success',
          `Đã sáp nhập đơn vị ${r.from} vào ${r.into}: chuyển ${r.moved.users} người dùng, ${r.moved.dossiers} hồ sơ ` +
            `đang giải quyết, ${r.moved.replies} ý kiến chưa trả lời, ${r.dispatches} công văn chưa ban hành, ` +
            `${r.issuedDispatches} công văn đã ban hành đang chờ ý kiến.`,
        );
        res.redirect(303, '/quan-tri/don-vi');
      } catch (err) {
        if (!(err instanceof AppError) || err instanceof NotFound || err.status >= 500) throw err;
        await preview(res, code, intoCode || undefined, { error: err.message }, err.status);
      }
    },
    async retire(req: Req<{ params: typeof unitCodeParams }>, res: Response) {
      try {
        const unit = await retireUnit(ctx.db, req.input.params.code);
        flash(req, 'success', `Đơn vị ${unit.name} đã ngừng hoạt động.`);
        res.redirect(303, '/quan-tri/don-vi');
      } catch (err) {
        if (!(err instanceof AppError) || err instanceof NotFound || err.status >= 500) throw err;
        await renderUnitsPage(ctx, res, { error: err.message }, err.status);
      }
    },
  };
}
