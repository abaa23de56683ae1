/**
 * How much V8 lets the heap grow past what survived its last full collection. Left to itself, V8 on a
 * machine with memory to spare lets the heap grow to several times the live data before collecting it: in a
 * first sync of 2,000 + 2,000 records the bridge's heap reached 238 MB when at most 75 MB of it was needed, and
 * the process 349 MB (docs/benchmarks.md, "Memory"). Growing by 30 % at a time keeps the heap near what the
 * sync holds and never caps it: a larger live set just gets a larger heap. The flag is read at every full
 * collection, so setting it once the process runs takes effect from the next one.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 30;

/**
 * Sets V8's heap growing factor for this process, unless node was started with its own
 * `--heap-growing-percent` (an operator's choice wins). Returns the percent in force, or null when node's own
 * option decides.
 */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): number | null {
  if (execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return null;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return HEAP_GROWING_PERCENT;
}
