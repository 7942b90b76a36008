/**
 * Public status of a dossier, derived from its machine state. Steps are internal detail:
 * a citizen or the national portal only learns "in progress" until something they act on happens.
 */
import { isReservedState } from './labels';

/** Statuses a dossier shows outside the office (API `status`, public lookup). */
export const PUBLIC_STATUSES = [
  'processing',
  'waiting_supplement',
  'result_ready',
  'returned',
  'refused',
  'withdrawn',
] as const;
/** A public dossier status. */
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

/**
 * The public status of a dossier state: every step code is `processing`;
 * the reserved states are their own status.
 * @param state a step code or a reserved state name
 */
export function statusOfState(state: string): PublicStatus {
  return isReservedState(state) ? state : 'processing';
}

/** Vietnamese `statusText` of each public status. */
export const STATUS_TEXT: Record<PublicStatus, string> = {
  processing: 'Đang xử lý',
  waiting_supplement: 'Chờ bổ sung hồ sơ',
  result_ready: 'Đã có kết quả, chờ trả',
  returned: 'Đã trả kết quả',
  refused: 'Từ chối giải quyết',
  withdrawn: 'Đã rút hồ sơ',
};

/** The national public-service portal's status code for each public status (`nationalStatus`). */
export const NATIONAL_STATUS: Record<PublicStatus, number> = {
  processing: 4,
  waiting_supplement: 5,
  result_ready: 9,
  returned: 10,
  refused: 3,
  withdrawn: 7,
};

/** Dossier states after which nothing can happen; reaching one fixes `completedAt`. */
export const FINAL_STATES = ['returned', 'refused', 'withdrawn'] as const;

/** Whether a dossier state is final (no event is accepted any more). */
export function isFinalState(state: string): boolean {
  return (FINAL_STATES as readonly string[]).includes(state);
}

/** Reaching one of these sets `resolvedAt`, the moment on-time is judged on. */
export const RESOLVING_STATES = ['result_ready', 'refused'] as const;

/** Whether entering this state resolves the dossier (sets `resolvedAt`). */
export function isResolvingState(state: string): boolean {
  return (RESOLVING_STATES as readonly string[]).includes(state);
}

/**
 * Whether a dossier in this state counts as resolved in reports. `returned` counts because it
 * can only be reached through `result_ready`; `withdrawn` is neither on time nor late.
 */
export function isResolvedState(state: string): boolean {
  return state === 'result_ready' || state === 'refused' || state === 'returned';
}
