/**
 * Dates and date-times.
 *
 * A date is a calendar day, canonical `YYYY-MM-DD`. HubSpot stores a date property as midnight UTC in epoch
 * milliseconds (and also accepts and sometimes returns `YYYY-MM-DD`); Salesforce sends `YYYY-MM-DD`.
 *
 * A date-time is an instant, canonical epoch milliseconds truncated to the second: Salesforce's
 * `2026-01-01T00:00:00.000+0000` carries no real milliseconds, so keeping HubSpot's would make every echo a
 * change. We write Salesforce date-times as `…Z`, the form its API documents for input.
 */
import { ok } from '../result';
import type { CanonicalValue, FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire } from './canonical';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EPOCH_MS = /^-?\d{1,15}$/;

/** Salesforce's range for dates and date-times; also keeps `toISOString` in its four-digit-year form. */
const MIN_MS = Date.UTC(1700, 0, 1);
const MAX_MS = Date.UTC(4000, 11, 31, 23, 59, 59);

function utcMsOfDay(year: number, month: number, day: number): number | null {
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null; // 2026-02-30 and friends
  }
  return ms;
}

function inRange(ms: number): boolean {
  return ms >= MIN_MS && ms <= MAX_MS;
}

/** `YYYY-MM-DD` of the UTC day containing `ms`. */
export function utcDateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Parses the date-time forms both APIs use: epoch milliseconds as text, ISO 8601 with `Z`, `+00:00` or
 * Salesforce's `+0000`. Returns epoch ms, or null when the text is none of these.
 */
export function parseDateTimeMs(text: string): number | null {
  const trimmed = text.trim();
  if (EPOCH_MS.test(trimmed)) return Number(trimmed);
  const match = DATE_TIME.exec(trimmed);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const day = utcMsOfDay(Number(y), Number(mo), Number(d));
  if (day === null || Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return null;
  const millis = fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  let ms = day + ((Number(h) * 60 + Number(mi)) * 60 + Number(s ?? 0)) * 1000 + millis;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

function dateFromText(wire: string): TransformResult<CanonicalValue> {
  const trimmed = wire.trim();
  const match = DATE_ONLY.exec(trimmed);
  if (match) {
    const ms = utcMsOfDay(Number(match[1]), Number(match[2]), Number(match[3]));
    return ms !== null && inRange(ms) ? ok(trimmed) : invalid(wire, 'is not a valid date');
  }
  const ms = parseDateTimeMs(trimmed);
  if (ms === null || !inRange(ms)) return invalid(wire, 'is not a date');
  return ok(utcDateOf(ms));
}

function isCanonicalDate(value: CanonicalValue): value is string {
  return typeof value === 'string' && DATE_ONLY.test(value);
}

export function createDateTransform(): FieldTransform {
  const fromWire = (wire: unknown): TransformResult<CanonicalValue> => {
    if (isBlankWire(wire)) return ok(null);
    if (typeof wire === 'string') return dateFromText(wire);
    if (typeof wire === 'number') return dateFromText(String(wire));
    return invalid(wire, 'is not a date');
  };
  return {
    fromHubspot: fromWire,
    fromSalesforce: fromWire,
    toHubspot(value) {
      if (value === null) return ok('');
      if (!isCanonicalDate(value)) return invalid(value, 'is not a date');
      return ok(String(Date.parse(`${value}T00:00:00Z`)));
    },
    toSalesforce(value) {
      if (value === null) return ok(null);
      return isCanonicalDate(value) ? ok(value) : invalid(value, 'is not a date');
    },
  };
}

function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function createDateTimeTransform(): FieldTransform {
  const fromWire = (wire: unknown): TransformResult<CanonicalValue> => {
    if (isBlankWire(wire)) return ok(null);
    const ms =
      typeof wire === 'number' && Number.isInteger(wire)
        ? wire
        : typeof wire === 'string'
          ? parseDateTimeMs(wire)
          : null;
    if (ms === null || !inRange(ms)) return invalid(wire, 'is not a date and time');
    return ok(truncateToSecond(ms));
  };
  const isInstant = (value: CanonicalValue): value is number =>
    typeof value === 'number' && Number.isInteger(value) && inRange(value);
  return {
    fromHubspot: fromWire,
    fromSalesforce: fromWire,
    toHubspot(value) {
      if (value === null) return ok('');
      return isInstant(value) ? ok(String(value)) : invalid(value, 'is not a date and time');
    },
    toSalesforce(value) {
      if (value === null) return ok(null);
      return isInstant(value) ? ok(new Date(value).toISOString()) : invalid(value, 'is not a date and time');
    },
  };
}
