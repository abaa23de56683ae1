/**
 * Sends queued alert deliveries (src/db/alertDeliveries.ts) to the operator's webhook: a POST of the stored
 * JSON body, signed with HMAC-SHA256 of the body under ALERT_WEBHOOK_SECRET. A 2xx answer delivers it;
 * anything else (another status, a timeout, a refused connection) is retried with backoff, up to
 * MAX_DELIVERY_ATTEMPTS attempts, then given up and logged.
 */
import crypto from 'node:crypto';
import * as alertDeliveries from '../db/alertDeliveries';
import type { Queryable } from '../db/support';
import { deliveryRetryDelayMs, MAX_DELIVERY_ATTEMPTS } from '../domain/alerts';
import type { Logger } from '../logger';

export const SIGNATURE_HEADER = 'x-bridge-signature';
export const DELIVERY_HEADER = 'x-bridge-delivery';
export const EVENT_HEADER = 'x-bridge-event';
/** A receiver that takes longer than this is treated as down. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface AlertWebhook {
  url: string;
  secret: string;
}

export interface DeliveryDeps {
  db: Queryable;
  now: () => number;
  logger: Logger;
  webhook: AlertWebhook;
  /** For the jitter of retries; default Math.random. */
  random?: () => number;
  timeoutMs?: number;
  maxAttempts?: number;
}

/** `sha256=` and the hex HMAC-SHA256 of the body under the secret: what the signature header carries. */
export function signatureOf(body: string, secret: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Whether a signature header matches the body (constant-time), as a receiver checks it. */
export function verifySignature(body: string, secret: string, header: string | undefined | null): boolean {
  if (!header) return false;
  const expected = Buffer.from(signatureOf(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

export interface DeliveryRunSummary {
  delivered: number;
  retrying: number;
  failed: number;
}

/** Sends every delivery due now, one at a time (alerts are few). */
export async function deliverDueAlerts(deps: DeliveryDeps): Promise<DeliveryRunSummary> {
  const summary: DeliveryRunSummary = { delivered: 0, retrying: 0, failed: 0 };
  const maxAttempts = deps.maxAttempts ?? MAX_DELIVERY_ATTEMPTS;
  const random = deps.random ?? Math.random;
  for (const delivery of await alertDeliveries.listDue(deps.db, deps.now())) {
    const outcome = await send(deps, delivery);
    const now = deps.now();
    if (outcome.ok) {
      await alertDeliveries.markDelivered(deps.db, delivery.id, { status: outcome.status, now });
      summary.delivered += 1;
      continue;
    }
    const attempt = delivery.attempts + 1;
    const retryAt = attempt >= maxAttempts ? null : now + deliveryRetryDelayMs(attempt, random());
    await alertDeliveries.markAttemptFailed(deps.db, delivery.id, {
      status: outcome.status,
      error: outcome.error,
      retryAt,
    });
    const context = { alertId: delivery.alertId, event: delivery.event, status: outcome.status };
    if (retryAt === null) {
      summary.failed += 1;
      deps.logger.error(
        context,
        `alert webhook delivery gave up after attempt ${attempt} of ${maxAttempts}: ${outcome.error}`,
      );
    } else {
      summary.retrying += 1;
      deps.logger.warn(
        { ...context, retryAt },
        `alert webhook delivery failed, attempt ${attempt} of ${maxAttempts}: ${outcome.error}`,
      );
    }
  }
  return summary;
}

type SendOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

async function send(deps: DeliveryDeps, delivery: alertDeliveries.AlertDelivery): Promise<SendOutcome> {
  try {
    const response = await fetch(deps.webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'sf-hubspot-bridge-alerts',
        [SIGNATURE_HEADER]: signatureOf(delivery.body, deps.webhook.secret),
        [DELIVERY_HEADER]: `${delivery.alertId}:${delivery.event}`,
        [EVENT_HEADER]: delivery.event === 'opened' ? 'alert.opened' : 'alert.resolved',
      },
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs ?? DELIVERY_TIMEOUT_MS),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `the receiver answered ${response.status}` };
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${deps.timeoutMs ?? DELIVERY_TIMEOUT_MS} ms`
        : error instanceof Error
          ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
          : String(error);
    return { ok: false, status: null, error: reason };
  }
}
