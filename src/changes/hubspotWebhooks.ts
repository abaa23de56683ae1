/**
 * Receiving a delivery of HubSpot webhook events: store each event once, mark the records they concern
 * dirty, and return at once; the sync happens later, from the queue.
 *
 * Per portal, one transaction stores the events (a redelivery is recognised and stored no second time),
 * marks the records and flags the events processed, so a crash anywhere leaves either nothing (HubSpot
 * delivers again) or everything. Events of a portal without an installation are dropped with a log line and
 * still acknowledged: refusing them would only make HubSpot retry for a day.
 *
 * Events whose `appId` is not this app's are dropped too, counted in the receipt (`skipped.wrong_app`) and
 * logged, while the rest of the delivery goes on: HubSpot only sends this app's events here, signed with its
 * secret, so one for another app is either a body that reached us some other way or HubSpot's mistake.
 * Refusing the whole delivery would make HubSpot resend it for a day and hold back this app's own events in
 * it; storing it would let it name any portal. A warning in the log is what an operator needs to look.
 */
import crypto from 'node:crypto';
import * as dirty from '../db/dirty';
import * as installations from '../db/installations';
import { RecordRefSchema } from '../db/recordRefs';
import type { Queryable } from '../db/support';
import * as webhookEvents from '../db/webhookEvents';
import {
  combineMarks,
  HubspotWebhookEventSchema,
  interpretEvent,
  MAX_EVENTS_PER_REQUEST,
  type EventContext,
  type HubspotWebhookEvent,
  type RecordMark,
  type SkipReason,
} from '../domain/changes/hubspotEvents';
import type { HubspotObjectType } from '../domain/records';
import { enabledHubspotObjects, hubspotPropertiesThatMatter } from '../domain/settings/readLists';
import type { Settings } from '../domain/settings/schema';
import { settingsFor } from '../settings/installationSettings';
import { toDirtyPayload, type SyncHint } from '../queue/payload';
import { notifyDirty } from '../queue/wake';
import type { ChangeDetectionDeps } from './start';

/** An event as it arrived (kept verbatim) and as validated. */
export interface ReceivedEvent {
  raw: Record<string, unknown>;
  event: HubspotWebhookEvent;
}

export interface WebhookReceipt {
  /** The delivery's correlation id: on its log line and on the rows it marks, whose syncs name it. */
  correlationId: string;
  events: number;
  /** Events stored for the first time. */
  stored: number;
  /** Redeliveries of events already stored. */
  duplicates: number;
  /** Records marked dirty (several events about one record make one mark). */
  marked: number;
  skipped: Partial<Record<SkipReason | 'invalid_record' | 'wrong_app', number>>;
  unknownPortals: string[];
}

type Deps = Pick<ChangeDetectionDeps, 'db' | 'logger' | 'now' | 'hubspotAppId'>;

export async function receiveHubspotEvents(
  deps: Deps,
  received: readonly ReceivedEvent[],
): Promise<WebhookReceipt> {
  const receipt: WebhookReceipt = {
    correlationId: crypto.randomUUID(),
    events: received.length,
    stored: 0,
    duplicates: 0,
    marked: 0,
    skipped: {},
    unknownPortals: [],
  };
  const ours = received.filter((item) => item.event.appId === deps.hubspotAppId);
  if (ours.length < received.length) {
    const dropped = received.length - ours.length;
    const appIds = [...new Set(received.map((item) => item.event.appId ?? 'none'))].filter(
      (appId) => appId !== deps.hubspotAppId,
    );
    receipt.skipped.wrong_app = dropped;
    deps.logger.warn(
      { dropped, appIds, expectedAppId: deps.hubspotAppId },
      `dropped ${dropped} webhook event(s) for another HubSpot app (appId ${appIds.join(', ')}, expected ${deps.hubspotAppId})`,
    );
  }
  const byPortal = new Map<string, ReceivedEvent[]>();
  for (const item of ours) {
    const list = byPortal.get(item.event.portalId) ?? [];
    list.push(item);
    byPortal.set(item.event.portalId, list);
  }
  for (const [portalId, events] of byPortal) {
    const installation = await installations.findByPortalId(deps.db, portalId);
    if (!installation) {
      receipt.unknownPortals.push(portalId);
      deps.logger.warn(
        { portalId, events: events.length },
        `dropped ${events.length} webhook event(s) for HubSpot portal ${portalId}, which has no installation`,
      );
      continue;
    }
    const settings = await settingsFor(deps.db, installation.id).catch((error: unknown) => {
      // Refusing the delivery would only bring it back; keep the events and mark generously instead.
      deps.logger.error(
        { installationId: installation.id, err: error },
        `settings of installation ${installation.id} do not read; webhook events are marked without filtering`,
      );
      return null;
    });
    await deps.db.transaction((trx) => storeAndMark(deps, trx, installation.id, settings, events, receipt));
  }
  deps.logger.info(
    {
      correlationId: receipt.correlationId,
      events: receipt.events,
      stored: receipt.stored,
      duplicates: receipt.duplicates,
      marked: receipt.marked,
    },
    `webhook delivery: ${receipt.events} event(s), ${receipt.marked} record(s) marked`,
  );
  // A worker sleeping in this process starts on the marks at once.
  if (receipt.marked > 0) notifyDirty();
  return receipt;
}

/** What events mean for this installation; without readable settings, every contact change counts. */
function eventContext(appId: string, settings: Settings | null): EventContext {
  if (!settings) {
    return { appId, syncedObjects: new Set<HubspotObjectType>(['contacts']), propertyMatters: () => true };
  }
  const properties = new Map<HubspotObjectType, ReadonlySet<string>>();
  return {
    appId,
    syncedObjects: new Set(enabledHubspotObjects(settings)),
    propertyMatters: (object, property) => {
      const known = properties.get(object) ?? hubspotPropertiesThatMatter(settings, object);
      properties.set(object, known);
      return known.has(property);
    },
    associationSynced: (object, to) =>
      settings.objects[to].enabled &&
      settings.objects[object].fields.some(
        (mapping) =>
          mapping.transform.kind === 'association' && mapping.transform.to === to && mapping.rule !== 'none',
      ),
  };
}

async function storeAndMark(
  deps: Deps,
  trx: Queryable,
  installationId: string,
  settings: Settings | null,
  events: readonly ReceivedEvent[],
  receipt: WebhookReceipt,
): Promise<void> {
  const now = deps.now();
  const stored = await webhookEvents.insertNew(
    trx,
    installationId,
    events.map(({ raw, event }) => ({
      portalId: event.portalId,
      eventId: event.eventId,
      subscriptionId: event.subscriptionId,
      occurredAt: event.occurredAt,
      subscriptionType: event.subscriptionType,
      objectId: event.objectId ?? null,
      attemptNumber: event.attemptNumber,
      payload: raw as webhookEvents.NewWebhookEvent['payload'],
    })),
    now,
  );
  receipt.stored += stored.length;
  receipt.duplicates += events.length - stored.length;
  if (stored.length === 0) return;

  const context = eventContext(deps.hubspotAppId, settings);
  const marks: RecordMark[] = [];
  for (const row of stored) {
    const decision = interpretEvent(HubspotWebhookEventSchema.parse(row.payload), context);
    if (decision.kind === 'mark') marks.push(decision.mark);
    else receipt.skipped[decision.reason] = (receipt.skipped[decision.reason] ?? 0) + 1;
  }
  for (const mark of combineMarks(marks)) {
    const record = RecordRefSchema.safeParse({
      side: 'hubspot',
      objectType: mark.objectType,
      recordId: mark.recordId,
    });
    if (!record.success) {
      // Validated here, not by the mark itself, so one odd id cannot fail the delivery into a retry loop.
      receipt.skipped.invalid_record = (receipt.skipped.invalid_record ?? 0) + 1;
      deps.logger.warn(
        { installationId, objectType: mark.objectType, objectId: mark.recordId },
        `webhook event names no usable ${mark.objectType} id ("${mark.recordId}"); nothing marked`,
      );
      continue;
    }
    const hint: SyncHint | null = mark.hint;
    await dirty.mark(
      trx,
      {
        installationId,
        record: record.data,
        source: 'webhook',
        correlationId: receipt.correlationId,
        payload: toDirtyPayload({
          ...(hint ? { hint } : {}),
          event: {
            occurredAtMs: mark.occurredAtMs,
            ...(mark.changeSource ? { changeSource: mark.changeSource } : {}),
            ...(mark.sourceId ? { sourceId: mark.sourceId } : {}),
            ...(mark.survivorId ? { survivorId: mark.survivorId } : {}),
            ...(mark.mergedIds && mark.mergedIds.length > 0 ? { mergedIds: [...mark.mergedIds] } : {}),
          },
        }),
      },
      now,
    );
    receipt.marked += 1;
  }
  await webhookEvents.markProcessed(
    trx,
    installationId,
    stored.map((row) => row.id),
    now,
  );
}

export interface DeliveryProblem {
  path: string;
  message: string;
}

/** A delivery's body → its events, or what is wrong with it (every problem, with where it is). */
export function parseWebhookDelivery(
  body: unknown,
): { ok: true; events: ReceivedEvent[] } | { ok: false; problems: DeliveryProblem[] } {
  if (!Array.isArray(body)) {
    return { ok: false, problems: [{ path: '', message: 'expected a JSON array of events' }] };
  }
  if (body.length > MAX_EVENTS_PER_REQUEST) {
    return {
      ok: false,
      problems: [
        { path: '', message: `at most ${MAX_EVENTS_PER_REQUEST} events per request, got ${body.length}` },
      ],
    };
  }
  const events: ReceivedEvent[] = [];
  const problems: DeliveryProblem[] = [];
  body.forEach((item: unknown, index) => {
    const parsed = HubspotWebhookEventSchema.safeParse(item);
    if (parsed.success && typeof item === 'object' && item !== null) {
      events.push({ raw: item as Record<string, unknown>, event: parsed.data });
      return;
    }
    const issues = parsed.success ? [] : parsed.error.issues;
    for (const issue of issues) {
      problems.push({ path: [index, ...issue.path].map(String).join('.'), message: issue.message });
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, events };
}
