/**
 * How long to wait before the next attempt: exponential growth, capped, with "equal jitter" (a random
 * point in the upper half of the step) so that records that failed together do not retry together, yet
 * never sooner than half the nominal delay. A provider's Retry-After is a floor. Randomness is an argument.
 */

export interface BackoffPolicy {
  /** Delay after the first failed attempt, before jitter. */
  baseDelayMs: number;
  /** Upper bound of any delay, before Retry-After. */
  maxDelayMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseDelayMs: 5_000, maxDelayMs: 60 * 60_000 };

/**
 * @param attempt the attempt that just failed, counting from 1
 * @param random a number in [0, 1), e.g. Math.random()
 * @param retryAfterMs what the provider asked for, if anything
 */
export function retryDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: number,
  retryAfterMs?: number | null,
): number {
  const nominal = nominalDelayMs(policy, attempt);
  const jittered = Math.floor(nominal / 2 + (nominal / 2) * clampUnit(random));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** The delay before jitter: base · 2^(attempt−1), capped at maxDelayMs. */
export function nominalDelayMs(policy: BackoffPolicy, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^exponent overflows to Infinity long before it matters; the cap keeps the result finite.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exponent, 52));
}

function clampUnit(value: number): number {
  if (!(value >= 0)) return 0;
  return value >= 1 ? 1 - Number.EPSILON : value;
}
