import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { printForm, printRegister } from '../services/print.service';

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/** Print views (contract.md §3): the official forms of a dossier and the register (form 07). */
export function printPages(ctx: AppContext) {
  return {
    /** GET /ho-so/:code/in/:form — 01, 02 (?lan=N), 03, 04, 06; 404 where the dossier has no such form. */
    async form(req: Request, res: Response) {
      const code = String(req.params.code);
      const form = String(req.params.form);
      const data = await printForm(ctx.db, ctx.config.PUBLIC_URL, req.user!, code, form, first(req.query.lan));
      res.render(`print/${form}`, {
        ...data,
        layout: 'print',
        bodyClass: 'portrait',
        back: { href: `/ho-so/${encodeURIComponent(code)}`, label: '← Quay lại hồ sơ' },
      });
    },

    /** GET /so-theo-doi?don-vi=UNITCODE&tu=YYYY-MM-DD&den=YYYY-MM-DD — form 07, landscape. */
    async register(req: Request, res: Response) {
      const data = await printRegister(ctx.db, req.user!, { unit: first(req.query['don-vi']), from: first(req.query.tu), to: first(req.query.den) });
      res.render('print/07', { ...data, layout: 'print', bodyClass: 'landscape', back: { href: '/ho-so', label: '← Quay lại danh sách hồ sơ' } });
    },
  };
}
