import { HEAP_GROWING_PERCENT, limitHeapGrowth } from '../../../src/app/heapGrowth';

describe("the bridge's heap growth", () => {
  it('lets the heap grow 30 % past the live data, unless node was started with its own factor', () => {
    expect(HEAP_GROWING_PERCENT).toBe(30);
    expect(limitHeapGrowth(['--enable-source-maps'])).toBe(30);
    expect(limitHeapGrowth(['--heap-growing-percent=50'])).toBeNull();
    expect(limitHeapGrowth(['--heap-growing-percent', '50'])).toBeNull();
  });
});
