/**
 * The alerts' schedule, in the worker role: every 30 s one process (the holder of the `ops:alerts` lease)
 * evaluates every installation's alerts (src/ops/alerts.ts) and sends the webhook deliveries that are due
 * (src/ops/alertDelivery.ts). Other workers ticking at the same moment find the lease taken or just released,
 * and skip.
 */
import os from 'node:os';
import type { BudgetStatus } from '../budget/budget';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import { deliverDueAlerts, type AlertWebhook, type DeliveryRunSummary } from '../ops/alertDelivery';
import { evaluateAlerts, type EvaluationSummary } from '../ops/alerts';
import { schedulePeriodic, type ScheduledJob } from '../queue/scheduler';

export interface AlertsJobDeps {
  db: Db;
  now: () => number;
  logger: Logger;
  budget: { status(installationId: string): Promise<BudgetStatus> };
  /** ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET, or null: alerts are then only stored and shown. */
  webhook: AlertWebhook | null;
}

export const ALERTS_EVERY_MS = 30_000;

export interface AlertCycleSummary {
  evaluation: EvaluationSummary;
  deliveries: DeliveryRunSummary | null;
}

/** One evaluation of every installation's alerts, then the deliveries due. */
export async function runAlertCycle(
  deps: AlertsJobDeps,
  options: { random?: () => number } = {},
): Promise<AlertCycleSummary> {
  const evaluation = await evaluateAlerts({ ...deps, deliver: deps.webhook !== null });
  const deliveries = deps.webhook
    ? await deliverDueAlerts({
        db: deps.db,
        now: deps.now,
        logger: deps.logger,
        webhook: deps.webhook,
        ...(options.random ? { random: options.random } : {}),
      })
    : null;
  return { evaluation, deliveries };
}

export function startAlerts(deps: AlertsJobDeps, options: { holder?: string } = {}): ScheduledJob {
  const holder = options.holder ?? `${os.hostname()}:${process.pid}`;
  return schedulePeriodic(
    {
      name: 'ops:alerts',
      cron: '*/30 * * * * *',
      run: async () => {
        await runAlertCycle(deps);
      },
    },
    {
      logger: deps.logger,
      clock: deps.now,
      lease: { db: deps.db, holder, leaseMs: 5 * 60_000, intervalMs: ALERTS_EVERY_MS / 2 },
    },
  );
}
