/**
 * Periodic jobs (polls, lease recovery, retention) on node-cron, with one guarantee node-cron alone does not
 * give across processes: a job never overlaps a run with itself. Within the process a run that is still going
 * makes the next tick a no-op; across processes, with `lease`, a run starts only while this process holds the
 * job's row in schedule_leases (renewed during long runs), so M workers polling one installation make one
 * poll, not M.
 */
import cron, { type ScheduledTask } from 'node-cron';
import * as scheduleLeases from '../db/scheduleLeases';
import type { Queryable } from '../db/support';
import { silentLogger, type Logger } from '../logger';

export interface PeriodicJob {
  /** Unique per process; also the lease name across processes. */
  name: string;
  /** A cron expression (six fields allow seconds), evaluated in UTC. */
  cron: string;
  run: (context: { startedAt: number }) => Promise<void>;
}

export interface LeaseOptions {
  db: Queryable;
  /** This process's name (host:pid). */
  holder: string;
  /** How long a run may go silent before another process may take over; renewed every third of it. */
  leaseMs: number;
  installationId?: string | null;
  /**
   * For jobs every process ticks on the same schedule: the lease stays free only this long after its last
   * release, so processes ticking a little apart make one run per period between them, not one each.
   */
  intervalMs?: number;
}

export interface SchedulerOptions {
  logger?: Logger;
  /** Coordination with other processes; without it the guarantee is per process only. */
  lease?: LeaseOptions;
  clock?: () => number;
}

export type RunOutcome = 'completed' | 'failed' | 'skipped_overlap' | 'skipped_lease_held' | 'stopped';

export interface ScheduledJob {
  readonly name: string;
  /** Runs the job now, unless a run is going on (here, or elsewhere with a lease). */
  runNow(): Promise<RunOutcome>;
  isRunning(): boolean;
  /** Stops ticking and waits for a run in progress to end. */
  stop(): Promise<void>;
}

export function schedulePeriodic(job: PeriodicJob, options: SchedulerOptions = {}): ScheduledJob {
  if (!cron.validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression "${job.cron}"`);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? Date.now;
  let current: Promise<RunOutcome> | null = null;
  let stopped = false;

  async function runOnce(): Promise<RunOutcome> {
    const lease = options.lease;
    const startedAt = clock();
    if (lease) {
      const acquired = await scheduleLeases
        .tryAcquire(lease.db, {
          name: job.name,
          installationId: lease.installationId ?? null,
          holder: lease.holder,
          now: startedAt,
          leaseMs: lease.leaseMs,
          intervalMs: lease.intervalMs ?? 0,
        })
        .catch((error: unknown) => error);
      if (acquired !== true) {
        if (acquired === false) {
          logger.debug({ job: job.name }, `skipped ${job.name}: another process is running it`);
          return 'skipped_lease_held';
        }
        logger.error(
          { job: job.name, err: acquired },
          `${job.name} could not take its lease: ${String(acquired)}`,
        );
        return 'failed';
      }
    }
    const renewal = lease
      ? setInterval(() => void renew(lease), Math.max(1, Math.floor(lease.leaseMs / 3)))
      : null;
    renewal?.unref();
    try {
      await job.run({ startedAt });
      logger.debug({ job: job.name, durationMs: clock() - startedAt }, `${job.name} finished`);
      return 'completed';
    } catch (error) {
      logger.error(
        { job: job.name, err: error },
        `${job.name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 'failed';
    } finally {
      if (renewal) clearInterval(renewal);
      if (lease)
        await scheduleLeases
          .release(lease.db, { name: job.name, holder: lease.holder, now: clock() })
          .catch(() => undefined);
    }
  }

  async function renew(lease: LeaseOptions): Promise<void> {
    const kept = await scheduleLeases
      .renew(lease.db, { name: job.name, holder: lease.holder, now: clock(), leaseMs: lease.leaseMs })
      .catch(() => false);
    if (!kept)
      logger.warn(
        { job: job.name },
        `${job.name} lost its lease while running; another process may start it`,
      );
  }

  function runNow(): Promise<RunOutcome> {
    if (stopped) return Promise.resolve('stopped');
    if (current) {
      logger.debug({ job: job.name }, `skipped ${job.name}: the previous run is still going`);
      return Promise.resolve('skipped_overlap');
    }
    const run = runOnce().finally(() => {
      current = null;
    });
    current = run;
    return run;
  }

  const task: ScheduledTask = cron.schedule(job.cron, () => runNow(), { name: job.name, timezone: 'UTC' });

  return {
    name: job.name,
    runNow,
    isRunning: () => current !== null,
    async stop() {
      stopped = true;
      await task.destroy();
      if (current) await current;
    },
  };
}
