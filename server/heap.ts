import v8 from 'node:v8';

/**
 * V8 grows the old generation to a multiple of what survived the last full collection before it
 * collects again. Under many concurrent requests (50 public lookups in flight, each living across
 * several young-generation collections) request objects are promoted steadily, and with V8's
 * default factor the heap grew to ~130 MB around a live set of ~34 MB (RSS 230 MB). A 20 % factor
 * collects sooner: peak RSS about 140 MB with the same throughput (bench/README.md, server peak RSS).
 * It is a growth factor, not a cap: a report or an import that really holds more memory still gets it.
 * HEAP_GROWING_PERCENT=0 keeps V8's default; a value that is not a whole number 0–1000 is skipped here and
 * refused by loadConfig (server/config.ts) a moment later, so the start stops with the setting's name.
 */
const percent = Number(process.env.HEAP_GROWING_PERCENT ?? 20);
if (Number.isInteger(percent) && percent > 0 && percent <= 1000)
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
