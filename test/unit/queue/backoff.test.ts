import fc from 'fast-check';
import { nominalDelayMs, retryDelayMs, type BackoffPolicy } from '../../../src/queue/backoff';

const policy: BackoffPolicy = { baseDelayMs: 1_000, maxDelayMs: 60_000 };

describe('retryDelayMs', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [200, 60_000],
  ])('attempt %i has a nominal delay of %i ms', (attempt, nominal) => {
    expect(nominalDelayMs(policy, attempt)).toBe(nominal);
  });

  it('spans the upper half of the nominal delay as the random number goes from 0 to 1', () => {
    expect(retryDelayMs(policy, 3, 0)).toBe(2_000);
    expect(retryDelayMs(policy, 3, 0.5)).toBe(3_000);
    expect(retryDelayMs(policy, 3, 0.999_999_9)).toBe(3_999);
  });

  it('stays within [nominal/2, nominal] and never shrinks from one attempt to the next in the worst case', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const nominal = nominalDelayMs(policy, attempt);
          const delay = retryDelayMs(policy, attempt, random);
          expect(delay).toBeGreaterThanOrEqual(nominal / 2);
          expect(delay).toBeLessThanOrEqual(nominal);
          expect(nominalDelayMs(policy, attempt + 1)).toBeGreaterThanOrEqual(nominal);
        },
      ),
      { seed: 20261122, numRuns: 500 },
    );
  });

  it('waits at least as long as Retry-After asks, even past the cap', () => {
    expect(retryDelayMs(policy, 1, 0, 30_000)).toBe(30_000);
    expect(retryDelayMs(policy, 20, 0.9, 600_000)).toBe(600_000);
    expect(retryDelayMs(policy, 3, 0.5, 10)).toBe(3_000);
  });
});
