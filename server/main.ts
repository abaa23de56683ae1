/**
 * `npm start`: the production entry point.
 *
 *   npm start                      server and worker in one process (the default, fine for one portal)
 *   npm start -- --role=server     HTTP only (run several behind a load balancer, with PostgreSQL)
 *   npm start -- --role=worker     background work only
 *
 * Refuses to start, listing every problem at once, when configuration is missing or malformed. Applies
 * pending migrations first (knex's migration lock keeps concurrent starts safe on PostgreSQL).
 */
import http from 'node:http';
import { createAppContext } from '../src/app/appContext';
import { createLogger } from '../src/app/logger';
import { startWorker } from '../src/app/workerRole';
import { loadConfigOrExit } from '../src/config';
import { exitOnUncaughtErrors } from '../src/app/crash';
import { limitHeapGrowth } from '../src/app/heapGrowth';
import { migrateLatest } from '../src/db/migrate';
import { startProcessHeartbeat } from '../src/ops/processHeartbeat';
import { createApp } from './app';

const roles = ['server', 'worker', 'all'] as const;
type Role = (typeof roles)[number];

function parseRole(args: string[]): Role {
  const index = args.findIndex((arg) => arg === '--role' || arg.startsWith('--role='));
  if (index === -1) return 'all';
  const arg = args[index] ?? '';
  const value = arg.includes('=') ? arg.slice('--role='.length) : args[index + 1];
  if (!roles.includes(value as Role)) {
    console.error(`Unknown role "${value ?? ''}": use --role=server, --role=worker or --role=all.`);
    process.exit(2);
  }
  return value as Role;
}

async function main(): Promise<void> {
  limitHeapGrowth();
  const role = parseRole(process.argv.slice(2));
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.LOG_LEVEL });
  exitOnUncaughtErrors('the bridge', logger);
  const context = createAppContext(config, { logger });
  const { db } = context;
  const applied = await migrateLatest(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');

  // Readiness reads whether a worker is alive from it; /metrics serves this process's counts through it.
  const heartbeat = startProcessHeartbeat(context, { role });
  const stops: Array<() => Promise<void>> = [() => heartbeat.stop()];

  if (role !== 'worker') {
    const server = http.createServer(createApp({ context, opsToken: config.OPS_TOKEN }));
    await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
    logger.info({ port: config.PORT, publicBaseUrl: config.PUBLIC_BASE_URL, role }, 'server listening');
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
  }
  if (role !== 'server') {
    const worker = startWorker(context);
    stops.push(() => worker.stop());
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    Promise.all(stops.map((stop) => stop()))
      .then(() => db.destroy())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('The bridge could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
