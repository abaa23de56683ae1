import {
  AdjustableClock,
  floorToMinute,
  formatDate,
  formatDateTime,
  parseDate,
  parseDateTime,
} from '../../../emulators/salesforce/core/time';

describe('Salesforce time formats', () => {
  it('formats datetimes with milliseconds and a colon-less offset', () => {
    expect(formatDateTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6))).toBe('2026-01-02T03:04:05.006+0000');
    expect(formatDate(Date.UTC(2026, 11, 31, 23, 59))).toBe('2026-12-31');
  });

  it.each([
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00:00.000+0000', Date.UTC(2026, 0, 1)],
    ['2026-01-01T01:30:00+01:30', Date.UTC(2026, 0, 1)],
    ['2025-12-31T19:00:00-05:00', Date.UTC(2026, 0, 1)],
    ['2026-01-01T00:00', Date.UTC(2026, 0, 1)],
  ])('parses %s', (text, expected) => {
    expect(parseDateTime(text)).toBe(expected);
  });

  it('rejects impossible dates', () => {
    expect(parseDateTime('2026-02-30T00:00:00Z')).toBeNull();
    expect(parseDate('2026-02-29')).toBeNull();
    expect(parseDate('2028-02-29')).toBe('2028-02-29');
    expect(parseDate('26-1-1')).toBeNull();
  });

  it('floors to the minute and only moves the clock forward', () => {
    expect(floorToMinute(Date.UTC(2026, 0, 1, 0, 0, 59, 999))).toBe(Date.UTC(2026, 0, 1));
    const clock = new AdjustableClock(() => 1000);
    clock.advance(500);
    expect(clock.nowMs()).toBe(1500);
    expect(() => clock.advance(-1)).toThrow();
  });
});
