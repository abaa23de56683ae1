import {
  advancePollCursor,
  alreadyHandedOver,
  decodePollCursor,
  encodePollCursor,
  fingerprintOf,
  MAX_REMEMBERED,
  pollStartMs,
  rememberedOf,
  type ChangedRecord,
} from '../../../../src/domain/changes/pollCursor';

const record = (id: string, changedMs: number, values: Record<string, unknown> = { id }): ChangedRecord => ({
  id,
  changedMs,
  fingerprint: fingerprintOf(values),
});

describe('the poll cursor', () => {
  it('starts at the beginning of time without a cursor, and an overlap before the newest change with one', () => {
    expect(pollStartMs(null, 60_000)).toBe(0);
    expect(pollStartMs({ v: 1, newestMs: 1_000_000, recent: [] }, 60_000)).toBe(940_000);
    expect(pollStartMs({ v: 1, newestMs: 10_000, recent: [] }, 60_000)).toBe(0);
  });

  it('moves forward, never back, and remembers only what lies in the overlap window', () => {
    const first = advancePollCursor(
      null,
      [record('a', 1_000), record('b', 50_000), record('c', 100_000)],
      60_000,
    );
    expect(first.newestMs).toBe(100_000);
    expect(first.recent.map(([id]) => id)).toEqual(['c', 'b']);
    const older = advancePollCursor(first, [record('d', 20_000)], 60_000);
    expect(older.newestMs).toBe(100_000);
    expect(older.recent.map(([id]) => id)).toEqual(['c', 'b']);
  });

  it('skips a version already handed over, but not a newer one nor one with other values in the same second', () => {
    const cursor = advancePollCursor(null, [record('a', 5_000, { Title: 'CEO' })], 60_000);
    const remembered = rememberedOf(cursor);
    expect(alreadyHandedOver(remembered, record('a', 5_000, { Title: 'CEO' }))).toBe(true);
    expect(alreadyHandedOver(remembered, record('a', 6_000, { Title: 'CEO' }))).toBe(false);
    expect(alreadyHandedOver(remembered, record('a', 5_000, { Title: 'CTO' }))).toBe(false);
    expect(alreadyHandedOver(remembered, record('b', 5_000, { Title: 'CEO' }))).toBe(false);
  });

  it('keeps the newest versions when a burst exceeds what it remembers', () => {
    const burst = Array.from({ length: MAX_REMEMBERED + 10 }, (_, n) => record(`r${n}`, 1_000 + n));
    const cursor = advancePollCursor(null, burst, 60_000);
    expect(cursor.recent).toHaveLength(MAX_REMEMBERED);
    expect(cursor.recent[0]?.[0]).toBe(`r${MAX_REMEMBERED + 9}`);
    expect(cursor.recent.some(([id]) => id === 'r0')).toBe(false);
  });

  it('round-trips through its stored text, and reads a bare number as a watermark', () => {
    const cursor = advancePollCursor(null, [record('a', 7)], 60_000);
    expect(decodePollCursor(encodePollCursor(cursor))).toEqual(cursor);
    expect(decodePollCursor('1700000000000')).toEqual({ v: 1, newestMs: 1_700_000_000_000, recent: [] });
    expect(decodePollCursor(null)).toBeNull();
    expect(() => decodePollCursor('not a cursor')).toThrow(/neither a number nor JSON/);
  });

  it('fingerprints values regardless of key order', () => {
    expect(fingerprintOf({ a: 1, b: 'x' })).toBe(fingerprintOf({ b: 'x', a: 1 }));
    expect(fingerprintOf({ a: 1, b: 'x' })).not.toBe(fingerprintOf({ a: 1, b: 'y' }));
    expect(fingerprintOf({ a: null })).not.toBe(fingerprintOf({}));
  });
});
