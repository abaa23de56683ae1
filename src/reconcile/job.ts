/**
 * Reconciliation's schedule, in the worker role. Every 30 s (node-cron) each process looks for installations
 * with a run due: one an admin asked for (a `requested` report), or the scheduled one
 * (`reconciliation.intervalHours` after the last run started; daily by default). A run holds the
 * installation's schedule lease (`reconcile:<installation>`, renewed while it runs), so two workers never
 * run one installation at once; a process that finds the lease held leaves that installation alone.
 *
 * On demand: `requestReconciliation` (the engine API behind the settings page, and the operator dashboard)
 * stores a `requested` report, which the next tick of any worker takes.
 */
import os from 'node:os';
import type { Knex } from 'knex';
import * as auditEntries from '../db/auditEntries';
import * as installations from '../db/installations';
import * as reports from '../db/reconcileReports';
import * as scheduleLeases from '../db/scheduleLeases';
import type { Requester } from '../domain/actors';
import { scheduledRunDue } from '../domain/reconcile';
import { schedulePeriodic, type ScheduledJob } from '../queue/scheduler';
import { settingsOrNull } from '../settings/installationSettings';
import { runReconciliation, type ReconcileDeps, type ReconcileOptions } from './run';

export const RECONCILE_TICK_CRON = '*/30 * * * * *';
/** How long a silent run keeps the installation's lease; renewed every third of it. */
export const RECONCILE_LEASE_MS = 10 * 60_000;

export function reconcileLeaseName(installationId: string): string {
  return `reconcile:${installationId}`;
}

/** Whether both systems of an installation can be read now. */
function readable(installation: installations.Installation): boolean {
  return (
    installation.state.hubspot === 'connected' &&
    installation.state.salesforce === 'connected' &&
    !installation.state.awaitingConfirmation
  );
}

/**
 * Asks for a run of an installation, which the next tick of any worker takes. A run already waiting or going
 * on is returned instead of a second one. The request is an audit line naming who asked (a person through the
 * settings page, or the operator from the dashboard), written with the report.
 */
export async function requestReconciliation(
  db: Knex,
  installationId: string,
  requester: Requester,
  now: number,
): Promise<{ report: reports.ReconcileReport; alreadyPending: boolean }> {
  return db.transaction(async (trx) => {
    const pending = (await reports.listRecent(trx, installationId, 5)).find(
      (report) => report.state === 'requested' || report.state === 'running',
    );
    if (pending) return { report: pending, alreadyPending: true };
    const report = await reports.create(
      trx,
      {
        installationId,
        trigger: 'on_demand',
        requestedBy: auditEntries.byPerson(requester).actor,
        state: 'requested',
      },
      now,
    );
    await auditEntries.append(trx, [
      auditEntries.personEntry({
        installationId,
        person: requester,
        action: 'reconciliation_requested',
        reason: `report_${report.id}`,
        occurredAt: now,
      }),
    ]);
    return { report, alreadyPending: false };
  });
}

/**
 * One installation's run, if one is due and its lease is free: returns the report it ended with, or null
 * (nothing due, or another process runs it).
 */
export async function reconcileIfDue(
  deps: ReconcileDeps,
  installationId: string,
  options: ReconcileOptions & {
    holder: string;
    /** Runs now even when no run is due (tools, tests). */
    force?: boolean;
    /** When the installation was made (epoch ms): its first scheduled run is an interval later. */
    installedAt?: number;
  } = { holder: 'reconcile' },
): Promise<reports.ReconcileReport | null> {
  const { db } = deps;
  const settings = await settingsOrNull(db, installationId);
  if (!settings) return null;
  const requested = (await reports.listRecent(db, installationId, 5)).filter(
    (report) => report.state === 'requested',
  );
  // The first scheduled run comes an interval after the install: the initial sync has just walked everything.
  const since = (await reports.lastStartedAt(db, installationId)) ?? options.installedAt ?? null;
  const scheduled = options.force === true || scheduledRunDue(settings, since, deps.now());
  if (requested.length === 0 && !scheduled) return null;
  const name = reconcileLeaseName(installationId);
  const holder = options.holder;
  const acquired = await scheduleLeases.tryAcquire(db, {
    name,
    installationId,
    holder,
    now: deps.now(),
    leaseMs: RECONCILE_LEASE_MS,
  });
  if (!acquired) return null;
  const renewal = setInterval(() => {
    void scheduleLeases
      .renew(db, { name, holder, now: deps.now(), leaseMs: RECONCILE_LEASE_MS })
      .catch(() => false);
  }, RECONCILE_LEASE_MS / 3);
  renewal.unref();
  try {
    // Holding the lease, no other run of this installation is alive: a report still running was abandoned.
    await reports.failAbandoned(db, installationId, deps.now());
    let report: reports.ReconcileReport | null = null;
    for (const waiting of requested) {
      if (await reports.start(db, waiting.id, deps.now())) {
        report = await reports.findById(db, installationId, waiting.id);
        break;
      }
    }
    report ??= await reports.create(
      db,
      { installationId, trigger: 'scheduled', requestedBy: null, state: 'running' },
      deps.now(),
    );
    return await runReconciliation(deps, report, options);
  } finally {
    clearInterval(renewal);
    await scheduleLeases.release(db, { name, holder, now: deps.now() }).catch(() => undefined);
  }
}

/** One tick: every readable installation's due run, one after another. */
export async function reconcileDue(
  deps: ReconcileDeps,
  options: ReconcileOptions & { holder: string },
): Promise<reports.ReconcileReport[]> {
  const ended: reports.ReconcileReport[] = [];
  for (const installation of await installations.list(deps.db)) {
    if (options.shouldStop?.()) break;
    if (!readable(installation)) continue;
    const report = await reconcileIfDue(deps, installation.id, {
      ...options,
      installedAt: installation.createdAt,
    });
    if (report) ended.push(report);
  }
  return ended;
}

export function startReconciliation(deps: ReconcileDeps, options: { holder?: string } = {}): ScheduledJob {
  const holder = options.holder ?? `${os.hostname()}:${process.pid}`;
  let stopping = false;
  const job = schedulePeriodic(
    {
      name: 'reconcile:dispatch',
      cron: RECONCILE_TICK_CRON,
      run: async () => {
        await reconcileDue(deps, { holder, shouldStop: () => stopping });
      },
    },
    { logger: deps.logger, clock: deps.now },
  );
  return {
    ...job,
    stop: async () => {
      stopping = true;
      await job.stop();
    },
  };
}
