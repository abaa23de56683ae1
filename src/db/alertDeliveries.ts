/**
 * alert_deliveries: the webhook deliveries of alerts, one per alert and event (`opened`, `resolved`), with
 * the exact body to send so that every attempt carries the same signature. Retries survive restarts here.
 *
 *   pending ──2xx──► delivered
 *      └──failed, attempts left: next_attempt_at later──► pending
 *      └──failed, no attempts left──► failed
 */
import { z } from 'zod';
import { parseInput, parseRow, type Queryable } from './support';

export const ALERT_DELIVERIES = 'alert_deliveries';

export const alertDeliveryEvents = ['opened', 'resolved'] as const;
export type AlertDeliveryEvent = (typeof alertDeliveryEvents)[number];
export const alertDeliveryStates = ['pending', 'delivered', 'failed'] as const;
export type AlertDeliveryState = (typeof alertDeliveryStates)[number];

export interface AlertDeliveryRow {
  id: number;
  alert_id: string;
  event: string;
  body: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

const DeliverySchema = z.object({
  id: z.number(),
  alertId: z.string(),
  event: z.enum(alertDeliveryEvents),
  /** The JSON sent, byte for byte. */
  body: z.string(),
  state: z.enum(alertDeliveryStates),
  attempts: z.number().int(),
  nextAttemptAt: z.number(),
  /** The receiver's HTTP status on the last attempt, or null (no answer). */
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  deliveredAt: z.number().nullable(),
});
export type AlertDelivery = z.infer<typeof DeliverySchema>;

const num = (value: number | string | null) => (value === null ? null : Number(value));

export function fromRow(row: AlertDeliveryRow): AlertDelivery {
  return parseRow(
    DeliverySchema,
    {
      id: Number(row.id),
      alertId: row.alert_id,
      event: row.event,
      body: row.body,
      state: row.state,
      attempts: Number(row.attempts),
      nextAttemptAt: Number(row.next_attempt_at),
      lastStatus: num(row.last_status),
      lastError: row.last_error,
      createdAt: Number(row.created_at),
      deliveredAt: num(row.delivered_at),
    },
    ALERT_DELIVERIES,
  );
}

const EnqueueSchema = z.object({
  alertId: z.string().min(1),
  event: z.enum(alertDeliveryEvents),
  body: z.string().min(2),
  now: z.number(),
});

/** Queues a delivery, due now. One per alert and event: a second enqueue of the same changes nothing. */
export async function enqueue(db: Queryable, input: z.input<typeof EnqueueSchema>): Promise<void> {
  const delivery = parseInput(EnqueueSchema, input, 'alertDeliveries.enqueue');
  await db<AlertDeliveryRow>(ALERT_DELIVERIES)
    .insert({
      alert_id: delivery.alertId,
      event: delivery.event,
      body: delivery.body,
      state: 'pending',
      attempts: 0,
      next_attempt_at: delivery.now,
      last_status: null,
      last_error: null,
      created_at: delivery.now,
      delivered_at: null,
    })
    .onConflict(['alert_id', 'event'])
    .ignore();
}

/** Pending deliveries due at `now`, oldest first. */
export async function listDue(db: Queryable, now: number, limit = 50): Promise<AlertDelivery[]> {
  const rows = await db<AlertDeliveryRow>(ALERT_DELIVERIES)
    .where({ state: 'pending' })
    .where('next_attempt_at', '<=', now)
    .orderBy([{ column: 'next_attempt_at' }, { column: 'id' }])
    .limit(limit);
  return rows.map(fromRow);
}

/** The deliveries of one alert, in the order they were queued. */
export async function listForAlert(db: Queryable, alertId: string): Promise<AlertDelivery[]> {
  const rows = await db<AlertDeliveryRow>(ALERT_DELIVERIES).where({ alert_id: alertId }).orderBy('id');
  return rows.map(fromRow);
}

export async function markDelivered(
  db: Queryable,
  id: number,
  input: { status: number; now: number },
): Promise<void> {
  await db<AlertDeliveryRow>(ALERT_DELIVERIES)
    .where({ id, state: 'pending' })
    .update({
      state: 'delivered',
      attempts: db.raw('attempts + 1'),
      last_status: input.status,
      last_error: null,
      delivered_at: input.now,
    });
}

/** Records a failed attempt: due again at `retryAt`, or given up (`failed`) when `retryAt` is null. */
export async function markAttemptFailed(
  db: Queryable,
  id: number,
  input: { status: number | null; error: string; retryAt: number | null },
): Promise<void> {
  await db<AlertDeliveryRow>(ALERT_DELIVERIES)
    .where({ id, state: 'pending' })
    .update({
      state: input.retryAt === null ? 'failed' : 'pending',
      attempts: db.raw('attempts + 1'),
      last_status: input.status,
      last_error: input.error.slice(0, 1000),
      ...(input.retryAt === null ? {} : { next_attempt_at: input.retryAt }),
    });
}
