/**
 * Lookups over a definition's ordered steps. A dossier's state is either a step code or a
 * reserved state; these helpers answer "which step is that, and what comes around it".
 */
import type { ProcedureDefinition, ProcedureStep } from './definition.schema';

/**
 * The step a dossier state stands for.
 * @returns the step, or `undefined` for a reserved state (`waiting_supplement`, `result_ready`, …)
 */
export function stepOf(def: ProcedureDefinition, stateCode: string): ProcedureStep | undefined {
  return def.steps.find((step) => step.code === stateCode);
}

/** Zero-based position of a step, or -1 when the state is not a step. */
export function stepIndex(def: ProcedureDefinition, stateCode: string): number {
  return def.steps.findIndex((step) => step.code === stateCode);
}

/** Whether a state code is one of this definition's steps. */
export function isStepState(def: ProcedureDefinition, stateCode: string): boolean {
  return stepIndex(def, stateCode) >= 0;
}

/** The first step: where a dossier starts at intake. */
export function firstStep(def: ProcedureDefinition): ProcedureStep {
  // The schema guarantees at least one step.
  return def.steps[0] as ProcedureStep;
}

/** The step FORWARD leads to, or `null` after the last step (FORWARD then leads to `result_ready`). */
export function nextStep(def: ProcedureDefinition, stateCode: string): ProcedureStep | null {
  const index = stepIndex(def, stateCode);
  return index >= 0 ? (def.steps[index + 1] ?? null) : null;
}

/** The step RETURN leads to, or `null` at the first step (and for reserved states). */
export function previousStep(def: ProcedureDefinition, stateCode: string): ProcedureStep | null {
  const index = stepIndex(def, stateCode);
  return index > 0 ? (def.steps[index - 1] ?? null) : null;
}

/** Σ of the steps' working hours. */
export function totalStepHours(def: ProcedureDefinition): number {
  return def.steps.reduce((sum, step) => sum + step.hours, 0);
}
