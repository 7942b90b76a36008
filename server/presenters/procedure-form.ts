/**
 * The procedure editor as a form (issue 16): the posted fields ↔ a procedure definition object.
 * Pure: no validation of its own beyond turning text into numbers and booleans; the zod schema in
 * workflows/procedure/definition.schema.ts judges the object (so the JSON editor and the form give
 * the same messages), and `fieldOf` puts each message at the form field it is about.
 */
import { RESERVED_STATES } from '../../workflows/labels';
import {
  HOURS_PER_DAY,
  UNIT_COMPETENT,
  UNIT_PARENT,
  type DefinitionError,
  type ProcedureDefinition,
} from '../../workflows/procedure';

export type DurationUnit = 'hours' | 'days';

export interface StepRow {
  code: string;
  name: string;
  role: string;
  /** `competent`, `parent` or a unit's code. */
  unit: string;
  duration: string;
  durationUnit: DurationUnit;
  signs: boolean;
  numbers: boolean;
}

export interface DocumentRow {
  code: string;
  name: string;
  required: boolean;
}

export interface ProcedureForm {
  code: string;
  name: string;
  field: string;
  level: string;
  totalDays: string;
  fee: string;
  resultName: string;
  resultKind: string;
  resultTemplate: string;
  documents: DocumentRow[];
  steps: StepRow[];
}

/** Rows beyond these are not read (the schema's limits are 100 documents and 50 steps). */
export const MAX_DOCUMENT_ROWS = 101;
export const MAX_STEP_ROWS = 51;

export const blankStep = (): StepRow => ({
  code: '',
  name: '',
  role: '',
  unit: UNIT_COMPETENT,
  duration: '',
  durationUnit: 'hours',
  signs: false,
  numbers: false,
});
export const blankDocument = (): DocumentRow => ({ code: '', name: '', required: true });

/** A new procedure: one empty document row and one empty step row. */
export function emptyForm(): ProcedureForm {
  return {
    code: '',
    name: '',
    field: '',
    level: '',
    totalDays: '',
    fee: '0',
    resultName: '',
    resultKind: '',
    resultTemplate: '',
    documents: [blankDocument()],
    steps: [blankStep()],
  };
}

type Body = Record<string, unknown>;
const str = (v: unknown): string => (Array.isArray(v) ? str(v[0]) : typeof v === 'string' ? v : '');
const on = (v: unknown): boolean => str(v) !== '' && str(v) !== '0' && str(v) !== 'false';

/** The row indexes posted for `prefix.N.*`, in order, at most `max` of them. */
function rowIndexes(body: Body, prefix: string, max: number): number[] {
  const re = new RegExp(`^${prefix}\\.(\\d{1,6})\\.`);
  const found = new Set<number>();
  for (const key of Object.keys(body)) {
    const m = re.exec(key);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b).slice(0, max);
}

/** Posted fields (`steps.0.name` …, as the form names them) → the form model; unknown keys are ignored. */
export function formFromBody(body: Body): ProcedureForm {
  const f = (k: string) => str(body[k]);
  return {
    code: f('code'),
    name: f('name'),
    field: f('field'),
    level: f('level'),
    totalDays: f('totalDays'),
    fee: f('fee'),
    resultName: f('result.name'),
    resultKind: f('result.kind'),
    resultTemplate: f('result.template'),
    documents: rowIndexes(body, 'documents', MAX_DOCUMENT_ROWS).map((i) => ({
      code: f(`documents.${i}.code`),
      name: f(`documents.${i}.name`),
      required: on(body[`documents.${i}.required`]),
    })),
    steps: rowIndexes(body, 'steps', MAX_STEP_ROWS).map((i) => ({
      code: f(`steps.${i}.code`),
      name: f(`steps.${i}.name`),
      role: f(`steps.${i}.role`),
      unit: f(`steps.${i}.unit`) || UNIT_COMPETENT,
      duration: f(`steps.${i}.duration`),
      durationUnit: f(`steps.${i}.durationUnit`) === 'days' ? 'days' : 'hours',
      signs: on(body[`steps.${i}.signs`]),
      numbers: on(body[`steps.${i}.numbers`]),
    })),
  };
}

/** "0,5" or "0.5" → 0.5; blank → undefined (the schema says it is missing); not a number → the text (the schema says so). */
export function parseNumber(text: string): number | string | undefined {
  const t = text.trim().replace(/\s/g, '');
  if (!t) return undefined;
  const n = /^-?\d+([.,]\d+)?$/.test(t) ? Number(t.replace(',', '.')) : NaN;
  return Number.isFinite(n) ? n : text;
}

/** A fee may be written with thousands dots ("1.500.000"). */
function parseFee(text: string): number | string | undefined {
  const t = text.trim().replace(/\s/g, '');
  return parseNumber(/^\d{1,3}(\.\d{3})+$/.test(t) ? t.replace(/\./g, '') : t);
}

/** 0.5 → "0,5" (decimal comma, glossary). */
export const vnNumber = (n: number): string => String(Math.round(n * 1000) / 1000).replace('.', ',');

/** The step code made from a name: lower-case ascii, digits and underscores, starting with a letter. */
export function slugCode(name: string): string {
  const ascii = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return /^[a-z]/.test(ascii) ? ascii : `buoc${ascii ? `_${ascii}` : ''}`;
}

/** The codes the steps get: the typed one, or one made from the name, unique among all of them. */
export function stepCodes(steps: readonly StepRow[]): string[] {
  const taken = new Set<string>([...RESERVED_STATES, ...steps.map((s) => s.code.trim()).filter(Boolean)]);
  return steps.map((s, i) => {
    if (s.code.trim()) return s.code.trim();
    const base = s.name.trim() ? slugCode(s.name) : `buoc_${i + 1}`;
    let code = base;
    for (let n = 2; taken.has(code); n++) code = `${base}_${n}`;
    taken.add(code);
    return code;
  });
}

const isBlankStep = (s: StepRow) => !s.code.trim() && !s.name.trim() && !s.duration.trim();
const isBlankDocument = (d: DocumentRow) => !d.code.trim() && !d.name.trim();

/** What `toDefinition` made, with the form row of each definition row (blank rows are left out). */
export interface FormDefinition {
  input: Record<string, unknown>;
  stepRows: number[];
  documentRows: number[];
}

/** The form → the definition object the schema validates (numbers parsed, days turned into hours). */
export function toDefinition(form: ProcedureForm): FormDefinition {
  const codes = stepCodes(form.steps);
  const stepRows = form.steps.flatMap((s, i) => (isBlankStep(s) ? [] : [i]));
  const documentRows = form.documents.flatMap((d, i) => (isBlankDocument(d) ? [] : [i]));
  const opt = (s: string) => (s.trim() ? s.trim() : undefined);
  const hours = (s: StepRow) => {
    const n = parseNumber(s.duration);
    return typeof n === 'number' && s.durationUnit === 'days' ? Math.round(n * HOURS_PER_DAY * 1000) / 1000 : n;
  };
  const hasResult = Boolean(opt(form.resultName) || opt(form.resultKind) || opt(form.resultTemplate));
  const input: Record<string, unknown> = {
    code: form.code.trim(),
    name: form.name.trim(),
    field: opt(form.field),
    level: opt(form.level),
    totalDays: parseNumber(form.totalDays),
    fee: parseFee(form.fee),
    documents: documentRows.map((i) => {
      const d = form.documents[i];
      return { code: d.code.trim(), name: d.name.trim(), required: d.required };
    }),
    steps: stepRows.map((i) => {
      const s = form.steps[i];
      return {
        code: codes[i],
        name: s.name.trim(),
        role: s.role || undefined,
        hours: hours(s),
        unit: s.unit || UNIT_COMPETENT,
        ...(s.signs ? { signs: true } : {}),
        ...(s.numbers ? { numbers: true } : {}),
      };
    }),
    result: hasResult
      ? {
          name: form.resultName.trim(),
          kind: form.resultKind.trim(),
          ...(form.resultTemplate.trim() ? { template: form.resultTemplate } : {}),
        }
      : undefined,
  };
  for (const k of Object.keys(input)) if (input[k] === undefined) delete input[k];
  return { input, stepRows, documentRows };
}

/** A stored definition → the form (whole days shown in days, the rest in hours). */
export function fromDefinition(def: ProcedureDefinition): ProcedureForm {
  return {
    code: def.code,
    name: def.name,
    field: def.field ?? '',
    level: def.level ?? '',
    totalDays: vnNumber(def.totalDays),
    fee: String(def.fee),
    resultName: def.result?.name ?? '',
    resultKind: def.result?.kind ?? '',
    resultTemplate: def.result?.template ?? '',
    documents: def.documents.map((d) => ({ code: d.code, name: d.name, required: d.required })),
    steps: def.steps.map((s) => {
      const days = s.hours % HOURS_PER_DAY === 0;
      return {
        code: s.code,
        name: s.name,
        role: s.role,
        unit: s.unit,
        duration: vnNumber(days ? s.hours / HOURS_PER_DAY : s.hours),
        durationUnit: days ? 'days' : 'hours',
        signs: s.signs === true,
        numbers: s.numbers === true,
      };
    }),
  };
}

/** A message and the form field it belongs to (`steps.2.duration`; '' for the form as a whole). */
export interface FieldError extends DefinitionError {
  field: string;
}

/**
 * Where a schema message goes in the form: definition rows back to their form rows, `hours` to the
 * duration field, the result as a whole to its name; `steps`/`documents` stay lists-level.
 */
export function fieldOf(path: string, made: Pick<FormDefinition, 'stepRows' | 'documentRows'>): string {
  const parts = path.split('.');
  if (parts[0] === 'result') return parts.length > 1 ? path : 'result.name';
  if ((parts[0] === 'steps' || parts[0] === 'documents') && parts.length > 1 && /^\d+$/.test(parts[1])) {
    const rows = parts[0] === 'steps' ? made.stepRows : made.documentRows;
    const row = rows[Number(parts[1])] ?? Number(parts[1]);
    const leaf = parts[2] === 'hours' ? 'duration' : parts[2];
    return [parts[0], row, ...(leaf ? [leaf] : [])].join('.');
  }
  return path;
}

export function placeErrors(errors: readonly DefinitionError[], made: FormDefinition): FieldError[] {
  return errors.map((e) => ({ ...e, field: fieldOf(e.path, made) }));
}

/** Σ step hours the form asks for and the hours the total days allow (null where not a number yet). */
export function timeBudget(form: ProcedureForm): { stepHours: number | null; maxHours: number | null } {
  const { input } = toDefinition(form);
  const steps = input.steps as Array<{ hours: unknown }>;
  const ok = steps.every((s) => typeof s.hours === 'number');
  const days = input.totalDays;
  return {
    stepHours: ok ? steps.reduce((sum, s) => sum + (s.hours as number), 0) : null,
    maxHours: typeof days === 'number' ? days * HOURS_PER_DAY : null,
  };
}

export type FormAction =
  | { kind: 'check' | 'save' | 'add-step' | 'add-document' }
  | { kind: 'remove-step' | 'up-step' | 'down-step' | 'remove-document'; row: number };

/** The pressed button (`action` = `remove-step:2` …); anything else is a check. */
export function parseAction(value: unknown): FormAction {
  const m = /^(check|save|add-step|add-document|remove-step|up-step|down-step|remove-document)(?::(\d{1,3}))?$/.exec(
    str(value),
  );
  if (!m) return { kind: 'check' };
  const kind = m[1];
  if (kind === 'check' || kind === 'save' || kind === 'add-step' || kind === 'add-document') return { kind };
  return m[2] === undefined ? { kind: 'check' } : { kind: kind as 'remove-step', row: Number(m[2]) };
}

const move = <T>(list: T[], from: number, to: number): T[] => {
  if (from < 0 || to < 0 || from >= list.length || to >= list.length) return list;
  const out = [...list];
  [out[from], out[to]] = [out[to], out[from]];
  return out;
};

/** The form after a row button (add, remove, move); other actions leave it as it is. */
export function applyAction(form: ProcedureForm, action: FormAction): ProcedureForm {
  switch (action.kind) {
    case 'add-step':
      return form.steps.length >= MAX_STEP_ROWS ? form : { ...form, steps: [...form.steps, blankStep()] };
    case 'add-document':
      return form.documents.length >= MAX_DOCUMENT_ROWS
        ? form
        : { ...form, documents: [...form.documents, blankDocument()] };
    case 'remove-step':
      return { ...form, steps: form.steps.filter((_, i) => i !== action.row) };
    case 'remove-document':
      return { ...form, documents: form.documents.filter((_, i) => i !== action.row) };
    case 'up-step':
      return { ...form, steps: move(form.steps, action.row, action.row - 1) };
    case 'down-step':
      return { ...form, steps: move(form.steps, action.row, action.row + 1) };
    default:
      return form;
  }
}

/** The unit options' special values, for the view. */
export const UNIT_CHOICES = { competent: UNIT_COMPETENT, parent: UNIT_PARENT };
