/**
 * The text `/metrics` serves: every process's own counts (this one's live, the others' as of their last
 * heartbeat, each labelled with its `process`), and gauges read from the database now, the same whichever
 * server answers. The reads are bounded: one grouped pass over the queue (its size is the backlog), open
 * failures through their (installation, state) index, a few keyed reads per connected installation for its
 * API budget, and the small installations, open alerts and process tables.
 */
import type { Knex } from 'knex';
import {
  AggregatorRegistry,
  Gauge,
  prometheusContentType,
  Registry,
  type PrometheusContentType,
} from 'prom-client';
import type { BudgetStatus } from '../budget/budget';
import * as alerts from '../db/alerts';
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import * as installations from '../db/installations';
import * as processHeartbeats from '../db/processHeartbeats';
import { installationStatuses } from '../domain/installationState';
import type { Logger } from '../logger';
import type { BridgeMetrics } from './metrics';
import { PROCESS_ROW_RETENTION_MS } from './processHeartbeat';
import { WORKER_STALE_AFTER_MS } from './readiness';

export interface ScrapeSource {
  readonly db: Knex;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics: BridgeMetrics;
  readonly budget: { status(installationId: string): Promise<BudgetStatus> };
}

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** A process's metrics with its `process` label on every value. */
function labelled(metrics: MetricsJson, processId: string): MetricsJson {
  return metrics.map((metric) => ({
    ...metric,
    // Series of different processes never share labels, so nothing is summed; `omit` would drop them.
    aggregator: 'sum',
    values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, process: processId } })),
  }));
}

function gaugeIn(registry: Registry, name: string, help: string, labelNames: string[] = []) {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

type Installation = installations.Installation;

/** Installations by status, and one info series per installation to join ids with portals. */
function installationGauges(
  registry: Registry,
  all: readonly Installation[],
  current: readonly Installation[],
) {
  const byStatus = gaugeIn(registry, 'bridge_installations', 'Installations by status', ['status']);
  for (const status of installationStatuses) {
    byStatus.set({ status }, all.filter((installation) => installation.status === status).length);
  }
  const info = gaugeIn(
    registry,
    'bridge_installation_info',
    'One per installation not uninstalled, to join installation_id with the HubSpot portal and status',
    ['installation_id', 'portal_id', 'status', 'pause_reason'],
  );
  for (const installation of current) {
    const labels = {
      installation_id: installation.id,
      portal_id: installation.portalId,
      status: installation.status,
      pause_reason: installation.pauseReason ?? 'none',
    };
    info.set(labels, 1);
  }
}

/** The dirty queue of every installation (an empty one as zeros). */
async function queueGauges(source: ScrapeSource, registry: Registry, ids: Set<string>, now: number) {
  const queue = await dirty.countsByInstallation(source.db, now);
  for (const id of queue.keys()) ids.add(id);
  const labelNames = ['installation_id'];
  const depth = gaugeIn(registry, 'bridge_queue_depth', 'Dirty rows by state (pending, claimed)', [
    ...labelNames,
    'state',
  ]);
  const due = gaugeIn(registry, 'bridge_queue_due', 'Pending dirty rows that may be claimed now', labelNames);
  const retrying = gaugeIn(
    registry,
    'bridge_queue_retrying',
    'Pending dirty rows waiting after a failed attempt',
    labelNames,
  );
  const oldest = gaugeIn(
    registry,
    'bridge_queue_oldest_age_seconds',
    'How long the oldest change still in the queue has waited since it was first marked (0 when empty)',
    labelNames,
  );
  for (const id of ids) {
    const counts = queue.get(id);
    const labels = { installation_id: id };
    depth.set({ ...labels, state: 'pending' }, counts?.pending ?? 0);
    depth.set({ ...labels, state: 'claimed' }, counts?.claimed ?? 0);
    due.set(labels, counts?.due ?? 0);
    retrying.set(labels, counts?.retrying ?? 0);
    const oldestMarkedAt = counts?.oldestMarkedAt ?? null;
    oldest.set(labels, oldestMarkedAt === null ? 0 : Math.max(0, now - oldestMarkedAt) / 1000);
  }
}

async function failureGauges(source: ScrapeSource, registry: Registry, ids: ReadonlySet<string>) {
  const open = gaugeIn(
    registry,
    'bridge_failures_open',
    'Unresolved failures (dead letters and quarantined records) by kind and category',
    ['installation_id', 'kind', 'category'],
  );
  for (const row of await failures.countUnresolvedByInstallation(source.db, [...ids])) {
    open.set({ installation_id: row.installationId, kind: row.kind, category: row.category }, row.count);
  }
}

/** Open alerts (src/ops/alerts.ts), one series per installation and kind. */
async function alertGauges(source: ScrapeSource, registry: Registry, ids: ReadonlySet<string>) {
  const open = gaugeIn(
    registry,
    'bridge_alerts_open',
    'Open alerts of an installation by kind and severity (1 while open)',
    ['installation_id', 'kind', 'severity'],
  );
  for (const alert of await alerts.listAllOpen(source.db)) {
    if (!ids.has(alert.installationId)) continue;
    open.set({ installation_id: alert.installationId, kind: alert.kind, severity: alert.severity }, 1);
  }
}

/** The Salesforce budget of every connected installation, as the budget itself reckons it. */
async function budgetGauges(source: ScrapeSource, registry: Registry, active: readonly Installation[]) {
  const labelNames = ['installation_id', 'provider'];
  const used = gaugeIn(
    registry,
    'bridge_api_budget_used_calls',
    "Calls counted against the installation's budget in the current window (Salesforce: the UTC day), all processes",
    labelNames,
  );
  const limit = gaugeIn(
    registry,
    'bridge_api_budget_limit_calls',
    "The installation's budget for the window (Salesforce: its daily share of the org's allocation)",
    labelNames,
  );
  const ratio = gaugeIn(
    registry,
    'bridge_api_budget_used_ratio',
    "Share of the installation's budget used (1 = spent; sync waits for the next window)",
    labelNames,
  );
  const orgUsed = gaugeIn(
    registry,
    'bridge_salesforce_org_api_used_calls',
    "The org's API calls in its rolling 24 h, every integration together, as Salesforce last reported",
    ['installation_id'],
  );
  const orgLimit = gaugeIn(
    registry,
    'bridge_salesforce_org_api_limit_calls',
    "The org's daily API allocation, as Salesforce last reported",
    ['installation_id'],
  );
  for (const installation of active) {
    let status: BudgetStatus;
    try {
      status = await source.budget.status(installation.id);
    } catch (error) {
      source.logger.warn(
        { installationId: installation.id, error: String(error) },
        'could not read the API budget of an installation for the metrics',
      );
      continue;
    }
    const labels = { installation_id: installation.id, provider: 'salesforce' };
    const { dailyShare, usedToday, org } = status.salesforce;
    used.set(labels, usedToday);
    limit.set(labels, dailyShare);
    ratio.set(labels, dailyShare > 0 ? usedToday / dailyShare : 0);
    if (org) {
      orgUsed.set({ installation_id: installation.id }, org.used);
      orgLimit.set({ installation_id: installation.id }, org.limit);
    }
  }
}

/** Which processes beat, how long ago; returns the other processes' stored metrics. */
async function processGauges(source: ScrapeSource, registry: Registry, now: number): Promise<MetricsJson[]> {
  const rows = await processHeartbeats.listSince(source.db, now - PROCESS_ROW_RETENTION_MS);
  const alive = gaugeIn(
    registry,
    'bridge_processes',
    `Bridge processes whose heartbeat is at most ${WORKER_STALE_AFTER_MS / 1000} s old, by role`,
    ['role'],
  );
  const age = gaugeIn(
    registry,
    'bridge_process_heartbeat_age_seconds',
    'Seconds since each process last beat (a process that stopped cleanly has no series)',
    ['process', 'role'],
  );
  for (const role of processHeartbeats.processRoles) {
    const fresh = rows.filter((row) => row.role === role && now - row.beatAt <= WORKER_STALE_AFTER_MS);
    alive.set({ role }, fresh.length);
  }
  const others: MetricsJson[] = [];
  for (const row of rows) {
    age.set({ process: row.id, role: row.role }, Math.max(0, now - row.beatAt) / 1000);
    if (row.id === source.metrics.processId || row.metrics === null) continue;
    try {
      others.push(labelled(JSON.parse(row.metrics) as MetricsJson, row.id));
    } catch {
      source.logger.warn({ processId: row.id }, 'the metrics stored with a process heartbeat do not parse');
    }
  }
  return others;
}

/** Reads the database's gauges into `registry`; returns the other processes' stored metrics. */
async function readDatabase(source: ScrapeSource, registry: Registry): Promise<MetricsJson[]> {
  const now = source.now();
  const all = await installations.list(source.db);
  const current = all.filter((installation) => installation.status !== 'uninstalled');
  installationGauges(registry, all, current);
  const ids = new Set(current.map((installation) => installation.id));
  await queueGauges(source, registry, ids, now);
  await failureGauges(source, registry, ids);
  await alertGauges(source, registry, ids);
  await budgetGauges(
    source,
    registry,
    current.filter((installation) => installation.status === 'active'),
  );
  return processGauges(source, registry, now);
}

const DATABASE_UP_HELP = 'Whether the database answered this scrape (1) or not (0)';

/** The Prometheus text of every metric (docs/operations.md). */
export async function renderMetrics(source: ScrapeSource): Promise<string> {
  const own = labelled(await source.metrics.registry.getMetricsAsJSON(), source.metrics.processId);
  const database = new Registry();
  let others: MetricsJson[] = [];
  try {
    others = await readDatabase(source, database);
    gaugeIn(database, 'bridge_database_up', DATABASE_UP_HELP).set(1);
  } catch (error) {
    source.logger.warn({ error: String(error) }, 'the metrics could not read the database');
    // Whatever was read before the failure would be partial: serve only this process's counts.
    database.clear();
    gaugeIn(database, 'bridge_database_up', DATABASE_UP_HELP).set(0);
  }
  const processes = AggregatorRegistry.aggregate<PrometheusContentType>([own, ...others]);
  return Registry.merge([processes, database]).metrics();
}

/** Prometheus's text format, version 0.0.4. */
export const METRICS_CONTENT_TYPE = prometheusContentType;
