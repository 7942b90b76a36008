import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { Invalid } from '../errors';
import { flash } from '../middleware/locals';
import type { Req } from '../routes/route';
import type { delegationIdParams } from '../schemas/params.schema';
import { parseFields } from '../schemas/validate';
import {
  createDelegation,
  delegationDay,
  delegationsOf,
  deputyCandidates,
  revokeDelegation,
} from '../services/delegations.service';
import { mayManageDelegation } from '../policies/delegation.policy';
import type { DelegationRow } from '../queries/delegations.queries';
import { parseDateInput } from './calendar.pages';
import { DELEGATION_KIND_LABELS, DELEGATION_KINDS, delegationStatus, vnDay } from '../../workflows/delegation';

const PAGE = '/uy-quyen';
const ADMIN_PAGE = '/quan-tri/uy-quyen';

const dateField = (what: string) =>
  z
    .string({ error: `Nhập ngày ${what}` })
    .trim()
    .min(1, `Nhập ngày ${what}`)
    .transform((s, c) => {
      const date = parseDateInput(s);
      if (!date)
        c.addIssue({ code: 'custom', message: 'Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy (ví dụ 14/02/2026)' });
      return date ?? '';
    });

const delegationSchema = z.object({
  deputyId: z.coerce
    .number({ error: 'Chọn người được ủy quyền' })
    .int('Chọn người được ủy quyền')
    .positive('Chọn người được ủy quyền'),
  kind: z.enum(DELEGATION_KINDS, { error: 'Chọn hình thức: Ký thay (KT.) hoặc Thừa ủy quyền (TUQ.)' }),
  fromDate: dateField('bắt đầu'),
  toDate: dateField('kết thúc'),
  deputyTitle: z
    .string()
    .trim()
    .max(100, 'Chức vụ dài quá 100 ký tự')
    .optional()
    .transform((v) => v || null),
  reason: z
    .string({ error: 'Nhập lý do vắng mặt' })
    .trim()
    .min(1, 'Nhập lý do vắng mặt')
    .max(500, 'Lý do dài quá 500 ký tự'),
});
/** What the form re-renders with: the input as typed. */
const keptSchema = z.object({
  deputyId: z.string().catch(''),
  kind: z.string().catch('KT'),
  fromDate: z.string().catch(''),
  toDate: z.string().catch(''),
  deputyTitle: z.string().catch(''),
  reason: z.string().catch(''),
});

/** A list line: who for whom, when, how, and whether it is in force today. */
function line(d: DelegationRow, actor: Express.User, today: string, back: string) {
  const status = delegationStatus(d, today);
  return {
    ...d,
    kindLabel: DELEGATION_KIND_LABELS[d.kind],
    from: vnDay(d.fromDate),
    to: vnDay(d.toDate),
    status,
    revoke:
      status.code !== 'revoked' && status.code !== 'ended' && mayManageDelegation(actor, d)
        ? { action: `${PAGE}/${d.id}/thu-hoi`, back: back === ADMIN_PAGE ? 'quan-tri' : '' }
        : null,
  };
}

/**
 * Absence delegation pages: a leader names a deputy of their unit for a period (KT./TUQ.), lists and
 * revokes their own; an admin lists and revokes every delegation. Bad input re-renders the form with
 * its field messages and saves nothing.
 */
export function delegationPages(ctx: AppContext) {
  const page = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const actor = req.user!;
    const today = delegationDay();
    const candidates = await deputyCandidates(ctx.db, actor);
    res.status(status).render('pages/delegations/index', {
      title: 'Ủy quyền khi vắng mặt',
      rows: (await delegationsOf(ctx.db, actor)).map((d) => line(d, actor, today, PAGE)),
      candidates: candidates.map((u) => ({ id: String(u.id), fullName: u.fullName, username: u.username })),
      kinds: DELEGATION_KINDS.map((k) => ({ code: k, label: DELEGATION_KIND_LABELS[k] })),
      form: { kind: 'KT', fromDate: vnDay(today), toDate: '', deputyId: '', deputyTitle: '', reason: '' },
      ...extra,
    });
  };

  return {
    show: (req: Request, res: Response) => page(req, res),
    async adminList(req: Request, res: Response) {
      const today = delegationDay();
      const rows = await delegationsOf(ctx.db, req.user!);
      res.render('pages/delegations/admin', {
        title: 'Ủy quyền khi vắng mặt',
        rows: rows.map((d) => line(d, req.user!, today, ADMIN_PAGE)),
      });
    },
    async create(req: Request, res: Response) {
      const kept = parseFields(keptSchema, req.body ?? {});
      try {
        const input = parseFields(delegationSchema, req.body ?? {});
        await createDelegation(ctx.db, req.user!, input);
        flash(
          req,
          'success',
          `Đã giao ủy quyền (${DELEGATION_KIND_LABELS[input.kind]}) từ ${vnDay(input.fromDate)} đến hết ${vnDay(input.toDate)}.`,
        );
        res.redirect(303, PAGE);
      } catch (err) {
        if (!(err instanceof Invalid)) throw err;
        const fields = (err.details as { fields?: Record<string, string> } | undefined)?.fields ?? {};
        await page(req, res, { form: kept, fields, error: 'Chưa lưu được: vui lòng sửa các ô được đánh dấu.' }, 422);
      }
    },
    async revoke(req: Req<{ params: typeof delegationIdParams }>, res: Response) {
      const row = await revokeDelegation(ctx.db, req.user!, req.input.params.id);
      flash(req, 'success', `Đã thu hồi ủy quyền cho ${row.deputyName}.`);
      res.redirect(303, req.body?.ve === 'quan-tri' ? ADMIN_PAGE : PAGE);
    },
  };
}
