import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context';
import { Invalid, NotFound } from '../errors';
import { parseFields } from '../schemas/validate';
import { createVersion } from '../services/catalog.service';
import { findVersion } from '../queries/procedures.queries';
import { listUnits } from '../queries/units.queries';
import { flash } from '../middleware/locals';
import { validateDefinition, type DefinitionError } from '../../workflows/procedure';
import { procedureDiagramSvg } from '../../workflows/procedure/diagram';
import {
  applyAction,
  emptyForm,
  formFromBody,
  fromDefinition,
  parseAction,
  placeErrors,
  toDefinition,
  type FieldError,
  type ProcedureForm,
} from '../presenters/procedure-form';
import { formView, type UnitChoice } from '../presenters/procedure-form.view';

/** The posted form: flat fields (`steps.0.name` …), each a string (a repeated one: its first value). */
const bodySchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]), {
  error: 'Biểu mẫu gửi lên không đúng định dạng',
});

/** The form checked by the definition schema: the messages at their fields, the diagram when valid. */
function evaluate(form: ProcedureForm) {
  const made = toDefinition(form);
  const result = validateDefinition(made.input);
  const errors: FieldError[] = result.ok ? [] : placeErrors(result.errors, made);
  return { made, errors, diagram: result.ok ? procedureDiagramSvg(result.definition) : null };
}

/** The service's 422 (a unit that does not exist …) as form errors. */
function serviceErrors(err: unknown): DefinitionError[] | null {
  if (!(err instanceof Invalid)) return null;
  const d = (err.details ?? {}) as { errors?: DefinitionError[]; fields?: Record<string, string> };
  if (d.errors?.length) return d.errors;
  const fields = Object.entries(d.fields ?? {}).map(([path, message]) => ({ path: path === '_' ? '' : path, message }));
  return fields.length ? fields : [{ path: '', message: err.message }];
}

/** Admin pages: a procedure definition written through a form, saved by the same `createVersion` as the JSON editor. */
export function procedureFormPages(ctx: AppContext) {
  /** Departments (province and district units in service) and any unit a step already names. */
  const unitChoices = async (form: ProcedureForm): Promise<UnitChoice[]> => {
    const named = new Set(form.steps.map((s) => s.unit));
    return (await listUnits(ctx.db))
      .filter((u) => named.has(u.code) || (u.active && !u.mergedIntoId && u.level !== 'commune'))
      .map((u) => ({ code: u.code, name: u.name }));
  };

  const render = async (
    res: Response,
    form: ProcedureForm,
    opts: { status?: number; errors?: FieldError[]; checked?: boolean; diagram?: string | null } = {},
  ) => {
    const existing = form.code.trim() ? await findVersion(ctx.db, form.code.trim()) : null;
    const heading = existing ? `Sửa thủ tục ${existing.code}` : 'Thêm thủ tục';
    res.status(opts.status ?? 200).render('pages/admin/procedure-form', {
      title: heading,
      heading,
      existingCode: existing?.code,
      nextVersion: existing ? existing.version + 1 : 1,
      jsonHref: existing ? `/quan-tri/thu-tuc/${encodeURIComponent(existing.code)}/sua` : '/quan-tri/thu-tuc/moi',
      checked: opts.checked && !opts.errors?.length,
      diagram: opts.diagram,
      ...formView(form, opts.errors ?? [], await unitChoices(form)),
    });
  };

  return {
    async newForm(_req: Request, res: Response) {
      await render(res, emptyForm());
    },
    async editForm(req: Request, res: Response) {
      const v = await findVersion(ctx.db, String(req.params.code));
      if (!v) throw new NotFound(`Không tìm thấy thủ tục ${String(req.params.code)}.`);
      const form = fromDefinition(v.definition);
      await render(res, form, { diagram: evaluate(form).diagram });
    },
    /** Every button of the form: check, row buttons (shown again, nothing saved) and save. */
    async submit(req: Request, res: Response) {
      const body = parseFields(bodySchema, req.body ?? {});
      const action = parseAction(body.action);
      const form = applyAction(formFromBody(body), action);
      const checked = evaluate(form);
      if (action.kind !== 'save' && action.kind !== 'check') return render(res, form, { diagram: checked.diagram });
      if (checked.errors.length) return render(res, form, { status: 422, errors: checked.errors, checked: true });
      if (action.kind === 'check') return render(res, form, { checked: true, diagram: checked.diagram });
      try {
        const created = await createVersion(ctx.db, checked.made.input, req.user!.id);
        flash(req, 'success', `Đã lưu phiên bản ${created.version} của thủ tục ${created.code}`);
        res.redirect(303, `/quan-tri/thu-tuc/${encodeURIComponent(created.code)}`);
      } catch (err) {
        const errors = serviceErrors(err);
        if (!errors) throw err;
        await render(res, form, { status: 422, errors: placeErrors(errors, checked.made), checked: true });
      }
    },
    /** Live check for the page's script: the messages by field, the diagram and the time budget, as JSON. */
    async check(req: Request, res: Response) {
      const body = parseFields(bodySchema, req.body ?? {});
      const form = formFromBody(body);
      const checked = evaluate(form);
      const view = formView(form, checked.errors, []);
      res.json({
        ok: checked.errors.length === 0,
        errors: checked.errors,
        diagram: checked.diagram,
        budget: view.budget,
        codes: view.steps.map((s) => s.generatedCode),
      });
    },
  };
}
