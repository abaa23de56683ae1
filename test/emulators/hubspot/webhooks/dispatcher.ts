/**
 * Webhook delivery: events of each app are batched (≤ maxEventsPerRequest per request, events of several portals
 * may share one), POSTed to the app's target URL with v1 and v3 signatures, and retried on failure on a schedule
 * tests can compress. Every attempt lands in the delivery log.
 *
 *   queued ──batch window──► in flight ──2xx──► delivered
 *                               │
 *                               └─fail─► retry scheduled ──delay──► in flight (attemptNumber + 1)
 *                                          └─ no retries left or non-retryable ─► dropped
 *
 * `dropNext` loses the next deliveries of an app for good without sending them, as HubSpot does after every
 * retry of a delivery failed (the log records them as dropped): what the events said never arrives.
 */
import type { ChangeEvent } from '../crm/changes';
import type { AppRuntime } from '../state/apps';
import type { EmulatorState } from '../state/emulator-state';
import { eventsFor, type WebhookEventDraft } from './events';
import { signatureV1, signatureV3 } from './signature';

export interface DeliveryRecord {
  id: number;
  appId: number;
  targetUrl: string;
  attemptNumber: number;
  eventIds: number[];
  portalIds: number[];
  /** The body exactly as sent. */
  body: string;
  timestamp: string;
  signatureV1: string;
  signatureV3: string;
  startedAtMs: number;
  durationMs: number;
  outcome: 'delivered' | 'failed';
  responseStatus: number | null;
  error: string | null;
  /** What happens next for these events after a failure. */
  next: 'none' | 'retry' | 'dropped';
  nextAttemptAtMs: number | null;
}

export interface DispatcherStatus {
  queued: number;
  inFlight: number;
  retriesScheduled: number;
  delivered: number;
  failed: number;
  dropped: number;
}

interface PendingBatch {
  app: AppRuntime;
  events: Array<WebhookEventDraft & { eventId: number }>;
}

const MAX_LOG_ENTRIES = 10_000;
const USER_AGENT = 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon';

export class WebhookDispatcher {
  private queues = new Map<number, Array<WebhookEventDraft & { eventId: number }>>();
  private flushTimers = new Map<number, NodeJS.Timeout>();
  private retryTimers = new Set<NodeJS.Timeout>();
  private inFlight = new Map<number, number>();
  private controllers = new Set<AbortController>();
  private log: DeliveryRecord[] = [];
  private nextEventId = 1_000_001;
  private nextDeliveryId = 1;
  private generation = 0;
  private counts = { delivered: 0, failed: 0, dropped: 0 };
  private dropping = new Map<number, number>();

  /** While true, changes produce no events (seeding a portal's past). */
  muted = false;

  constructor(private readonly state: EmulatorState) {}

  enqueue(portalId: number, change: ChangeEvent): void {
    if (this.muted) return;
    const portal = this.state.portals.get(portalId);
    if (!portal) return;
    for (const app of this.state.apps.values()) {
      if (!app.webhooks || !portal.installedApps.has(app.appId)) continue;
      const drafts = eventsFor(app, portalId, change);
      if (drafts.length === 0) continue;
      let queue = this.queues.get(app.appId);
      if (!queue) this.queues.set(app.appId, (queue = []));
      for (const draft of drafts) queue.push({ eventId: this.nextEventId++, ...draft });
      this.scheduleFlush(app.appId);
    }
  }

  /** The next `count` deliveries (requests) of the app are lost without being sent. */
  dropNext(appId: number, count: number): void {
    this.dropping.set(appId, (this.dropping.get(appId) ?? 0) + count);
  }

  status(): DispatcherStatus {
    let queued = 0;
    for (const queue of this.queues.values()) queued += queue.length;
    let inFlight = 0;
    for (const count of this.inFlight.values()) inFlight += count;
    return { queued, inFlight, retriesScheduled: this.retryTimers.size, ...this.counts };
  }

  deliveries(filter: { appId?: number } = {}): DeliveryRecord[] {
    return this.log.filter((entry) => filter.appId === undefined || entry.appId === filter.appId);
  }

  clearLog(): void {
    this.log = [];
    this.counts = { delivered: 0, failed: 0, dropped: 0 };
  }

  /** Drops everything queued, in flight or scheduled, and the log. */
  reset(): void {
    this.generation += 1;
    for (const timer of this.flushTimers.values()) clearTimeout(timer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    for (const controller of this.controllers) controller.abort();
    this.flushTimers.clear();
    this.retryTimers.clear();
    this.controllers.clear();
    this.queues.clear();
    this.inFlight.clear();
    this.dropping.clear();
    this.clearLog();
  }

  private scheduleFlush(appId: number): void {
    if (this.flushTimers.has(appId)) return;
    const timer = setTimeout(() => {
      this.flushTimers.delete(appId);
      this.flush(appId);
    }, this.state.settings.webhooks.batchWindowMs);
    this.flushTimers.set(appId, timer);
  }

  private flush(appId: number): void {
    const app = this.state.apps.get(appId);
    const queue = this.queues.get(appId);
    if (!app || !app.webhooks || !queue) return;
    const maxConcurrent = Math.max(1, app.webhooks.maxConcurrentRequests);
    while (queue.length > 0 && (this.inFlight.get(appId) ?? 0) < maxConcurrent) {
      const events = queue.splice(0, this.state.settings.webhooks.maxEventsPerRequest);
      void this.deliver({ app, events }, 0);
    }
  }

  private async deliver(batch: PendingBatch, attemptNumber: number): Promise<void> {
    const { app } = batch;
    const settings = app.webhooks;
    if (!settings) return;
    const generation = this.generation;
    const toDrop = this.dropping.get(app.appId) ?? 0;
    if (toDrop > 0) {
      this.dropping.set(app.appId, toDrop - 1);
      this.logDropped(batch, attemptNumber);
      return;
    }
    this.inFlight.set(app.appId, (this.inFlight.get(app.appId) ?? 0) + 1);
    const body = JSON.stringify(batch.events.map((event) => ({ ...withAttempt(event, attemptNumber) })));
    const timestamp = String(this.state.nowMs());
    const v1 = signatureV1(app.clientSecret, body);
    const v3 = signatureV3(app.clientSecret, 'POST', settings.targetUrl, body, timestamp);
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeoutMs = this.state.settings.webhooks.timeoutMs;
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const startedAt = Date.now();
    let responseStatus: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(settings.targetUrl, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': USER_AGENT,
          'X-HubSpot-Signature': v1,
          'X-HubSpot-Signature-Version': 'v1',
          'X-HubSpot-Signature-v3': v3,
          'X-HubSpot-Request-Timestamp': timestamp,
          'X-HubSpot-Timeout-Millis': String(timeoutMs),
        },
      });
      responseStatus = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (caught) {
      const reason = controller.signal.aborted ? controller.signal.reason : caught;
      error = reason instanceof Error ? reason.message : String(reason);
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
    if (generation !== this.generation) return;
    this.inFlight.set(app.appId, (this.inFlight.get(app.appId) ?? 1) - 1);

    const delivered = responseStatus !== null && responseStatus >= 200 && responseStatus < 300;
    const record: DeliveryRecord = {
      id: this.nextDeliveryId++,
      appId: app.appId,
      targetUrl: settings.targetUrl,
      attemptNumber,
      eventIds: batch.events.map((event) => event.eventId),
      portalIds: [...new Set(batch.events.map((event) => event.portalId))],
      body,
      timestamp,
      signatureV1: v1,
      signatureV3: v3,
      startedAtMs: Number(timestamp),
      durationMs: Date.now() - startedAt,
      outcome: delivered ? 'delivered' : 'failed',
      responseStatus,
      error,
      next: 'none',
      nextAttemptAtMs: null,
    };
    if (delivered) {
      this.counts.delivered += 1;
    } else {
      this.counts.failed += 1;
      const delayMs = this.retryDelayMs(attemptNumber, responseStatus);
      if (delayMs === null) {
        record.next = 'dropped';
        this.counts.dropped += 1;
      } else {
        record.next = 'retry';
        record.nextAttemptAtMs = this.state.nowMs() + delayMs;
        const retry = setTimeout(() => {
          this.retryTimers.delete(retry);
          void this.deliver(batch, attemptNumber + 1);
        }, delayMs);
        this.retryTimers.add(retry);
      }
    }
    this.log.push(record);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
    this.flush(app.appId);
  }

  private logDropped(batch: PendingBatch, attemptNumber: number): void {
    const settings = batch.app.webhooks;
    if (!settings) return;
    const timestamp = String(this.state.nowMs());
    this.counts.failed += 1;
    this.counts.dropped += 1;
    this.log.push({
      id: this.nextDeliveryId++,
      appId: batch.app.appId,
      targetUrl: settings.targetUrl,
      attemptNumber,
      eventIds: batch.events.map((event) => event.eventId),
      portalIds: [...new Set(batch.events.map((event) => event.portalId))],
      body: JSON.stringify(batch.events.map((event) => withAttempt(event, attemptNumber))),
      timestamp,
      signatureV1: '',
      signatureV3: '',
      startedAtMs: Number(timestamp),
      durationMs: 0,
      outcome: 'failed',
      responseStatus: null,
      error: 'lost: every retry of this delivery failed',
      next: 'dropped',
      nextAttemptAtMs: null,
    });
    this.flush(batch.app.appId);
  }

  /** The delay before the next attempt, or null when these events are given up. */
  private retryDelayMs(attemptNumber: number, responseStatus: number | null): number | null {
    const settings = this.state.settings.webhooks;
    const isClientError =
      responseStatus !== null && responseStatus >= 400 && responseStatus < 500 && responseStatus !== 429;
    if (isClientError && !settings.retryClientErrors) return null;
    const base = settings.retryScheduleMs[attemptNumber];
    if (base === undefined) return null;
    const jitter = 1 + (Math.random() * 2 - 1) * settings.retryJitterRatio;
    return Math.max(0, Math.round(base * jitter * settings.retryTimeScale));
  }
}

function withAttempt(
  event: WebhookEventDraft & { eventId: number },
  attemptNumber: number,
): Record<string, unknown> {
  // Field order as HubSpot sends it: ids first, then the event's own fields.
  const { eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, ...rest } = event;
  return { eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber, ...rest };
}
