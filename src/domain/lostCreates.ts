/**
 * Salesforce creates whose answer was lost (no answer in time, a dropped connection, a crash while the call
 * was out): the record may exist with nothing pointing to it. Before creating again, the bridge waits for the
 * call to end and then looks among the records the integration user created since the attempt for the one
 * holding exactly what was sent. Pure decisions; the reading is in src/sync/reads.ts.
 */
import type { SalesforceRecord } from './records';

/** Salesforce ends a REST call after ten minutes at most: a create sent longer ago has landed or never will. */
export const SALESFORCE_CALL_LIMIT_MS = 10 * 60_000;

/** How far the lookup reaches before the attempt, for the difference between our clock and Salesforce's. */
export const CREATED_SINCE_MARGIN_MS = 5 * 60_000;

/** A create older than this is forgotten: its retries have long looked for it. */
export const FORGET_AFTER_MS = 24 * 60 * 60_000;

export interface SentCreate {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly sentAt: number;
  /** When the call ended without a usable answer; null while it may still be on its way (or after a crash). */
  readonly endedAt: number | null;
}

/** Whether the create may still land: its call has not been seen to end and Salesforce may still be running it. */
export function mayStillLand(create: SentCreate, nowMs: number): boolean {
  return create.endedAt === null && nowMs < create.sentAt + SALESFORCE_CALL_LIMIT_MS;
}

function comparable(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    // Salesforce answers datetimes as 2026-12-07T09:00:00.000+0000 for a 2026-12-07T09:00:00.000Z sent.
    if (/^\d{4}-\d{2}-\d{2}T/.test(text)) {
      const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      if (!Number.isNaN(ms)) return `t:${ms}`;
    }
    return `s:${text}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `s:${String(value)}`;
  return `j:${JSON.stringify(value)}`;
}

/**
 * Whether `record` holds every non-empty value the create sent (fields it was not read with are not
 * compared); at least one value must be compared.
 */
export function holdsWhatWasSent(record: SalesforceRecord, sent: Readonly<Record<string, unknown>>): boolean {
  let compared = 0;
  for (const [field, value] of Object.entries(sent)) {
    const expected = comparable(value);
    if (expected === null || !(field in record.fields)) continue;
    if (comparable(record.fields[field]) !== expected) return false;
    compared += 1;
  }
  return compared > 0;
}
