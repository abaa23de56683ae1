/**
 * The HubSpot poll: what webhooks missed (a delivery lost for good, a property the app's subscriptions do not
 * name) and, on an installation's first run, everything (the initial sync).
 *
 * It searches records modified since the cursor minus the overlap, oldest first, 200 per call, hands each
 * page over to the queue with the records as payloads, and moves the cursor page by page, so a crash resumes
 * where it stopped. Each page is a new search re-anchored on the newest modification time seen (see
 * `nextQuery`), so HubSpot's 10,000-result paging cap never stops a walk.
 */
import { modifiedAtMs, searchModified, type ModifiedQuery } from '../connectors/hubspot/changes';
import { decodePollCursor, fingerprintOf } from '../domain/changes/pollCursor';
import type { HubspotObjectType, HubspotRecord } from '../domain/records';
import { hubspotPropertiesToRead } from '../settings/fields';
import { settingsFor } from '../settings/installationSettings';
import type { ChangeDetectionDeps } from './start';
import { handOverPage, readCursorState, type PollItem } from './pollStep';

/** HubSpot's search index lags writes by seconds (up to ~30 s reported): read that far back again. */
export const HUBSPOT_POLL_OVERLAP_MS = 60_000;

export interface HubSpotPollOptions {
  overlapMs?: number;
  /** Checked between pages: a stopping process ends the poll after the page in hand. */
  shouldStop?: () => boolean;
}

export interface PollOutcome {
  /** True when this run found no cursor: it walked everything (the initial sync). */
  initial: boolean;
  calls: number;
  read: number;
  handedOver: number;
  /** False when the run stopped early (process stopping); the cursor holds what was done. */
  complete: boolean;
}

export function hubspotCursorName(objectType: HubspotObjectType): string {
  return `hubspot:${objectType}:lastmodifieddate`;
}

function itemOf(record: HubspotRecord): PollItem {
  return {
    change: { id: record.id, changedMs: modifiedAtMs(record), fingerprint: fingerprintOf(record.properties) },
    ref: { side: 'hubspot', objectType: record.objectType, recordId: record.id },
    payload: { record },
  };
}

export async function pollHubSpot(
  deps: ChangeDetectionDeps,
  installationId: string,
  objectType: HubspotObjectType,
  options: HubSpotPollOptions = {},
): Promise<PollOutcome> {
  const overlapMs = options.overlapMs ?? HUBSPOT_POLL_OVERLAP_MS;
  const client = await deps.clients.hubspot(installationId);
  if (!client.ok) throw new Error(`HubSpot poll of ${objectType}: ${client.error.message}`);
  const settings = await settingsFor(deps.db, installationId);
  // The worker's own list, so a record handed over has everything it compares and is not read again.
  const properties = hubspotPropertiesToRead(settings, objectType);
  const gate = deps.budget.gateFor(installationId);
  const state = await readCursorState(deps, installationId, hubspotCursorName(objectType), decodePollCursor);
  const outcome: PollOutcome = {
    initial: state.cursor === null,
    calls: 0,
    read: 0,
    handedOver: 0,
    complete: false,
  };

  let query: ModifiedQuery = {
    mode: 'since',
    sinceMs: state.cursor ? Math.max(0, state.cursor.newestMs - overlapMs) : 0,
  };
  for (;;) {
    if (options.shouldStop?.()) return outcome;
    const page = await searchModified(client.value, gate, objectType, query, properties, null);
    outcome.calls += 1;
    outcome.read += page.records.length;
    outcome.handedOver += await handOverPage(
      deps,
      installationId,
      state,
      page.records.map(itemOf),
      overlapMs,
    );
    const last = page.records.at(-1);
    if (last && page.after !== null) {
      query = nextQuery(query, last);
      continue;
    }
    // This search is exhausted. After walking one instant by id, go on with what was modified after it.
    if (query.mode === 'at') {
      query = { mode: 'since', sinceMs: query.atMs + 1 };
      continue;
    }
    break;
  }
  outcome.complete = true;
  return outcome;
}

/**
 * Where the next page starts. Every page is a new search from the newest modification time seen, never an
 * offset into the previous search: a record modified while the poll walks moves to the end of the order,
 * and with offsets the record behind it would slide back into a page already read and be missed. This also
 * keeps every search far below HubSpot's 10,000-result paging cap. Records at exactly that time are read
 * again and skipped as already handed over. When a whole page shares the instant it started at, starting
 * there again would not move: that instant is walked by id instead.
 */
export function nextQuery(query: ModifiedQuery, last: HubspotRecord): ModifiedQuery {
  const lastMs = modifiedAtMs(last);
  if (query.mode === 'since' && lastMs > query.sinceMs) return { mode: 'since', sinceMs: lastMs };
  return { mode: 'at', atMs: query.mode === 'at' ? query.atMs : lastMs, afterId: last.id };
}
