/** Definitions shared by the workflow unit tests. */
import { validateDefinition, type ProcedureDefinition } from '../../../workflows/procedure/definition.schema';

/** The example of design.md §3, as an admin would post it. */
export function exampleDefinitionInput(): Record<string, unknown> {
  return {
    code: '1.000775',
    name: 'Tặng Giấy khen của Chủ tịch UBND cấp xã về thành tích thực hiện nhiệm vụ chính trị',
    field: 'Thi đua, khen thưởng',
    totalDays: 10,
    fee: 0,
    documents: [{ code: 'TO_TRINH', name: 'Tờ trình đề nghị khen thưởng', required: true }],
    steps: [
      { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 48 },
      { code: 'check', name: 'Xem xét, trình ký', role: 'head', hours: 8 },
      { code: 'sign', name: 'Ký quyết định', role: 'leader', hours: 8 },
      { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', hours: 4, unit: 'competent' },
    ],
  };
}

/** Validates input that the test knows to be valid, failing loudly otherwise. */
export function definitionOf(input: unknown): ProcedureDefinition {
  const result = validateDefinition(input);
  if (!result.ok) throw new Error(`fixture is invalid: ${JSON.stringify(result.errors)}`);
  return result.definition;
}

/** The design.md example, validated (four steps: review, check, sign, number). */
export function exampleDefinition(): ProcedureDefinition {
  return definitionOf(exampleDefinitionInput());
}

/** A valid definition with `count` one-hour steps named step_1 … step_n. */
export function definitionWithSteps(count: number): ProcedureDefinition {
  return definitionOf({
    code: `TEST-${count}`,
    name: `Thủ tục thử ${count} bước`,
    totalDays: count,
    steps: Array.from({ length: count }, (_, i) => ({
      code: `step_${i + 1}`,
      name: `Bước ${i + 1}`,
      role: 'specialist',
      hours: 1,
    })),
  });
}
