/** Latency statistics: nearest-rank percentiles, so every figure reported is a latency that was observed. */

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  meanMs: number | null;
}

/** The nearest-rank percentile (0 < p ≤ 100) of the samples, or null when there are none. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] ?? null;
}

export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50Ms: null, p95Ms: null, maxMs: null, meanMs: null };
  const total = samples.reduce((sum, value) => sum + value, 0);
  return {
    count: samples.length,
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    maxMs: Math.max(...samples),
    meanMs: Math.round(total / samples.length),
  };
}
