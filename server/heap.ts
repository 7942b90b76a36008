import v8 from 'node:v8';

/**
 * V8 grows the old generation to a multiple of what survived the last full collection before it
 * collects again. Under many concurrent requests (50 public lookups in flight, each living across
 * several young-generation collections) request objects are promoted steadily, and with V8's
 * default factor the heap grew to ~130 MB around a live set of ~34 MB (RSS 230 MB). A 20 % factor
 * collects sooner: peak RSS about 140 MB with the same throughput (bench/README.md, server peak RSS).
 * It is a growth factor, not a cap: a report or an import that really holds more memory still gets it.
 * server/index.ts sets it as soon as the configuration is read, before the app's modules load.
 * `percent` is HEAP_GROWING_PERCENT, checked by loadConfig; 0 keeps V8's default.
 */
export function setHeapGrowing(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
