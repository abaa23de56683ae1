/**
 * At most one token refresh per installation and provider in flight, across processes, and none that runs
 * forever.
 *
 * Within a process, concurrent callers share one promise. Across processes, a lease row in the database
 * decides who refreshes; the others wait until the stored token changes (the winner persisted it) or the
 * lease expires (the winner died), then look again. Whoever takes the lease first re-reads the stored token,
 * because another process may have refreshed between the caller's read and the lease.
 *
 *   take lease ─► stored token usable? ── yes ─► release, answer
 *                         │ no
 *                         ▼
 *                 refresh (lease renewed every ttl/3) ── done ─► release, answer
 *                         │ still running at the deadline
 *                         ▼
 *                 abandon: release, answer a retryable error; the next caller starts afresh
 *
 * A refresh that finishes after it was abandoned (or after its lease was lost) must not persist what it got:
 * the job writes only inside a transaction where `guard.holds(trx)` is still true.
 */
import crypto from 'node:crypto';
import * as leases from '../db/tokenRefreshLeases';
import type { Db } from '../db/knex';
import type { Queryable } from '../db/support';
import type { Result } from '../domain/result';
import { CredentialsError } from './errors';

export interface RefreshTiming {
  /** How long a lease protects a refresh unless its holder renews it (every third of this). */
  leaseTtlMs: number;
  /** How often a waiting process looks at the stored token again. */
  pollIntervalMs: number;
  /** How long a caller waits for another process's refresh before giving up (retryable). */
  maxWaitMs: number;
  /**
   * How long one refresh may run before it is abandoned: its callers get a retryable error, the lease is
   * given up, and whatever the refresh returns later is not stored. Longer than the OAuth calls' own deadline.
   */
  refreshDeadlineMs: number;
}

export const defaultRefreshTiming: RefreshTiming = {
  leaseTtlMs: 30_000,
  pollIntervalMs: 100,
  maxWaitMs: 45_000,
  refreshDeadlineMs: 20_000,
};

/** Handed to a refresh: whether its lease still holds, checked inside the transaction that stores tokens. */
export interface RefreshGuard {
  holds(trx: Queryable): Promise<boolean>;
}

export interface RefreshJob<T> {
  installationId: string;
  provider: leases.LeaseProvider;
  /** The stored token if it is usable as is (someone refreshed it), else null; an error ends the wait. */
  current(): Promise<Result<T | null, CredentialsError>>;
  /** Calls the provider and persists the result, only where `guard.holds`. Runs only while holding the lease. */
  refresh(guard: RefreshGuard): Promise<Result<T, CredentialsError>>;
}

export class RefreshCoordinator {
  private readonly inFlight = new Map<string, Promise<Result<unknown, CredentialsError>>>();
  private readonly timing: RefreshTiming;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    timing: Partial<RefreshTiming> = {},
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.timing = { ...defaultRefreshTiming, ...timing };
  }

  run<T>(job: RefreshJob<T>): Promise<Result<T, CredentialsError>> {
    const key = `${job.installationId}:${job.provider}`;
    const running = this.inFlight.get(key);
    if (running) return running as Promise<Result<T, CredentialsError>>;
    const started = this.coordinate(job).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }

  private async coordinate<T>(job: RefreshJob<T>): Promise<Result<T, CredentialsError>> {
    const holder = crypto.randomUUID();
    // Counted in polls rather than clock time, so a stopped test clock cannot make a caller wait forever.
    const maxPolls = Math.ceil(this.timing.maxWaitMs / this.timing.pollIntervalMs);
    for (let polls = 0; ; polls += 1) {
      const acquired = await leases.tryAcquire(this.db, {
        installationId: job.installationId,
        provider: job.provider,
        holder,
        now: this.now(),
        ttlMs: this.timing.leaseTtlMs,
      });
      if (acquired) return this.refreshHolding(job, holder);
      await this.sleep(this.timing.pollIntervalMs);
      const current = await job.current();
      if (!current.ok || current.value !== null) return current as Result<T, CredentialsError>;
      if (polls >= maxPolls) {
        return {
          ok: false,
          error: new CredentialsError(
            'refresh_busy',
            `another process has been refreshing the ${job.provider} token for too long; try again shortly`,
          ),
        };
      }
    }
  }

  private async refreshHolding<T>(job: RefreshJob<T>, holder: string): Promise<Result<T, CredentialsError>> {
    const lease = { installationId: job.installationId, provider: job.provider, holder };
    let abandoned = false;
    const guard: RefreshGuard = {
      holds: async (trx) =>
        !abandoned && (await leases.isHeld(trx, { ...lease, now: this.now() }).catch(() => false)),
    };
    const heartbeat = setInterval(
      () => {
        void leases
          .renew(this.db, { ...lease, now: this.now(), ttlMs: this.timing.leaseTtlMs })
          .catch(() => false);
      },
      Math.max(1, Math.floor(this.timing.leaseTtlMs / 3)),
    );
    heartbeat.unref();
    let deadline: NodeJS.Timeout | undefined;
    try {
      const current = await job.current();
      if (!current.ok || current.value !== null) return current as Result<T, CredentialsError>;
      const refreshing = job.refresh(guard);
      // The abandoned refresh's late outcome must not surface as an unhandled rejection.
      refreshing.catch(() => undefined);
      const expired = new Promise<'deadline'>((resolve) => {
        deadline = setTimeout(() => resolve('deadline'), this.timing.refreshDeadlineMs);
      });
      const outcome = await Promise.race([refreshing, expired]);
      if (outcome !== 'deadline') return outcome;
      abandoned = true;
      return {
        ok: false,
        error: new CredentialsError(
          'provider_unavailable',
          `the ${job.provider} token refresh did not finish within ${this.timing.refreshDeadlineMs} ms and was abandoned; try again shortly`,
        ),
      };
    } finally {
      clearTimeout(deadline);
      clearInterval(heartbeat);
      await leases.release(this.db, lease);
    }
  }
}
