/**
 * At most one token refresh per installation and provider in flight, across processes.
 *
 * Within a process, concurrent callers share one promise. Across processes, a lease row in the database
 * decides who refreshes; the others wait until the stored token changes (the winner persisted it) or the
 * lease expires (the winner died), then look again. Whoever takes the lease first re-reads the stored token,
 * because another process may have refreshed between the caller's read and the lease.
 */
import crypto from 'node:crypto';
import * as leases from '../db/tokenRefreshLeases';
import type { Db } from '../db/knex';
import type { Result } from '../domain/result';
import { CredentialsError } from './errors';

export interface RefreshTiming {
  /** How long a lease protects a refresh; longer than any token call takes. */
  leaseTtlMs: number;
  /** How often a waiting process looks at the stored token again. */
  pollIntervalMs: number;
  /** How long a caller waits for another process's refresh before giving up (retryable). */
  maxWaitMs: number;
}

export const defaultRefreshTiming: RefreshTiming = {
  leaseTtlMs: 30_000,
  pollIntervalMs: 100,
  maxWaitMs: 45_000,
};

export interface RefreshJob<T> {
  installationId: string;
  provider: leases.LeaseProvider;
  /** The stored token if it is usable as is (someone refreshed it), else null; an error ends the wait. */
  current(): Promise<Result<T | null, CredentialsError>>;
  /** Calls the provider and persists the result. Runs only while holding the lease. */
  refresh(): Promise<Result<T, CredentialsError>>;
}

export class RefreshCoordinator {
  private readonly inFlight = new Map<string, Promise<Result<unknown, CredentialsError>>>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly timing: RefreshTiming = defaultRefreshTiming,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

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
      if (acquired) {
        try {
          const current = await job.current();
          if (!current.ok || current.value !== null) return current as Result<T, CredentialsError>;
          return await job.refresh();
        } finally {
          await leases.release(this.db, {
            installationId: job.installationId,
            provider: job.provider,
            holder,
          });
        }
      }
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
}
