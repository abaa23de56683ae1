/**
 * The background role of the bridge (`npm start -- --role=worker`, or `all`): change detection (polls and
 * housekeeping) and the sync worker, sharing the process's API budget, and the alerts' evaluation and webhook
 * deliveries (src/app/alertsJob.ts). `stop` stops them all cleanly.
 */
import { startChangeDetection } from '../changes/start';
import { startSyncWorker } from '../sync/worker';
import { startAlerts } from './alertsJob';
import type { AppContext } from './appContext';

export interface WorkerHandle {
  /** Finishes or abandons in-flight work safely, then resolves. */
  stop(): Promise<void>;
}

export function startWorker(context: AppContext): WorkerHandle {
  const changes = startChangeDetection(context.changeDetection);
  const sync = startSyncWorker(context.syncWorker);
  const alerts = startAlerts(context.alerts);
  context.logger.info({ worker: sync.workerId }, 'worker started: change detection and sync');
  return {
    stop: async () => {
      await Promise.all([changes.stop(), sync.stop(), alerts.stop()]);
      context.logger.info({}, 'worker stopped');
    },
  };
}
