/**
 * The delete policy's schedule, in the worker role: every hour one process (the holder of the
 * `deletes:expiry` lease) applies each installation's policy to the tombstones whose grace period ended
 * (src/sync/deleteExpiry.ts). Other workers ticking at the same moment find the lease taken, and skip.
 */
import os from 'node:os';
import { schedulePeriodic, type ScheduledJob } from '../queue/scheduler';
import { runDeleteExpiry, type DeleteExpiryDeps } from '../sync/deleteExpiry';

/** Grace periods are counted in days: an hourly look is prompt enough and costs nothing when none ended. */
export const DELETE_EXPIRY_CRON = '0 17 * * * *';

export function startDeleteExpiry(deps: DeleteExpiryDeps, options: { holder?: string } = {}): ScheduledJob {
  const holder = options.holder ?? `${os.hostname()}:${process.pid}`;
  return schedulePeriodic(
    {
      name: 'deletes:expiry',
      cron: DELETE_EXPIRY_CRON,
      run: async () => {
        const summary = await runDeleteExpiry(deps);
        if (Object.keys(summary.decided).length > 0 || summary.errors > 0) {
          deps.logger.info({ ...summary }, 'delete policy applied to grace periods that ended');
        }
      },
    },
    {
      logger: deps.logger,
      clock: deps.now,
      lease: { db: deps.db, holder, leaseMs: 30 * 60_000 },
    },
  );
}
