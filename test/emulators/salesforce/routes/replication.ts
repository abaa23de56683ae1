/**
 * The replication API: `sobjects/{T}/updated` and `sobjects/{T}/deleted`. Times are read to the
 * minute (seconds ignored, as Salesforce does), and nothing later than the start of the current
 * minute is covered, so `latestDateCovered` is the safe start of the next window.
 */

import { SfError } from '../core/errors';
import { DAY_MS, floorToMinute, formatDateTime, parseDateTime } from '../core/time';
import type { RequestContext } from '../http/context';
import { orgOf, sendJson } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';
import { objectOf } from './sobjects';

const UPDATED_WINDOW_DAYS = 30;
const MAX_IDS = 600_000;

function invalidDate(message: string): SfError {
  return new SfError(400, 'INVALID_REPLICATION_DATE', message);
}

function window(ctx: RequestContext): { startMs: number; endMs: number } {
  const parse = (name: string): number => {
    const raw = ctx.url.searchParams.get(name);
    const ms = raw === null ? null : parseDateTime(raw);
    if (ms === null) throw new SfError(400, 'MALFORMED_QUERY', `${name}: a valid dateTime is required`);
    return floorToMinute(ms);
  };
  const startMs = parse('start');
  const endMs = parse('end');
  if (startMs >= endMs)
    throw invalidDate('startDate must chronologically precede endDate by more than one minute');
  return { startMs, endMs };
}

function updated(ctx: RequestContext): void {
  const object = objectOf(ctx);
  const org = orgOf(ctx);
  const nowMs = ctx.state.nowMs();
  const { startMs, endMs } = window(ctx);
  if (startMs < floorToMinute(nowMs - UPDATED_WINDOW_DAYS * DAY_MS)) {
    throw invalidDate(`startDate cannot be more than ${UPDATED_WINDOW_DAYS} days ago`);
  }
  const coveredMs = Math.min(endMs, floorToMinute(nowMs));
  const ids: string[] = [];
  for (const record of org.all(object.name)) {
    const stamp = record.fields.SystemModstamp;
    if (record.deletedAtMs === null && typeof stamp === 'number' && stamp >= startMs && stamp < coveredMs) {
      ids.push(record.fields.Id as string);
    }
  }
  if (ids.length > MAX_IDS) throw new SfError(400, 'EXCEEDED_ID_LIMIT', 'too many ids: narrow the window');
  sendJson(ctx, 200, { ids, latestDateCovered: formatDateTime(coveredMs) });
}

function deleted(ctx: RequestContext): void {
  const object = objectOf(ctx);
  const org = orgOf(ctx);
  const nowMs = ctx.state.nowMs();
  const { startMs, endMs } = window(ctx);
  const earliestMs = floorToMinute(org.lastPurgeMs);
  if (startMs < earliestMs) {
    throw invalidDate(`startDate cannot be before earliestDateAvailable ${formatDateTime(earliestMs)}`);
  }
  const coveredMs = Math.min(endMs, floorToMinute(nowMs));
  const deletedRecords: { id: string; deletedDate: string }[] = [];
  for (const record of org.all(object.name)) {
    const at = record.deletedAtMs;
    if (at !== null && at >= startMs && at < coveredMs) {
      deletedRecords.push({ id: record.fields.Id as string, deletedDate: formatDateTime(at) });
    }
  }
  sendJson(ctx, 200, {
    deletedRecords,
    earliestDateAvailable: formatDateTime(earliestMs),
    latestDateCovered: formatDateTime(coveredMs),
  });
}

export function replicationRoutes(): Route[] {
  const base = '/services/data/:version/sobjects/:sobject';
  return [route('GET', `${base}/updated`, 'rest', updated), route('GET', `${base}/deleted`, 'rest', deleted)];
}
