/**
 * A record's history for the card, a page at a time: the events of every link the record has had, and the
 * audit lines of those links and of the record itself, named by domain/recordHistory.ts, newest first.
 *
 * Paging: audit lines are read newest first in a batch large enough to fill a page after one sync's field
 * writes are folded into one line. When the batch was cut short, the lines of its oldest instant are all read
 * (a sync's lines share one instant), and nothing older than that instant is shown on this page: older
 * entries come on the next one, so no entry is split or skipped. Link events are few and read whole.
 */
import * as auditEntries from '../db/auditEntries';
import * as linkEvents from '../db/linkEvents';
import * as links from '../db/links';
import type { RecordRef } from '../db/recordRefs';
import type { Queryable } from '../db/support';
import {
  historyCursor,
  historyEntries,
  isOlderThan,
  parseHistoryCursor,
  type HistoryEntry,
  type LinkEventFact,
} from '../domain/recordHistory';
import { findMapping } from '../domain/settings/defaults';
import { fieldLabel } from '../domain/settings/schema';
import { settingsFor } from '../settings/installationSettings';

export const HISTORY_DEFAULT_LIMIT = 25;
export const HISTORY_MAX_LIMIT = 100;
/** Audit lines read per page entry: one sync's field writes fold into one entry. */
const LINES_PER_ENTRY = 20;
/** Sorts after every entry id of an instant, so a cursor on it starts at that instant's newest entry. */
const LAST_ID_OF_AN_INSTANT = `l${'9'.repeat(20)}`;

export interface HistoryPage {
  readonly entries: HistoryEntry[];
  /** Pass as `before` for the next page; null when this is the last one. */
  readonly nextBefore: string | null;
}

export type HistoryRefusal = { readonly code: 'invalid'; readonly message: string };

export async function recordHistory(
  db: Queryable,
  installationId: string,
  record: RecordRef,
  options: { limit?: number; before?: string } = {},
): Promise<{ ok: true; value: HistoryPage } | { ok: false; error: HistoryRefusal }> {
  const cursor = options.before === undefined ? null : parseHistoryCursor(options.before);
  if (options.before !== undefined && cursor === null) {
    return {
      ok: false,
      error: { code: 'invalid', message: '`before` is not a cursor this history gave out.' },
    };
  }
  const limit = Math.min(Math.max(options.limit ?? HISTORY_DEFAULT_LIMIT, 1), HISTORY_MAX_LIMIT);
  const [allLinks, settings] = await Promise.all([
    links.listForRecord(db, installationId, record),
    settingsFor(db, installationId),
  ]);
  const scope = { linkIds: allLinks.map((link) => link.id), record };

  const batch = limit * LINES_PER_ENTRY;
  let lines = await auditEntries.listForHistory(db, installationId, scope, {
    ...(cursor ? { atOrBefore: cursor.at } : {}),
    limit: batch,
  });
  // The oldest instant read, when the batch was cut short: nothing older may be shown on this page.
  let horizon: number | null = null;
  if (lines.length === batch) {
    horizon = (lines.at(-1) as auditEntries.AuditEntry).occurredAt;
    const atHorizon = await auditEntries.listForHistory(db, installationId, scope, { exactlyAt: horizon });
    lines = [...lines.filter((line) => line.occurredAt !== horizon), ...atHorizon];
  }

  const events: LinkEventFact[] = [];
  for (const link of allLinks) {
    for (const event of await linkEvents.listForLink(db, installationId, link.id)) {
      if (cursor && event.occurredAt > cursor.at) continue;
      events.push({
        id: event.id,
        event: event.event,
        reason: event.reason,
        actor: event.actor,
        occurredAt: event.occurredAt,
        link: {
          origin: link.origin,
          salesforceObjectType: link.salesforceObjectType,
          salesforceId: link.salesforceId,
        },
      });
    }
  }

  const labelOf = (fieldKey: string) => {
    const mapping = findMapping(settings, fieldKey);
    return mapping ? fieldLabel(mapping) : fieldKey;
  };
  const candidates = historyEntries(
    lines.map((line) => ({ ...line, after: line.after ?? null })),
    events,
    { labelOf },
  ).filter(
    (entry) => (cursor === null || isOlderThan(entry, cursor)) && (horizon === null || entry.at >= horizon),
  );
  const entries = candidates.slice(0, limit);
  const last = entries.at(-1);
  let nextBefore: string | null = null;
  if (last && (candidates.length > limit || horizon !== null)) nextBefore = historyCursor(last);
  else if (horizon !== null) {
    // Every line of the horizon's instant was shown before or says nothing: go on from just before it.
    nextBefore = historyCursor({ at: horizon - 1, id: LAST_ID_OF_AN_INSTANT });
  }
  return { ok: true, value: { entries, nextBefore } };
}
