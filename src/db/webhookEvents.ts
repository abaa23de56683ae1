/**
 * webhook_events: HubSpot webhook events as received, deduplicated. HubSpot delivers at least once and
 * `eventId` alone is not unique, so the key is portal + eventId + subscriptionId + occurredAt. The payload is
 * kept so an event can be replayed or inspected; processing happens later, from the queue.
 */
import { z } from 'zod';
import { parseInput, parseJsonColumn, parseRow, type Queryable } from './support';

export const WEBHOOK_EVENTS = 'webhook_events';

export interface WebhookEventRow {
  id: number;
  installation_id: string;
  portal_id: string;
  event_id: string;
  subscription_id: string;
  occurred_at: number;
  subscription_type: string;
  object_id: string | null;
  attempt_number: number;
  payload: string;
  received_at: number;
  processed_at: number | null;
}

const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const PayloadSchema = z.record(z.string(), z.json());

const NewEventSchema = z.object({
  portalId: numericId,
  eventId: numericId,
  subscriptionId: numericId,
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().min(1).max(64),
  objectId: numericId.nullable().default(null),
  attemptNumber: z.number().int().nonnegative().default(0),
  /** The event exactly as HubSpot sent it. */
  payload: PayloadSchema,
});
export type NewWebhookEvent = z.input<typeof NewEventSchema>;

const WebhookEventSchema = z.object({
  id: z.number(),
  installationId: z.string(),
  portalId: z.string(),
  eventId: z.string(),
  subscriptionId: z.string(),
  occurredAt: z.number(),
  subscriptionType: z.string(),
  objectId: z.string().nullable(),
  attemptNumber: z.number(),
  payload: PayloadSchema,
  receivedAt: z.number(),
  processedAt: z.number().nullable(),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export function fromRow(row: WebhookEventRow): WebhookEvent {
  return parseRow(
    WebhookEventSchema,
    {
      id: row.id,
      installationId: row.installation_id,
      portalId: row.portal_id,
      eventId: row.event_id,
      subscriptionId: row.subscription_id,
      occurredAt: row.occurred_at,
      subscriptionType: row.subscription_type,
      objectId: row.object_id,
      attemptNumber: row.attempt_number,
      payload: parseJsonColumn(PayloadSchema, row.payload, `${WEBHOOK_EVENTS}.payload (${row.id})`),
      receivedAt: row.received_at,
      processedAt: row.processed_at,
    },
    WEBHOOK_EVENTS,
  );
}

/**
 * Stores the events not seen before and returns only those: a redelivery is recognised and ignored, so the
 * caller marks records dirty once per real event. Use it in the transaction that marks them.
 */
export async function insertNew(
  db: Queryable,
  installationId: string,
  events: NewWebhookEvent[],
  receivedAt: number,
): Promise<WebhookEvent[]> {
  const parsed = parseInput(z.array(NewEventSchema), events, 'webhookEvents.insertNew');
  const inserted: WebhookEvent[] = [];
  // HubSpot sends at most 100 events per request; 25 rows × 11 columns keeps SQLite's parameter limit far away.
  for (let start = 0; start < parsed.length; start += 25) {
    const rows: WebhookEventRow[] = await db<WebhookEventRow>(WEBHOOK_EVENTS)
      .insert(
        parsed.slice(start, start + 25).map((event) => ({
          installation_id: installationId,
          portal_id: event.portalId,
          event_id: event.eventId,
          subscription_id: event.subscriptionId,
          occurred_at: event.occurredAt,
          subscription_type: event.subscriptionType,
          object_id: event.objectId,
          attempt_number: event.attemptNumber,
          payload: JSON.stringify(event.payload),
          received_at: receivedAt,
        })),
      )
      .onConflict(['portal_id', 'event_id', 'subscription_id', 'occurred_at'])
      .ignore()
      .returning('*');
    inserted.push(...rows.map(fromRow));
  }
  return inserted;
}

/** Events stored but not yet turned into queue work, oldest first. */
export async function listUnprocessed(
  db: Queryable,
  installationId: string,
  options: { limit?: number } = {},
): Promise<WebhookEvent[]> {
  const rows = await db<WebhookEventRow>(WEBHOOK_EVENTS)
    .where({ installation_id: installationId })
    .whereNull('processed_at')
    .orderBy([{ column: 'occurred_at' }, { column: 'id' }])
    .limit(options.limit ?? 100);
  return rows.map(fromRow);
}

export async function markProcessed(
  db: Queryable,
  installationId: string,
  ids: number[],
  now: number,
): Promise<void> {
  if (ids.length === 0) return;
  await db<WebhookEventRow>(WEBHOOK_EVENTS)
    .where({ installation_id: installationId })
    .whereIn('id', ids)
    .update({ processed_at: now });
}

/**
 * Retention: deletes processed events received before `receivedBefore`. HubSpot retries a delivery for
 * about a day, so keep well over that, or a late redelivery would be taken for a new event.
 */
export async function deleteProcessedBefore(db: Queryable, receivedBefore: number): Promise<number> {
  return db<WebhookEventRow>(WEBHOOK_EVENTS)
    .whereNotNull('processed_at')
    .where('received_at', '<', receivedBefore)
    .delete();
}
