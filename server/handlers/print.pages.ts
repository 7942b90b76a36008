import type { Request, Response } from 'express';
import type { AppContext } from '../context';
import { printForm } from '../presenters/print.presenter';
import { printRegister, RegisterQuery } from '../presenters/register.presenter';
import { renderFormPdf, renderRegisterPdf } from '../pdf/forms';
import { toCsv, toXlsx } from '../reports/export';
import type { Table } from '../presenters/report-tables.presenter';
import { fromTypedDate } from '../schemas/dates.schema';

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

const registerQuery = (req: Request): RegisterQuery => ({
  unit: first(req.query['don-vi']),
  from: fromTypedDate(first(req.query.tu)),
  to: fromTypedDate(first(req.query.den)),
});

/** A file name made of safe characters only. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-');

function sendPdf(res: Response, pdf: Buffer, filename: string): void {
  res.setHeader('Content-Disposition', `inline; filename="${safe(filename)}"`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.type('application/pdf').send(pdf);
}

/** Print views (contract.md §3): the official forms of a dossier and the register (form 07). */
export function printPages(ctx: AppContext) {
  return {
    /** GET /ho-so/:code/in/:form — 01, 02 (?lan=N), 03, 04, 06; 404 where the dossier has no such form. */
    async form(req: Request, res: Response) {
      const code = String(req.params.code);
      const form = String(req.params.form);
      const lan = first(req.query.lan);
      const data = await printForm(ctx.db, ctx.config.PUBLIC_URL, req.user!, code, form, lan);
      const pdfQuery = data.formNo === '02' && data.nth ? `?lan=${data.nth}` : '';
      res.render(`print/${form}`, {
        ...data,
        layout: 'print',
        bodyClass: 'portrait',
        back: { href: `/ho-so/${encodeURIComponent(code)}`, label: '← Quay lại hồ sơ' },
        pdf: { href: `/ho-so/${encodeURIComponent(code)}/in/${form}.pdf${pdfQuery}` },
      });
    },

    /** GET /ho-so/:code/in/:form.pdf — the same form as a PDF (same visibility and 404s). */
    async formPdf(req: Request, res: Response) {
      const code = String(req.params.code);
      const form = String(req.params.form);
      const data = await printForm(ctx.db, ctx.config.PUBLIC_URL, req.user!, code, form, first(req.query.lan));
      const nth = data.formNo === '02' ? `-lan-${data.nth}` : '';
      sendPdf(res, await renderFormPdf(data), `mau-${data.formNo}-${data.d.code}${nth}.pdf`);
    },

    /** GET /so-theo-doi.pdf — form 07 as a PDF (A4 landscape), same query as /so-theo-doi. */
    async registerPdf(req: Request, res: Response) {
      const data = await printRegister(ctx.db, req.user!, registerQuery(req));
      sendPdf(
        res,
        await renderRegisterPdf(data),
        `so-theo-doi-${data.unit.code}-${data.period.from}-${data.period.to}.pdf`,
      );
    },

    /** GET /so-theo-doi?don-vi=UNITCODE&tu=YYYY-MM-DD&den=YYYY-MM-DD — form 07, landscape. */
    async register(req: Request, res: Response) {
      const data = await printRegister(ctx.db, req.user!, registerQuery(req));
      const format = first(req.query['dinh-dang']);
      if (format === 'csv' || format === 'xlsx') {
        const rows = data.rows;
        const t: Table = {
          headers: [
            'STT',
            'Mã hồ sơ',
            'Tên TTHC',
            'Số lượng hồ sơ',
            'Tên cá nhân, tổ chức',
            'Địa chỉ, số điện thoại',
            'Cơ quan chủ trì giải quyết',
            'Ngày nhận',
            'Ngày hẹn trả',
            'Ngày chuyển kết quả',
            'Ngày trả kết quả',
          ],
          rows: rows.map((r) => [
            r.n,
            r.code,
            r.procedureName,
            1,
            r.applicant,
            r.contact,
            r.competent,
            r.received,
            r.due,
            r.resolved,
            r.completed,
          ]),
          rate: -1,
        };
        const { unit, period } = data;
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="so-theo-doi-${unit.code}-${period.from}-${period.to}.${format}"`,
        );
        if (format === 'csv') return void res.type('text/csv; charset=utf-8').send(toCsv(t));
        return void res
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .send(await toXlsx(t, `Sổ theo dõi hồ sơ – ${period.text}`, unit.name, 'So theo doi'));
      }
      res.render('print/07', {
        ...data,
        layout: 'print',
        bodyClass: 'landscape',
        back: { href: '/ho-so', label: '← Quay lại danh sách hồ sơ' },
        pdf: {
          href: `/so-theo-doi.pdf?don-vi=${encodeURIComponent(data.unit.code)}&tu=${data.period.from}&den=${data.period.to}`,
        },
      });
    },
  };
}
