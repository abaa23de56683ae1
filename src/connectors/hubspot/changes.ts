/**
 * The search the HubSpot poll walks: records modified at or after a time, oldest first, 200 per call.
 *
 * HubSpot's search refuses to page past 10,000 results. The poll then starts a new search from the newest
 * modification time it has seen. Should more than a page-chain's worth of records share one exact
 * modification time (a bulk import can do that), the new search would start where the old one did, so
 * those records are walked by id instead: modification time equal to that instant, id greater than the
 * last one read.
 */
import type { Client } from '@hubspot/api-client';
import type { HubspotObjectType, HubspotRecord } from '../../domain/records';
import type { CallGate } from '../gate';
import { DEFAULT_CALL_TIMEOUT_MS, withTimeout } from '../timeout';
import { toHubSpotError } from './errors';
import {
  HUBSPOT_SEARCH_PAGE_SIZE,
  lastModifiedPropertyOf,
  mergedIdsProperties,
  toHubspotRecord,
} from './records';

export type ModifiedQuery =
  /** Modified at or after `sinceMs`, by modification time. */
  | { readonly mode: 'since'; readonly sinceMs: number }
  /** Modified exactly at `atMs` with an id above `afterId`, by id. */
  | { readonly mode: 'at'; readonly atMs: number; readonly afterId: string };

export interface ModifiedPage {
  readonly records: HubspotRecord[];
  /** The paging offset of the next page, or null on the last page. */
  readonly after: string | null;
  readonly total: number;
}

/** When a record was last modified, from the property the search filters on. */
export function modifiedAtMs(record: HubspotRecord): number {
  const raw = record.properties[lastModifiedPropertyOf(record.objectType)];
  if (raw) {
    const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (Number.isFinite(ms)) return ms;
  }
  return record.updatedAtMs;
}

export async function searchModified(
  client: Client,
  gate: CallGate,
  objectType: HubspotObjectType,
  query: ModifiedQuery,
  properties: readonly string[],
  after: string | null,
  callTimeoutMs: number = DEFAULT_CALL_TIMEOUT_MS,
): Promise<ModifiedPage> {
  const modified = lastModifiedPropertyOf(objectType);
  // The ids merged into a record come with it, as with every read: a merge's survivor the poll hands over
  // then says whose link it takes over.
  const read = [...new Set([...properties, modified, ...mergedIdsProperties[objectType]])];
  const filters =
    query.mode === 'since'
      ? [{ propertyName: modified, operator: 'GTE', value: String(query.sinceMs) }]
      : [
          { propertyName: modified, operator: 'EQ', value: String(query.atMs) },
          { propertyName: 'hs_object_id', operator: 'GT', value: query.afterId },
        ];
  const sortBy = query.mode === 'since' ? modified : 'hs_object_id';
  const request = {
    filterGroups: [{ filters: filters as never[] }],
    // The SDK types sorts as strings; HubSpot also takes the object form, which states the direction.
    sorts: [{ propertyName: sortBy, direction: 'ASCENDING' }] as unknown as string[],
    properties: read,
    limit: HUBSPOT_SEARCH_PAGE_SIZE,
    ...(after ? { after } : {}),
  };
  const what =
    query.mode === 'since'
      ? `modified since ${new Date(query.sinceMs).toISOString()}`
      : `modified at ${new Date(query.atMs).toISOString()} after id ${query.afterId}`;
  const action = `searching ${objectType} ${what}`;
  // The gate may refuse (a spent budget): that error is the caller's to see as it is, not a HubSpot error.
  await gate.acquire('hubspot', 'search');
  try {
    const page = await withTimeout(
      () => client.crm.objects.searchApi.doSearch(objectType, request),
      callTimeoutMs,
      action,
    );
    return {
      records: page.results.map((wire) => toHubspotRecord(objectType, wire, read)),
      after: page.paging?.next?.after ?? null,
      total: page.total,
    };
  } catch (error) {
    throw toHubSpotError(error, action);
  }
}
