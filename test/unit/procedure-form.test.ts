import {
  applyAction,
  emptyForm,
  fieldOf,
  formFromBody,
  fromDefinition,
  parseAction,
  slugCode,
  stepCodes,
  toDefinition,
  type ProcedureForm,
} from '../../server/presenters/procedure-form';
import { validateDefinition } from '../../workflows/procedure';

/** A filled form as an admin would leave it: whole days in days, odd hours in hours. */
const filled = (): ProcedureForm => ({
  code: '2.000123',
  name: 'Cấp giấy phép xây dựng',
  field: 'Xây dựng',
  level: 'district',
  totalDays: '10,5',
  fee: '150000',
  resultName: 'Giấy phép xây dựng',
  resultKind: 'GP',
  resultTemplate: '',
  documents: [
    { code: 'DON', name: 'Đơn đề nghị', required: true },
    { code: 'BAN_VE', name: 'Bản vẽ', required: false },
  ],
  steps: [
    {
      code: 'tham_dinh',
      name: 'Thẩm định',
      role: 'specialist',
      unit: 'competent',
      duration: '5',
      durationUnit: 'days',
      signs: false,
      numbers: false,
    },
    {
      code: 'xem_xet',
      name: 'Xem xét',
      role: 'head',
      unit: 'parent',
      duration: '4',
      durationUnit: 'hours',
      signs: false,
      numbers: false,
    },
    {
      code: 'ky',
      name: 'Ký',
      role: 'leader',
      unit: 'SXD',
      duration: '1,5',
      durationUnit: 'hours',
      signs: true,
      numbers: false,
    },
    {
      code: 'vao_so',
      name: 'Vào số',
      role: 'clerk',
      unit: 'competent',
      duration: '1',
      durationUnit: 'days',
      signs: false,
      numbers: true,
    },
  ],
});

/** The form as the browser posts it: flat, indexed names. */
function post(form: ProcedureForm): Record<string, string> {
  const body: Record<string, string> = {
    code: form.code,
    name: form.name,
    field: form.field,
    level: form.level,
    totalDays: form.totalDays,
    fee: form.fee,
    'result.name': form.resultName,
    'result.kind': form.resultKind,
    'result.template': form.resultTemplate,
  };
  form.documents.forEach((d, i) => {
    body[`documents.${i}.code`] = d.code;
    body[`documents.${i}.name`] = d.name;
    if (d.required) body[`documents.${i}.required`] = 'on';
  });
  form.steps.forEach((s, i) => {
    for (const k of ['code', 'name', 'role', 'unit', 'duration', 'durationUnit'] as const)
      body[`steps.${i}.${k}`] = s[k];
    if (s.signs) body[`steps.${i}.signs`] = 'on';
    if (s.numbers) body[`steps.${i}.numbers`] = 'on';
  });
  return body;
}

describe('procedure form ↔ definition', () => {
  it('posted fields → form → definition → form is the same form, and the definition is valid', () => {
    const form = formFromBody(post(filled()));
    expect(form).toEqual(filled());
    const { input } = toDefinition(form);
    const result = validateDefinition(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition).toMatchObject({
      code: '2.000123',
      level: 'district',
      totalDays: 10.5,
      fee: 150000,
      result: { name: 'Giấy phép xây dựng', kind: 'GP' },
      documents: [{ required: true }, { required: false }],
    });
    expect(result.definition.steps.map((s) => [s.code, s.hours, s.unit, s.signs, s.numbers])).toEqual([
      ['tham_dinh', 40, 'competent', undefined, undefined],
      ['xem_xet', 4, 'parent', undefined, undefined],
      ['ky', 1.5, 'SXD', true, undefined],
      ['vao_so', 8, 'competent', undefined, true],
    ]);
    expect(fromDefinition(result.definition)).toEqual(filled());
  });

  it('a stored definition → form → definition is the same definition (template kept)', () => {
    const def = validateDefinition({
      code: 'X.1',
      name: 'Thủ tục',
      totalDays: 3,
      documents: [],
      steps: [
        { code: 'a', name: 'Bước A', role: 'specialist', hours: 12 },
        { code: 'b', name: 'Bước B', role: 'leader', hours: 0.5, unit: 'parent', signs: true },
        { code: 'c', name: 'Bước C', role: 'clerk', hours: 8, unit: 'SXD', numbers: true },
      ],
      result: { name: 'Quyết định', kind: 'QĐ', template: '<p>{{x}}</p>' },
    });
    if (!def.ok) throw new Error('bad fixture');
    const again = validateDefinition(toDefinition(fromDefinition(def.definition)).input);
    expect(again).toEqual({ ok: true, definition: def.definition });
  });

  it('blank step codes are made from the names: ascii, unique, not a reserved state', () => {
    expect(slugCode('Thẩm định hồ sơ')).toBe('tham_dinh_ho_so');
    expect(slugCode('Đóng dấu')).toBe('dong_dau');
    expect(slugCode('1 cửa')).toBe('buoc_1_cua');
    const steps = ['Xem xét', 'Xem xét', 'returned', ''].map((name) => ({ ...emptyForm().steps[0], name }));
    expect(stepCodes(steps)).toEqual(['xem_xet', 'xem_xet_2', 'returned_2', 'buoc_4']);
    expect(stepCodes([{ ...steps[0], code: 'xem_xet' }, steps[1]])).toEqual(['xem_xet', 'xem_xet_2']);
  });

  it('numbers: decimal comma, thousands dots in the fee; blank is missing and words stay words for the schema', () => {
    const form = { ...filled(), totalDays: 'mười', fee: '1.500.000' };
    form.steps[0] = { ...form.steps[0], duration: '' };
    const { input } = toDefinition(form);
    expect(input).toMatchObject({ totalDays: 'mười', fee: 1500000 });
    const result = validateDefinition(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: 'totalDays', message: 'Thời hạn giải quyết (số ngày làm việc) phải là một số' },
        { path: 'steps.0.hours', message: 'Thiếu số giờ xử lý của bước' },
      ]),
    );
  });

  it('messages go to the form field: blank rows skipped, hours → duration, result → its name', () => {
    const form = filled();
    form.steps.splice(1, 0, { ...emptyForm().steps[0] }); // a blank row at 1 is not part of the definition
    form.steps[3] = { ...form.steps[3], duration: '0' };
    const made = toDefinition(form);
    expect(made.stepRows).toEqual([0, 2, 3, 4]);
    expect(fieldOf('steps.2.hours', made)).toBe('steps.3.duration');
    expect(fieldOf('steps.2', made)).toBe('steps.3');
    expect(fieldOf('result', made)).toBe('result.name');
    expect(fieldOf('steps', made)).toBe('steps');
    expect(fieldOf('totalDays', made)).toBe('totalDays');
  });

  it('row buttons add, remove and move rows; unknown actions are a check', () => {
    const form = filled();
    expect(parseAction('remove-step:2')).toEqual({ kind: 'remove-step', row: 2 });
    expect(parseAction('nonsense')).toEqual({ kind: 'check' });
    expect(parseAction(['save', 'check'])).toEqual({ kind: 'save' });
    expect(applyAction(form, { kind: 'add-step' }).steps).toHaveLength(5);
    expect(applyAction(form, { kind: 'add-document' }).documents).toHaveLength(3);
    expect(applyAction(form, { kind: 'remove-step', row: 0 }).steps.map((s) => s.code)).toEqual([
      'xem_xet',
      'ky',
      'vao_so',
    ]);
    expect(applyAction(form, { kind: 'up-step', row: 1 }).steps.map((s) => s.code)).toEqual([
      'xem_xet',
      'tham_dinh',
      'ky',
      'vao_so',
    ]);
    expect(applyAction(form, { kind: 'down-step', row: 3 }).steps).toEqual(form.steps);
    expect(applyAction(form, { kind: 'remove-document', row: 1 }).documents.map((d) => d.code)).toEqual(['DON']);
  });

  it('hostile posted fields never throw: huge indexes are read in order and capped', () => {
    const form = formFromBody({
      'steps.999999.name': 'B',
      'steps.3.name': ['A', 'x'],
      'documents.x.code': 'Y',
      'steps.1e9.name': 'C',
    });
    expect(form.steps.map((s) => s.name)).toEqual(['A', 'B']);
    expect(form.documents).toEqual([]);
    const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`steps.${i}.name`, `B${i}`]));
    expect(formFromBody(many).steps).toHaveLength(51);
  });
});
