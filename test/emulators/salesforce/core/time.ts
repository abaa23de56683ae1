/**
 * Time in the emulator: a clock that tests can move forward (recycle-bin purges, token lifetimes,
 * replication windows) and Salesforce's wire formats for dates and datetimes.
 */

export interface Clock {
  nowMs(): number;
}

/** Wall-clock time plus an offset that only ever grows, so stamps stay monotonic. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly base: () => number = Date.now) {}

  nowMs(): number {
    return this.base() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('the clock only moves forward');
    this.offsetMs += ms;
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2026-01-01T00:00:00.000+0000`: what Salesforce sends for dateTime fields. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`
  );
}

/** `2026-01-01`: date fields, in UTC (the emulator's orgs all live in UTC). */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses the datetime forms Salesforce accepts (`Z`, `+00:00`, `+0000`, optional seconds and
 * fractions). A value without offset is read as UTC. Returns null when malformed.
 */
export function parseDateTime(text: string): number | null {
  const m = DATETIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const fractionMs = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), fractionMs);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  if (Number.isNaN(ms) || !sameCalendarDay(Number(y), Number(mo), Number(d))) return null;
  return ms;
}

/** Parses `YYYY-MM-DD` and checks it is a real calendar day; returns the canonical string. */
export function parseDate(text: string): string | null {
  const m = DATE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d] = m;
  return sameCalendarDay(Number(y), Number(mo), Number(d)) ? `${y}-${mo}-${d}` : null;
}

function sameCalendarDay(y: number, mo: number, d: number): boolean {
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

export function startOfUtcDayMs(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

export function floorToMinute(ms: number): number {
  return ms - (((ms % 60_000) + 60_000) % 60_000);
}

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;
