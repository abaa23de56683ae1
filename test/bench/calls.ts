/**
 * API calls as the emulators count them: snapshots of their counters, the difference between two, and what
 * kind each route is (a read, a write, or authentication), so a figure can say "reads" and "writes" the way
 * the floor does. The counters are the emulators', not the bridge's own bookkeeping.
 */
import type { HubSpotEmulatorControl } from '../emulators/hubspot';
import type { SalesforceControlClient } from '../emulators/salesforce';

export type Provider = 'hubspot' | 'salesforce';
export type CallKind = 'read' | 'write' | 'auth';

/** Calls per route key, as the emulator names routes (`POST /crm/v3/objects/contacts/batch/update`). */
export type RouteCounts = Record<string, number>;

export interface CallSnapshot {
  hubspot: RouteCounts;
  salesforce: RouteCounts;
}

export interface CallSummary {
  total: number;
  reads: number;
  writes: number;
  auth: number;
  byRoute: RouteCounts;
}

/** Which kind of call a route is. Searches and batch reads are POSTs but read; so is a collection retrieve. */
export function callKind(provider: Provider, route: string): CallKind {
  const [method = '', path = ''] = route.split(' ');
  if (provider === 'hubspot') {
    if (path.startsWith('/oauth/')) return 'auth';
    if (method === 'GET') return 'read';
    if (method === 'POST' && (/\/search$/.test(path) || /\/batch\/read$/.test(path))) return 'read';
    return 'write';
  }
  if (path.startsWith('/services/oauth2/') || path.startsWith('/sandbox/') || path.startsWith('/id/')) {
    return 'auth';
  }
  if (method === 'GET' || method === 'HEAD') return 'read';
  // POST /composite/sobjects/{T} is the collection retrieve ({ids, fields}); creates post to /composite/sobjects.
  if (method === 'POST' && /\/composite\/sobjects\/:sobject$/.test(path)) return 'read';
  return 'write';
}

export function summarize(provider: Provider, counts: RouteCounts): CallSummary {
  const summary: CallSummary = { total: 0, reads: 0, writes: 0, auth: 0, byRoute: {} };
  for (const [route, count] of Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (count === 0) continue;
    summary.byRoute[route] = count;
    summary.total += count;
    const kind = callKind(provider, route);
    if (kind === 'read') summary.reads += count;
    else if (kind === 'write') summary.writes += count;
    else summary.auth += count;
  }
  return summary;
}

/** `after − before`, route by route (routes only in `after` count from zero). */
export function difference(before: RouteCounts, after: RouteCounts): RouteCounts {
  const result: RouteCounts = {};
  for (const [route, count] of Object.entries(after)) {
    const delta = count - (before[route] ?? 0);
    if (delta !== 0) result[route] = delta;
  }
  return result;
}

export function differenceOf(before: CallSnapshot, after: CallSnapshot): CallSnapshot {
  return {
    hubspot: difference(before.hubspot, after.hubspot),
    salesforce: difference(before.salesforce, after.salesforce),
  };
}

/** The calls made against one portal and one org so far (control calls are never counted). */
export async function snapshotCalls(
  hubspot: HubSpotEmulatorControl,
  salesforce: SalesforceControlClient,
  portalId: number,
  org = 'default',
): Promise<CallSnapshot> {
  const [hubspotCalls, salesforceCalls] = await Promise.all([hubspot.calls(), salesforce.calls({ org })]);
  return {
    hubspot: { ...(hubspotCalls.byPortal[String(portalId)]?.byRoute ?? {}) },
    salesforce: { ...salesforceCalls.byRoute },
  };
}
