/**
 * The background role of the bridge (`npm start -- --role=worker`, or `all`): change detection (polls and
 * housekeeping) and the sync worker, sharing one API budget per process. `stop` stops both cleanly.
 */
import { changeDetectionDeps } from './changes/deps';
import { startChangeDetection } from './changes/start';
import type { InstallContext } from './install/context';
import { Budget } from './budget/budget';
import { credentialsClientSource } from './auth/clients';
import { startSyncWorker } from './sync/worker';

export interface WorkerHandle {
  /** Finishes or abandons in-flight work safely, then resolves. */
  stop(): Promise<void>;
}

export function startWorker(context: InstallContext): WorkerHandle {
  const budget = new Budget({ db: context.db, now: context.now, logger: context.logger });
  const changes = startChangeDetection(changeDetectionDeps(context, budget));
  const sync = startSyncWorker({
    db: context.db,
    clients: credentialsClientSource(context.credentials),
    gateFor: (id) => budget.gateFor(id),
    canSync: (id) => budget.canSync(id),
    logger: context.logger,
    now: context.now,
  });
  context.logger.info({ worker: sync.workerId }, 'worker started: change detection and sync');
  return {
    stop: async () => {
      await Promise.all([changes.stop(), sync.stop()]);
      context.logger.info({}, 'worker stopped');
    },
  };
}
