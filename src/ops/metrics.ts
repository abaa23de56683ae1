/**
 * What one process of the bridge counts as things happen: rows settled by outcome, the time from a change
 * being detected to its record being written, API calls, webhook intake and token refreshes. They live in
 * the process's own Prometheus registry; the process's heartbeat (processHeartbeat.ts) copies them to the
 * database every few seconds, so whichever server is scraped serves every process's counts, each series
 * labelled with the `process` that counted it (scrape.ts). What the database already knows (queue depth,
 * open failures, budget used) is read at scrape time instead. docs/operations.md lists every metric.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { ApiProvider, Metrics, SettledOutcome, WrittenChange } from '../metrics';

/** Seconds from a change's last mark to the write that carried it: webhooks in about a second, polls in a minute or two. */
export const CHANGE_TO_WRITE_BUCKETS_S = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** How a webhook request ended, from its answer's status (server/routes/webhooks.ts). */
export const webhookRequestOutcomes = [
  'accepted',
  'invalid_signature',
  'not_a_webhook_delivery',
  'invalid_body',
  'body_too_large',
  'error',
] as const;
export type WebhookRequestOutcome = (typeof webhookRequestOutcomes)[number];

/** What a webhook delivery's events came to (the receipt of src/changes/hubspotWebhooks.ts). */
export interface WebhookIntake {
  events: number;
  stored: number;
  duplicates: number;
  marked: number;
  skipped: Partial<Record<string, number>>;
}

export interface BridgeMetricsOptions {
  /** Names this process in the `process` label; default host:pid:random. */
  processId?: string;
  /** prom-client's process metrics (memory, CPU, event loop lag, GC) too: for the long-running processes. */
  processMetrics?: boolean;
}

export class BridgeMetrics implements Metrics {
  readonly registry = new Registry();
  readonly processId: string;
  private readonly syncs: Counter<'object_type' | 'outcome'>;
  private readonly failures: Counter<'category' | 'outcome'>;
  private readonly changeToWrite: Histogram<'path'>;
  private readonly apiCalls: Counter<'provider' | 'kind'>;
  private readonly budgetWaits: Counter<'provider'>;
  private readonly budgetRefusals: Counter<'provider' | 'reason'>;
  private readonly tokenRefreshes: Counter<'provider' | 'outcome'>;
  private readonly webhookRequests: Counter<'outcome'>;
  private readonly webhookEvents: Counter<'outcome'>;
  private readonly webhookSkipped: Counter<'reason'>;
  private readonly webhookMarks: Counter;
  /** Changes already observed at a write: a unit that goes several rounds carries the same claimed rows. */
  private readonly written = new WeakSet<WrittenChange>();

  constructor(options: BridgeMetricsOptions = {}) {
    this.processId =
      options.processId ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
    const registers = [this.registry];
    this.syncs = new Counter({
      name: 'bridge_syncs_total',
      help: 'Dirty rows (one detected change of one record each) settled by the sync, by object type and outcome',
      labelNames: ['object_type', 'outcome'],
      registers,
    });
    this.failures = new Counter({
      name: 'bridge_sync_failures_total',
      help: 'Failed sync attempts by failure category; outcome retrying (attempts left) or failed (a failure row)',
      labelNames: ['category', 'outcome'],
      registers,
    });
    this.changeToWrite = new Histogram({
      name: 'bridge_change_to_write_seconds',
      help: 'From a change being marked dirty (by a webhook, a poll, a reconciliation, a person) to the sync writing its record',
      labelNames: ['path'],
      buckets: CHANGE_TO_WRITE_BUCKETS_S,
      registers,
    });
    this.apiCalls = new Counter({
      name: 'bridge_api_calls_total',
      help: 'CRM API calls that passed the budget and went out, by provider and kind (read, search, write)',
      labelNames: ['provider', 'kind'],
      registers,
    });
    this.budgetWaits = new Counter({
      name: 'bridge_api_budget_waits_total',
      help: "API calls that waited for the next window of the provider's rate limit",
      labelNames: ['provider'],
      registers,
    });
    this.budgetRefusals = new Counter({
      name: 'bridge_api_budget_refusals_total',
      help: "API calls refused because the installation's budget is spent, by reason",
      labelNames: ['provider', 'reason'],
      registers,
    });
    this.tokenRefreshes = new Counter({
      name: 'bridge_token_refreshes_total',
      help: 'Token refreshes this process ran, by provider and outcome (refreshed, or the error code)',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.webhookRequests = new Counter({
      name: 'bridge_webhook_requests_total',
      help: 'HubSpot webhook deliveries received, by outcome (accepted, or why refused)',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookEvents = new Counter({
      name: 'bridge_webhook_events_total',
      help: 'Events in accepted webhook deliveries: stored, duplicate (a redelivery), wrong_app, unknown_portal',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookSkipped = new Counter({
      name: 'bridge_webhook_events_skipped_total',
      help: 'Stored webhook events that marked nothing, by reason (own_echo, property_not_synced, …)',
      labelNames: ['reason'],
      registers,
    });
    this.webhookMarks = new Counter({
      name: 'bridge_webhook_marks_total',
      help: 'Records marked dirty by webhook events (several events about one record make one mark)',
      registers,
    });
    for (const outcome of webhookRequestOutcomes) this.webhookRequests.inc({ outcome }, 0);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  rowSettled(row: { objectType: string; outcome: SettledOutcome; category?: string }): void {
    this.syncs.inc({ object_type: row.objectType, outcome: row.outcome });
    if ((row.outcome === 'retrying' || row.outcome === 'failed') && row.category !== undefined) {
      this.failures.inc({ category: row.category, outcome: row.outcome });
    }
  }

  changesWritten(changes: readonly WrittenChange[], writtenAtMs: number): void {
    for (const change of changes) {
      if (this.written.has(change)) continue;
      this.written.add(change);
      const seconds = Math.max(0, writtenAtMs - change.lastMarkedAt) / 1000;
      this.changeToWrite.observe({ path: change.source }, seconds);
    }
  }

  apiCall(provider: ApiProvider, kind: string): void {
    this.apiCalls.inc({ provider, kind });
  }

  apiBudgetWait(provider: ApiProvider): void {
    this.budgetWaits.inc({ provider });
  }

  apiBudgetRefusal(provider: ApiProvider, reason: string): void {
    this.budgetRefusals.inc({ provider, reason });
  }

  tokenRefresh(provider: ApiProvider, outcome: string): void {
    this.tokenRefreshes.inc({ provider, outcome });
  }

  webhookRequest(outcome: WebhookRequestOutcome): void {
    this.webhookRequests.inc({ outcome });
  }

  webhookReceived(intake: WebhookIntake): void {
    const wrongApp = intake.skipped.wrong_app ?? 0;
    const counts = {
      stored: intake.stored,
      duplicate: intake.duplicates,
      wrong_app: wrongApp,
      unknown_portal: Math.max(0, intake.events - intake.stored - intake.duplicates - wrongApp),
    };
    for (const [outcome, count] of Object.entries(counts)) {
      if (count > 0) this.webhookEvents.inc({ outcome }, count);
    }
    for (const [reason, count] of Object.entries(intake.skipped)) {
      if (reason !== 'wrong_app' && count) this.webhookSkipped.inc({ reason }, count);
    }
    if (intake.marked > 0) this.webhookMarks.inc(intake.marked);
  }
}
