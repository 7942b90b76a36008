/**
 * The parts of the fault suite's machinery that do not need jest: waiting with a stall limit and the
 * cleanup registry. The Galera harness (galera/cluster.ts) uses them, so `npm run bench` can start a
 * cluster outside jest; support.ts re-exports them for the tests.
 */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Poll `fn` until it returns a truthy value; throws with `what` and the last value after `timeoutMs`.
 * With `progress`, the time limit is a stall limit: it starts again whenever `progress()` changes
 * (a busy machine is slow, not stuck), up to six times `timeoutMs` in all.
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T> | T,
  timeoutMs = 120_000,
  everyMs = 200,
  progress?: () => unknown,
): Promise<T> {
  const start = Date.now();
  const cap = start + 6 * timeoutMs;
  let until = start + timeoutMs;
  const mark = async () => (progress ? JSON.stringify(await progress()) : '');
  let seen = await mark().catch(() => '');
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (progress) {
      const now = await mark().catch(() => seen);
      if (now !== seen) {
        seen = now;
        until = Math.min(cap, Date.now() + timeoutMs);
      }
    }
    if (Date.now() > until)
      throw new Error(
        `timed out after ${Date.now() - start} ms waiting for ${what}${progress ? ` (no progress for ${timeoutMs} ms)` : ''} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanup registry: every child, database and folder a test makes is undone in afterAll, even on failure.

const cleanups: Array<() => Promise<void> | void> = [];
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}
/** Run (and forget) every registered cleanup, newest first; errors are collected, not thrown. */
export async function cleanupAll(): Promise<void> {
  const errors: unknown[] = [];
  while (cleanups.length) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length) console.warn('fault-suite cleanup errors:', errors);
}
