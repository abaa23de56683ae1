/** `/services/data` (versions), `/services/data/vXX.X` (resources) and `limits`. */

import type { RequestContext } from '../http/context';
import { orgOf, sendJson } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';
import { identityUrl } from './oauth';

export const OLDEST_VERSION = 31;
export const NEWEST_VERSION = 66;
/** Versions 21.0–30.0 were retired in Summer '25 and answer 410. */
export const RETIRED_FROM = 21;

/** Release names run Summer '14 (31.0), Winter '15, Spring '15, Summer '15, … */
function label(major: number): string {
  const i = major - OLDEST_VERSION;
  const season = ['Summer', 'Winter', 'Spring'][i % 3] as string;
  return `${season} '${String(14 + Math.floor((i + 2) / 3)).padStart(2, '0')}`;
}

export function versionsList(): { label: string; url: string; version: string }[] {
  const list = [];
  for (let major = OLDEST_VERSION; major <= NEWEST_VERSION; major++) {
    list.push({ label: label(major), url: `/services/data/v${major}.0`, version: `${major}.0` });
  }
  return list;
}

function resources(ctx: RequestContext): void {
  const org = orgOf(ctx);
  const base = `/services/data/v${ctx.version}`;
  const names = [
    'sobjects',
    'query',
    'queryAll',
    'limits',
    'composite',
    'recent',
    'search',
    'tooling',
    'jobs',
  ];
  const body: Record<string, string> = {};
  for (const name of names) body[name] = `${base}/${name}`;
  body.identity = identityUrl(
    ctx,
    org.kind === 'sandbox' ? 'sandbox' : 'production',
    org.id,
    ctx.session?.userId ?? '',
  );
  sendJson(ctx, 200, body);
}

function limits(ctx: RequestContext): void {
  const org = orgOf(ctx);
  const max = org.settings.dailyApiLimit;
  const used = org.usage.used(ctx.state.nowMs());
  const pair = (n: number): { Max: number; Remaining: number } => ({ Max: n, Remaining: n });
  sendJson(ctx, 200, {
    ConcurrentAsyncGetReportInstances: pair(200),
    DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
    DailyAsyncApexExecutions: pair(250000),
    DailyBulkApiBatches: pair(15000),
    DailyBulkV2QueryFileStorageMB: pair(976562),
    DailyBulkV2QueryJobs: pair(10000),
    DailyDurableStreamingApiEvents: pair(10000),
    DailyDeliveredPlatformEvents: pair(10000),
    DailyStreamingApiEvents: pair(10000),
    DataStorageMB: pair(5),
    FileStorageMB: pair(20),
    SingleEmail: pair(5000),
  });
}

export function versionRoutes(): Route[] {
  return [
    route('GET', '/services/data', 'open', (ctx) => sendJson(ctx, 200, versionsList())),
    route('GET', '/services/data/:version', 'rest', resources),
    route('GET', '/services/data/:version/limits', 'rest', limits),
  ];
}
