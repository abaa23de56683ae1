/**
 * The background role of the bridge (`npm start -- --role=worker`, or `all`).
 *
 * The sync engine plugs in here: `startWorker` receives everything a job needs (the database, the
 * credentials module that hands out HubSpot and Salesforce clients, a logger and a clock) and returns a
 * handle that stops it cleanly. Until the engine exists it only keeps the process alive and says so.
 */
import type { InstallContext } from './install/context';

export interface WorkerHandle {
  /** Finishes or abandons in-flight work safely, then resolves. */
  stop(): Promise<void>;
}

export function startWorker(context: InstallContext): WorkerHandle {
  context.logger.info('worker started; no sync jobs exist yet, so it waits');
  // Keep the event loop alive the way a polling worker will, so the process behaves like one.
  const idle = setInterval(() => undefined, 60_000);
  return {
    stop: async () => {
      clearInterval(idle);
      context.logger.info('worker stopped');
    },
  };
}
