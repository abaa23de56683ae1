/**
 * API calls as the emulators count them: snapshots of their counters, the difference between two, and what
 * kind each route is (a read, a write, or authentication), so a figure can say "reads" and "writes" the way
 * the floor does. The counters are the emulators', not the bridge's own bookkeeping.
 */
import type { HubSpotEmulatorControl } from '../emulators/hubspot';
import type { SalesforceControlClient } from '../emulators/salesforce';
import { OBJECT_GROUPS, type ObjectGroup } from './floor';

export type Provider = 'hubspot' | 'salesforce';
export type CallKind = 'read' | 'write' | 'auth';

/** Calls per route key, as the emulator names routes (`POST /crm/v3/objects/contacts/batch/update`). */
export type RouteCounts = Record<string, number>;

export interface CallSnapshot {
  hubspot: RouteCounts;
  salesforce: RouteCounts;
  /** Salesforce's calls per object touched (`Contact`, `Contact+Lead`, `(none)`), then per route. */
  salesforceByObject?: Record<string, RouteCounts>;
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
  // A route may carry the object it touched after it (`GET /…/query [Contact]`).
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
  const result: CallSnapshot = {
    hubspot: difference(before.hubspot, after.hubspot),
    salesforce: difference(before.salesforce, after.salesforce),
  };
  if (after.salesforceByObject) {
    result.salesforceByObject = {};
    for (const [object, routes] of Object.entries(after.salesforceByObject)) {
      const delta = difference(before.salesforceByObject?.[object] ?? {}, routes);
      if (Object.keys(delta).length > 0) result.salesforceByObject[object] = delta;
    }
  }
  return result;
}

/** Where a call belongs when calls are told apart by object; `other`: tokens, metadata, owners, users. */
export type CallGroup = ObjectGroup | 'other';

/** The object group of a HubSpot route (`POST /crm/v3/objects/companies/batch/create`, …). */
export function hubspotGroup(route: string): CallGroup {
  const path = route.split(' ')[1] ?? '';
  if (path.includes('/associations')) return 'associations';
  const object = /^\/crm\/v3\/objects\/([a-z]+)/.exec(path)?.[1];
  if (object === 'contacts') return 'people';
  if (object === 'companies') return 'companies';
  if (object === 'deals') return 'deals';
  return 'other';
}

/** The object group of a Salesforce call, by the object(s) it touched; describes count as metadata. */
export function salesforceGroup(object: string, route: string): CallGroup {
  if (callKind('salesforce', route) === 'auth' || /\/describe$/.test(route)) return 'other';
  const groups = new Set(
    object.split('+').map((name): CallGroup => {
      if (name === 'Contact' || name === 'Lead') return 'people';
      if (name === 'Account') return 'companies';
      if (name === 'Opportunity') return 'deals';
      if (name === 'OpportunityContactRole') return 'associations';
      return 'other';
    }),
  );
  return groups.size === 1 ? [...groups][0]! : 'other';
}

export type CallsByGroup = Record<CallGroup, { hubspot: CallSummary; salesforce: CallSummary }>;

/** The calls of a difference told apart by object group, each side summarized as `summarize` does. */
export function callsByGroup(used: CallSnapshot): CallsByGroup {
  const groups: CallGroup[] = [...OBJECT_GROUPS, 'other'];
  const hubspot = new Map<CallGroup, RouteCounts>(groups.map((group) => [group, {}]));
  const salesforce = new Map<CallGroup, RouteCounts>(groups.map((group) => [group, {}]));
  for (const [route, count] of Object.entries(used.hubspot)) {
    const routes = hubspot.get(hubspotGroup(route))!;
    routes[route] = (routes[route] ?? 0) + count;
  }
  for (const [object, byRoute] of Object.entries(used.salesforceByObject ?? { '(none)': used.salesforce })) {
    for (const [route, count] of Object.entries(byRoute)) {
      const routes = salesforce.get(salesforceGroup(object, route))!;
      const key = object === '(none)' ? route : `${route} [${object}]`;
      routes[key] = (routes[key] ?? 0) + count;
    }
  }
  return Object.fromEntries(
    groups.map((group) => [
      group,
      {
        hubspot: summarize('hubspot', hubspot.get(group)!),
        salesforce: summarize('salesforce', salesforce.get(group)!),
      },
    ]),
  ) as CallsByGroup;
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
    salesforceByObject: structuredClone(salesforceCalls.byObject),
  };
}
