/**
 * The background role of the bridge (`npm start -- --role=worker`, or `all`): change detection (polls and
 * housekeeping), the sync worker, sharing the process's API budget, and the operator dashboard's sampler
 * (one sample per installation a minute, under a schedule lease so several workers write one), and the
 * alerts' evaluation and webhook deliveries (src/app/alertsJob.ts), the delete policy when grace periods end
 * (src/app/deleteExpiryJob.ts), reconciliation's schedule (src/reconcile/job.ts), and the retention of
 * personal values (src/app/retentionJob.ts). `stop` stops them all cleanly.
 */
import os from 'node:os';
import { startChangeDetection } from '../changes/start';
import { SAMPLES_CRON, takeSamples } from '../ops/samples';
import { schedulePeriodic } from '../queue/scheduler';
import { startReconciliation } from '../reconcile/job';
import { startSyncWorker } from '../sync/worker';
import { startAlerts } from './alertsJob';
import { startRetention } from './retentionJob';
import { startDeleteExpiry } from './deleteExpiryJob';
import type { AppContext } from './appContext';

export interface WorkerHandle {
  /** Finishes or abandons in-flight work safely, then resolves. */
  stop(): Promise<void>;
}

export function startWorker(context: AppContext): WorkerHandle {
  const changes = startChangeDetection(context.changeDetection);
  const sync = startSyncWorker(context.syncWorker);
  const alerts = startAlerts(context.alerts);
  const deleteExpiry = startDeleteExpiry({
    db: context.db,
    now: context.now,
    logger: context.logger,
    clients: context.clientSource,
    gateFor: (installationId) => context.budget.gateFor(installationId),
  });
  const reconciliation = startReconciliation(context.reconcile);
  const retention = startRetention(context);
  const sampler = schedulePeriodic(
    {
      name: 'ops:samples',
      cron: SAMPLES_CRON,
      run: async () => {
        await takeSamples(context);
      },
    },
    {
      logger: context.logger,
      clock: context.now,
      lease: { db: context.db, holder: `${os.hostname()}:${process.pid}`, leaseMs: 60_000 },
    },
  );
  context.logger.info({ worker: sync.workerId }, 'worker started: change detection and sync');
  return {
    stop: async () => {
      await Promise.all([
        changes.stop(),
        sync.stop(),
        sampler.stop(),
        alerts.stop(),
        deleteExpiry.stop(),
        reconciliation.stop(),
        retention.stop(),
      ]);
      context.logger.info({}, 'worker stopped');
    },
  };
}
