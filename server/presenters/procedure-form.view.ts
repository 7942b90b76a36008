/**
 * View model of the procedure form page (issue 16): rows with their options and the messages at
 * their fields, the time budget of the steps against the total days.
 */
import { ROLE_LABELS, STEP_ROLES } from '../../workflows/labels';
import { PROCEDURE_LEVELS, UNIT_COMPETENT, UNIT_PARENT } from '../../workflows/procedure';
import { LEVEL_NAMES } from '../services/accounts.service';
import {
  blankStep,
  stepCodes,
  timeBudget,
  vnNumber,
  type FieldError,
  type ProcedureForm,
  type StepRow,
} from './procedure-form';

export interface UnitChoice {
  code: string;
  name: string;
}

const capital = (s: string) => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
/** The id of a field's input (`steps.2.duration` → `f-steps-2-duration`), what error links point at. */
export const fieldId = (field: string) => `f-${field.replace(/\./g, '-')}`;

/** Steps' time against the total days, as the page says it. */
export function budgetView(form: ProcedureForm) {
  const { stepHours, maxHours } = timeBudget(form);
  const over = stepHours !== null && maxHours !== null && Math.round(stepHours * 1000) > Math.round(maxHours * 1000);
  const steps = stepHours === null ? '…' : `${vnNumber(stepHours)} giờ`;
  const max = maxHours === null ? '…' : `${vnNumber(maxHours)} giờ (${vnNumber(maxHours / 8)} ngày làm việc)`;
  return { over, text: `Tổng thời gian các bước: ${steps} / thời hạn giải quyết: ${max}` };
}

function stepRowView(
  s: StepRow,
  i: number | '__i__',
  code: string,
  err: (leaf: string) => string | undefined,
  units: UnitChoice[],
  count: number,
) {
  const unitCodes = new Set(units.map((u) => u.code));
  const otherUnit = s.unit !== UNIT_COMPETENT && s.unit !== UNIT_PARENT && !unitCodes.has(s.unit);
  return {
    ...s,
    i,
    n: typeof i === 'number' ? i + 1 : '',
    first: i === 0,
    last: typeof i === 'number' && i === count - 1,
    generatedCode: s.code.trim() ? '' : code,
    days: s.durationUnit === 'days',
    roles: STEP_ROLES.map((value) => ({ value, label: ROLE_LABELS[value], selected: s.role === value })),
    units: [
      { value: UNIT_COMPETENT, label: 'Đơn vị có thẩm quyền', selected: s.unit === UNIT_COMPETENT },
      { value: UNIT_PARENT, label: 'Đơn vị cấp trên (liên thông)', selected: s.unit === UNIT_PARENT },
    ],
    departments: [
      ...units.map((u) => ({ value: u.code, label: `${u.name} (${u.code})`, selected: s.unit === u.code })),
      ...(otherUnit ? [{ value: s.unit, label: s.unit, selected: true }] : []),
    ],
    err: {
      row: err(''),
      code: err('code'),
      name: err('name'),
      role: err('role'),
      unit: err('unit'),
      duration: err('duration'),
      signs: err('signs'),
      numbers: err('numbers'),
    },
  };
}

/** Everything the page shows of the form: fields, rows, messages at fields, the list of all messages. */
export function formView(form: ProcedureForm, errors: readonly FieldError[], units: UnitChoice[]) {
  const at = new Map<string, string[]>();
  for (const e of errors) at.set(e.field, [...(at.get(e.field) ?? []), e.message]);
  const msg = (field: string) => at.get(field)?.join(' · ');
  const codes = stepCodes(form.steps);
  const rowErr = (prefix: string) => (leaf: string) => msg(leaf ? `${prefix}.${leaf}` : prefix);
  return {
    form,
    levels: PROCEDURE_LEVELS.map((value) => ({
      value,
      label: capital(LEVEL_NAMES[value]),
      selected: form.level === value,
    })),
    err: {
      code: msg('code'),
      name: msg('name'),
      field: msg('field'),
      level: msg('level'),
      totalDays: msg('totalDays'),
      fee: msg('fee'),
      resultName: msg('result.name'),
      resultKind: msg('result.kind'),
      resultTemplate: msg('result.template'),
      steps: msg('steps'),
      documents: msg('documents'),
      form: msg(''),
    },
    errors: errors.map((e) => ({ ...e, href: e.field ? `#${fieldId(e.field)}` : null })),
    documents: form.documents.map((d, i) => ({
      ...d,
      i,
      n: i + 1,
      err: { row: msg(`documents.${i}`), code: msg(`documents.${i}.code`), name: msg(`documents.${i}.name`) },
    })),
    steps: form.steps.map((s, i) => stepRowView(s, i, codes[i], rowErr(`steps.${i}`), units, form.steps.length)),
    stepTemplate: stepRowView(blankStep(), '__i__', '', () => undefined, units, 0),
    documentTemplate: { code: '', name: '', required: true, i: '__i__', n: '', err: {} },
    budget: budgetView(form),
  };
}
