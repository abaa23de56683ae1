/**
 * A sync worker as a process of its own: `tsx src/sync/worker-main.ts` (any number against PostgreSQL).
 * Reads the same configuration as `npm start`, applies pending migrations, runs startSyncWorker with the
 * install flow's credentials and the API budget, and on SIGTERM/SIGINT finishes its batch, gives back its claims and exits.
 * Killed outright, it loses nothing: its claims return to the queue when their lease ends.
 */
import pino from 'pino';
import { Credentials } from '../auth/credentials';
import { createTokenCipher } from '../auth/token-cipher';
import { loadConfigOrExit } from '../config';
import { bridgeAppFromConfig } from '../auth/bridgeContext';
import { exitOnUncaughtErrors } from '../crash';
import { createDb } from '../db/knex';
import { migrateLatest } from '../db/migrate';
import { Budget } from '../budget/budget';
import { credentialsClientSource } from '../auth/clients';
import { startSyncWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'bridge-sync-worker', pid: process.pid } });
  exitOnUncaughtErrors('the sync worker', logger);
  const db = createDb(config.DATABASE_URL);
  await migrateLatest(db);
  const credentials = new Credentials({
    db,
    cipher: createTokenCipher(config.TOKEN_ENCRYPTION_KEY, config.TOKEN_ENCRYPTION_KEY_PREVIOUS),
    app: bridgeAppFromConfig(config),
    logger,
    now: () => Date.now(),
  });
  const budget = new Budget({ db, now: () => Date.now(), logger });
  const worker = startSyncWorker(
    {
      db,
      clients: credentialsClientSource(credentials),
      gateFor: (id) => budget.gateFor(id),
      canSync: (id) => budget.canSync(id),
      logger,
    },
    { leaseMs: config.SYNC_LEASE_MS, maxBatchSize: config.SYNC_BATCH_SIZE },
  );
  logger.info({ worker: worker.workerId }, 'sync worker started');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'sync worker stopping');
    worker
      .stop()
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
