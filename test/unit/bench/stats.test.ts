import { percentile, summarizeLatencies } from '../../bench/stats';

describe('latency statistics', () => {
  it('takes nearest-rank percentiles: always a latency that was observed', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index); // 100 … 1, unsorted order
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 95)).toBe(95);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([7, 3, 11], 50)).toBe(7);
    expect(percentile([7], 95)).toBe(7);
  });

  it('has nothing to say about no samples, and refuses a percentile outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNull();
    expect(summarizeLatencies([])).toEqual({ count: 0, p50Ms: null, p95Ms: null, maxMs: null, meanMs: null });
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarizes count, percentiles, max and a rounded mean', () => {
    expect(summarizeLatencies([120, 80, 400, 95])).toEqual({
      count: 4,
      p50Ms: 95,
      p95Ms: 400,
      maxMs: 400,
      meanMs: 174,
    });
  });
});
