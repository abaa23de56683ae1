/**
 * Alerts, as operators and admins read them, and their evaluation. `openAlerts` and `allOpenAlerts` are the
 * read side (the health endpoint, the operator dashboard). `evaluateAlerts` reads the facts of every
 * installation, decides with src/domain/alerts.ts which alerts hold, opens, updates and resolves them, and
 * queues one webhook delivery per opening and per resolution (src/ops/alertDelivery.ts sends them). The worker
 * role runs both on a schedule, in one process at a time (src/app/alertsJob.ts).
 */
import type { BudgetStatus } from '../budget/budget';
import * as alertDeliveries from '../db/alertDeliveries';
import * as alertsTable from '../db/alerts';
import * as deleteHolds from '../db/deleteHolds';
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import * as installations from '../db/installations';
import * as reconcileReports from '../db/reconcileReports';
import * as links from '../db/links';
import { inTransaction, type Queryable } from '../db/support';
import {
  alertKinds,
  conditionsOf,
  FAILURE_RATE_WINDOW_MS,
  reconcile,
  type AlertCondition,
  type AlertFacts,
  type AlertKind,
} from '../domain/alerts';
import type { Logger } from '../logger';

export type Alert = alertsTable.Alert;
export type { AlertKind, AlertSeverity } from '../domain/alerts';

/** The open alerts of one installation, oldest first. */
export function openAlerts(db: Queryable, installationId: string): Promise<Alert[]> {
  return alertsTable.listOpen(db, installationId);
}

/** Every open alert of every installation, oldest first. */
export function allOpenAlerts(db: Queryable): Promise<Alert[]> {
  return alertsTable.listAllOpen(db);
}

/** An installation's alerts (open and resolved) opened within the last `windowMs`, newest first. */
export function recentAlerts(
  db: Queryable,
  installationId: string,
  since: number,
  limit?: number,
): Promise<Alert[]> {
  return alertsTable.listSince(db, installationId, since, limit);
}

/** The kinds evaluated (every kind src/domain/alerts.ts knows). */
export const EVALUATED_KINDS: readonly AlertKind[] = alertKinds;

export interface AlertsDeps {
  db: Queryable;
  now: () => number;
  logger: Logger;
  budget: { status(installationId: string): Promise<BudgetStatus> };
  /** Whether opened and resolved alerts are queued for the webhook (ALERT_WEBHOOK_URL is set). */
  deliver: boolean;
}

/** What the webhook receives (docs/operations.md). */
export interface AlertWebhookBody {
  event: 'alert.opened' | 'alert.resolved';
  /** Stable per alert and event: a receiver that sees it twice has seen a retry. */
  deliveryId: string;
  alert: {
    id: string;
    kind: AlertKind;
    severity: Alert['severity'];
    message: string;
    details: Alert['details'];
    installationId: string;
    portalId: string;
    openedAt: number;
    resolvedAt: number | null;
  };
  occurredAt: number;
}

export function webhookBody(
  alert: Alert,
  portalId: string,
  event: alertDeliveries.AlertDeliveryEvent,
  occurredAt: number,
): AlertWebhookBody {
  return {
    event: event === 'opened' ? 'alert.opened' : 'alert.resolved',
    deliveryId: `${alert.id}:${event}`,
    alert: {
      id: alert.id,
      kind: alert.kind,
      severity: alert.severity,
      message: alert.message,
      details: alert.details,
      installationId: alert.installationId,
      portalId,
      openedAt: alert.openedAt,
      resolvedAt: alert.resolvedAt,
    },
    occurredAt,
  };
}

/** The facts alerts are decided from, for one installation. */
export async function readFacts(
  deps: Pick<AlertsDeps, 'db' | 'budget'>,
  installation: installations.Installation,
  now: number,
): Promise<AlertFacts> {
  const { db } = deps;
  const connected = installation.status === 'active';
  const budget = connected ? await deps.budget.status(installation.id) : null;
  const since = now - FAILURE_RATE_WINDOW_MS;
  const [synced, failed, oldestWaitingMarkedAt, summary, held, reports] = await Promise.all([
    links.countSyncedSince(db, installation.id, since),
    failures.countUnresolvedSince(db, installation.id, since),
    dirty.oldestWaitingMarkedAt(db, installation.id, now),
    links.activeSummary(db, installation.id),
    deleteHolds.listHeld(db, installation.id, 1),
    reconcileReports.listRecent(db, installation.id, 5),
  ]);
  // The newest run that walked everything: a run cut short (budget) or failed says nothing of drift.
  const lastRun = reports.find((report) => report.state === 'completed' && report.finishedAt !== null);
  const heldCount = held.length > 0 ? await deleteHolds.countHeld(db, installation.id) : 0;
  return {
    now,
    salesforceNeedsReauth: installation.state.salesforce === 'needs_reauth',
    syncExpected: connected && !installation.syncPaused && budget?.state === 'available',
    salesforceBudget: budget
      ? {
          shareUsed: budget.salesforce.usedToday,
          share: budget.salesforce.dailyShare,
          org: budget.salesforce.org
            ? { used: budget.salesforce.org.used, limit: budget.salesforce.org.limit }
            : null,
        }
      : null,
    recent: { synced, failed },
    oldestWaitingMarkedAt,
    lastSyncedAt: summary.lastSyncedAt,
    heldDeletes: { count: heldCount, oldestHeldAt: held[0]?.heldAt ?? null },
    reconciliation: lastRun
      ? { finishedAt: lastRun.finishedAt ?? now, counts: { ...lastRun.counts }, linked: summary.active }
      : null,
  };
}

export interface EvaluationSummary {
  opened: Alert[];
  resolved: Alert[];
  updated: number;
  /** Installations whose facts could not be read (logged; their alerts stay as they were). */
  skipped: number;
}

/** Evaluates every installation's alerts once. */
export async function evaluateAlerts(deps: AlertsDeps): Promise<EvaluationSummary> {
  const summary: EvaluationSummary = { opened: [], resolved: [], updated: 0, skipped: 0 };
  const all = await installations.list(deps.db);
  const open = await alertsTable.listAllOpen(deps.db);
  for (const installation of all) {
    const now = deps.now();
    const current = open.filter((alert) => alert.installationId === installation.id);
    // An uninstalled portal is nobody's to watch: whatever was open ends.
    if (installation.status === 'uninstalled' && current.length === 0) continue;
    let conditions: AlertCondition[];
    try {
      conditions =
        installation.status === 'uninstalled' ? [] : conditionsOf(await readFacts(deps, installation, now));
    } catch (error) {
      summary.skipped += 1;
      deps.logger.warn(
        { installationId: installation.id, err: error },
        `could not evaluate the alerts of an installation: ${String(error)}`,
      );
      continue;
    }
    const changes = reconcile(current, conditions, EVALUATED_KINDS);
    for (const condition of changes.open) {
      // Opened and queued together, so a crash in between cannot lose the delivery.
      const alert = await inTransaction(deps.db, async (trx) => {
        const opened = await alertsTable.open(trx, installation.id, condition, now);
        if (opened) await queueDelivery({ ...deps, db: trx }, opened, installation.portalId, 'opened', now);
        return opened;
      });
      if (!alert) continue;
      summary.opened.push(alert);
      deps.logger.warn(
        { installationId: installation.id, alertId: alert.id, kind: alert.kind, severity: alert.severity },
        `alert opened: ${alert.kind}`,
      );
    }
    for (const { id, condition } of changes.update) {
      await alertsTable.update(deps.db, id, condition, now);
      summary.updated += 1;
    }
    for (const stale of changes.resolve) {
      const alert = await inTransaction(deps.db, async (trx) => {
        if (!(await alertsTable.resolve(trx, stale.id, now))) return null;
        const resolved = await alertsTable.findById(trx, stale.id);
        if (resolved)
          await queueDelivery({ ...deps, db: trx }, resolved, installation.portalId, 'resolved', now);
        return resolved;
      });
      if (!alert) continue;
      summary.resolved.push(alert);
      deps.logger.info(
        { installationId: installation.id, alertId: alert.id, kind: alert.kind },
        `alert resolved: ${alert.kind}`,
      );
    }
  }
  return summary;
}

async function queueDelivery(
  deps: AlertsDeps,
  alert: Alert,
  portalId: string,
  event: alertDeliveries.AlertDeliveryEvent,
  now: number,
): Promise<void> {
  if (!deps.deliver) return;
  const body = JSON.stringify(webhookBody(alert, portalId, event, now));
  await alertDeliveries.enqueue(deps.db, { alertId: alert.id, event, body, now });
}
