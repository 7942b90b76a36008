import { validateDefinition, type DefinitionError } from '../../../workflows/procedure/definition.schema';
import { exampleDefinitionInput } from './fixtures';

type Input = ReturnType<typeof exampleDefinitionInput>;
type Step = Record<string, unknown>;

function errorsOf(input: unknown): DefinitionError[] {
  const result = validateDefinition(input);
  if (result.ok) throw new Error('expected the definition to be rejected');
  return result.errors;
}

function withSteps(change: (steps: Step[]) => void, base: Input = exampleDefinitionInput()): Input {
  const steps = structuredClone(base.steps) as Step[];
  change(steps);
  return { ...base, steps };
}

describe('validateDefinition', () => {
  it('accepts the design.md example and applies defaults', () => {
    const input = exampleDefinitionInput();
    delete input.fee;
    const steps = input.steps as Step[];
    delete steps[0]!.unit;
    const docs = input.documents as Step[];
    delete docs[0]!.required;

    const result = validateDefinition(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.fee).toBe(0);
    expect(result.definition.documents[0]!.required).toBe(true);
    expect(result.definition.steps.map((s) => s.unit)).toEqual(['competent', 'competent', 'competent', 'competent']);
    expect(result.definition.steps.map((s) => s.code)).toEqual(['review', 'check', 'sign', 'number']);
  });

  it('defaults documents to none and accepts parent and unit-code step units', () => {
    const input = withSteps((steps) => {
      steps[1]!.unit = 'parent';
      steps[2]!.unit = '000.00.31.H05';
    });
    delete input.documents;
    const result = validateDefinition(input);
    expect(result.ok && result.definition.documents).toEqual([]);
    expect(result.ok && result.definition.steps.map((s) => s.unit)).toEqual([
      'competent',
      'parent',
      '000.00.31.H05',
      'competent',
    ]);
  });

  it('accepts half days and rejects finer fractions of a day', () => {
    const half = {
      ...exampleDefinitionInput(),
      totalDays: 0.5,
      steps: [{ code: 'a', name: 'A', role: 'intake', hours: 4 }],
    };
    expect(validateDefinition(half).ok).toBe(true);
    expect(errorsOf({ ...half, totalDays: 0.25 })).toEqual([
      { path: 'totalDays', message: 'Thời hạn giải quyết chỉ được lẻ đến một chữ số thập phân (ví dụ 0,5 ngày)' },
    ]);
  });

  it.each<[string, (input: Input) => unknown, DefinitionError]>([
    ['a body that is not an object', () => 'x', { path: '', message: 'Định nghĩa thủ tục phải là một đối tượng JSON' }],
    ['a missing code', (i) => ({ ...i, code: undefined }), { path: 'code', message: 'Thiếu mã thủ tục' }],
    ['an empty name', (i) => ({ ...i, name: '   ' }), { path: 'name', message: 'Tên thủ tục không được để trống' }],
    [
      'a name over 500 characters',
      (i) => ({ ...i, name: 'a'.repeat(501) }),
      { path: 'name', message: 'Tên thủ tục dài quá 500 ký tự' },
    ],
    [
      'a zero totalDays',
      (i) => ({ ...i, totalDays: 0 }),
      { path: 'totalDays', message: 'Thời hạn giải quyết (số ngày làm việc) phải lớn hơn 0' },
    ],
    ['a negative fee', (i) => ({ ...i, fee: -1 }), { path: 'fee', message: 'Lệ phí không được âm' }],
    ['no steps', (i) => ({ ...i, steps: [] }), { path: 'steps', message: 'Quy trình phải có ít nhất một bước xử lý' }],
    [
      'a procedure code with spaces',
      (i) => ({ ...i, code: '1 000' }),
      {
        path: 'code',
        message: 'Mã thủ tục "1 000" chỉ được gồm chữ không dấu, chữ số, dấu chấm, dấu gạch ngang và dấu gạch dưới',
      },
    ],
    [
      'a procedure code the admin pages use as a path word',
      (i) => ({ ...i, code: 'Nhap' }),
      {
        path: 'code',
        message: 'Mã thủ tục "Nhap" trùng với một đường dẫn của trang quản trị; hãy chọn mã khác',
      },
    ],
    [
      'a lower-case document code',
      (i) => ({ ...i, documents: [{ code: 'to_trinh', name: 'Tờ trình' }] }),
      {
        path: 'documents.0.code',
        message: 'Mã giấy tờ "to_trinh" chỉ được gồm chữ in hoa không dấu, chữ số và dấu gạch dưới',
      },
    ],
    [
      'a duplicate document code',
      (i) => ({
        ...i,
        documents: [
          { code: 'A', name: 'A' },
          { code: 'A', name: 'B' },
        ],
      }),
      { path: 'documents.1.code', message: 'Mã giấy tờ "A" bị trùng' },
    ],
    [
      'a duplicate step code',
      (i) => withSteps((s) => void (s[2]!.code = 'review'), i),
      { path: 'steps.2.code', message: 'Mã bước "review" bị trùng' },
    ],
    [
      'a step code that is not snake_case',
      (i) => withSteps((s) => void (s[1]!.code = 'Check'), i),
      {
        path: 'steps.1.code',
        message: 'Mã bước "Check" chỉ được gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ',
      },
    ],
    [
      'a step named like a reserved state',
      (i) => withSteps((s) => void (s[3]!.code = 'returned'), i),
      {
        path: 'steps.3.code',
        message:
          'Mã bước "returned" trùng tên trạng thái dành riêng (waiting_supplement, result_ready, returned, refused, withdrawn)',
      },
    ],
    [
      'an unknown role',
      (i) => withSteps((s) => void (s[0]!.role = 'foo'), i),
      {
        path: 'steps.0.role',
        message: 'Vai trò "foo" không hợp lệ (chỉ nhận: intake, specialist, head, leader, clerk)',
      },
    ],
    [
      'the admin role at a step',
      (i) => withSteps((s) => void (s[0]!.role = 'admin'), i),
      {
        path: 'steps.0.role',
        message: 'Vai trò "admin" không hợp lệ (chỉ nhận: intake, specialist, head, leader, clerk)',
      },
    ],
    [
      'zero hours',
      (i) => withSteps((s) => void (s[1]!.hours = 0), i),
      { path: 'steps.1.hours', message: 'Số giờ xử lý của bước phải lớn hơn 0' },
    ],
    [
      'hours that are not a number',
      (i) => withSteps((s) => void (s[1]!.hours = '8'), i),
      { path: 'steps.1.hours', message: 'Số giờ xử lý của bước phải là một số' },
    ],
    [
      'a malformed unit',
      (i) => withSteps((s) => void (s[1]!.unit = 'sở nội vụ'), i),
      {
        path: 'steps.1.unit',
        message: 'Đơn vị xử lý "sở nội vụ" không hợp lệ (chỉ nhận: competent, parent hoặc mã định danh đơn vị)',
      },
    ],
    [
      'more step hours than the total days allow',
      (i) => withSteps((s) => void (s[0]!.hours = 76), i),
      { path: 'steps', message: 'Tổng số giờ của các bước (96) vượt quá thời hạn giải quyết (10 ngày = 80 giờ)' },
    ],
    [
      'more step hours than half a day',
      (i) => ({ ...i, totalDays: 0.5, steps: [{ code: 'a', name: 'A', role: 'intake', hours: 4.5 }] }),
      { path: 'steps', message: 'Tổng số giờ của các bước (4,5) vượt quá thời hạn giải quyết (0,5 ngày = 4 giờ)' },
    ],
  ])('rejects %s with a Vietnamese message naming the fault', (_, change, expected) => {
    expect(errorsOf(change(exampleDefinitionInput()))).toEqual([expected]);
  });

  it('accepts step hours that sum exactly to the total', () => {
    const input = withSteps((s) => void (s[0]!.hours = 60));
    expect(validateDefinition(input).ok).toBe(true);
  });

  it('reports every fault at once, each at its own path', () => {
    const input = withSteps((s) => {
      s[1]!.code = 'review';
      s[2]!.role = 'foo';
      s[3]!.hours = -2;
    });
    const paths = errorsOf({ ...input, name: '' }).map((e) => e.path);
    expect(paths.sort()).toEqual(['name', 'steps.1.code', 'steps.2.role', 'steps.3.hours']);
  });
});
