/**
 * Libraries most requests never use (spreadsheets, PDF fonts, signing, QR codes, mail, uploads)
 * loaded on their first use instead of at start (issue 17: the server's memory). The value stands in
 * for the module (or its default export, or a part of it): property reads, calls and `new` go to the
 * real one, loaded the first time one happens. Types come from `import type` as before.
 */
export function lazy<T extends object>(load: () => T): T {
  let loaded: T | undefined;
  const real = (): T => (loaded ??= load());
  const target = function () {} as unknown as T;
  return new Proxy(target, {
    get: (_t, key) => Reflect.get(real(), key),
    has: (_t, key) => Reflect.has(real(), key),
    apply: (_t, self, args) => Reflect.apply(real() as unknown as (...a: unknown[]) => unknown, self, args),
    construct: (_t, args) => Reflect.construct(real() as unknown as new (...a: unknown[]) => object, args),
  });
}

/** A package required on first use: the module itself, or its default export as esModuleInterop reads it. */
export function lazyModule<T extends object>(id: string, pick: 'module' | 'default' = 'module'): T {
  return lazy(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(id);
    return (pick === 'default' && m && m.__esModule ? m.default : m) as T;
  });
}
