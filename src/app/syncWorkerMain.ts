/**
 * A sync worker as a process of its own: `npm run sync-worker` (the build's dist/src/app/syncWorkerMain.js;
 * any number against PostgreSQL). Reads the same configuration as `npm start`, applies pending migrations,
 * runs startSyncWorker with the app context's credentials and API budget, and on SIGTERM/SIGINT finishes its
 * batch, gives back its claims and exits. Killed outright, it loses nothing: its claims return to the queue
 * when their lease ends.
 */
import { loadConfigOrExit } from '../config';
import { exitOnUncaughtErrors } from './crash';
import { limitHeapGrowth } from './heapGrowth';
import { migrateLatest } from '../db/migrate';
import { startProcessHeartbeat } from '../ops/processHeartbeat';
import { startSyncWorker } from '../sync/worker';
import { createAppContext } from './appContext';
import { createSyncWorkerLogger } from './logger';

async function main(): Promise<void> {
  limitHeapGrowth();
  const config = loadConfigOrExit();
  const logger = createSyncWorkerLogger({ level: config.LOG_LEVEL });
  exitOnUncaughtErrors('the sync worker', logger);
  const context = createAppContext(config, { logger });
  const { db } = context;
  await migrateLatest(db);
  const worker = startSyncWorker(context.syncWorker, {
    leaseMs: config.SYNC_LEASE_MS,
    maxBatchSize: config.SYNC_BATCH_SIZE,
  });
  const heartbeat = startProcessHeartbeat(context, { role: 'sync-worker' });
  logger.info({ worker: worker.workerId }, 'sync worker started');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'sync worker stopping');
    Promise.all([worker.stop(), heartbeat.stop()])
      .then(() => db.destroy())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ error: String(error) }, 'sync worker stop failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('The sync worker could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
