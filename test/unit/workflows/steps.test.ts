import {
  firstStep,
  nextStep,
  previousStep,
  stepIndex,
  stepOf,
  totalStepHours,
} from '../../../workflows/procedure/steps';
import { exampleDefinition } from './fixtures';

describe('step helpers', () => {
  const def = exampleDefinition();

  it('find a step and its neighbours by state code', () => {
    expect(firstStep(def).code).toBe('review');
    expect(stepOf(def, 'sign')?.role).toBe('leader');
    expect(stepIndex(def, 'sign')).toBe(2);
    expect(nextStep(def, 'sign')?.code).toBe('number');
    expect(previousStep(def, 'sign')?.code).toBe('check');
  });

  it('have no neighbour past the ends, and no step for reserved states', () => {
    expect(nextStep(def, 'number')).toBeNull();
    expect(previousStep(def, 'review')).toBeNull();
    expect(stepOf(def, 'waiting_supplement')).toBeUndefined();
    expect(stepIndex(def, 'result_ready')).toBe(-1);
    expect(nextStep(def, 'result_ready')).toBeNull();
  });

  it('sum the step hours', () => {
    expect(totalStepHours(def)).toBe(68);
  });
});
