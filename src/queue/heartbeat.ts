/**
 * A batch's heartbeat. A claim holds for `leaseMs`; a batch can take longer (a slow API, calls that wait for
 * the rate limit, a write whose answer is waited for), and once the lease has ended any worker may claim the
 * rows again and sync the same records at the same time. So while a worker works on a batch, the lease of
 * every row it still holds is pushed a whole lease ahead every third of the lease: two beats can be missed
 * before a lease runs out. Rows already settled, or taken over after all (the worker stalled past its lease),
 * are left alone; settling a taken-over row is refused by its claim token anyway.
 *
 *   start ──every leaseMs/3──► extend the leases of the rows still claimed ──► … ──stop──► (no more beats)
 */
import type { Knex } from 'knex';
import type { ClaimHandle } from './settle';
import { extendClaims } from './leases';
import { silentLogger, type Logger } from '../logger';

export interface LeaseHeartbeat {
  /** Stops beating; resolves once a beat in progress has finished. */
  stop(): Promise<void>;
}

export interface HeartbeatOptions {
  leaseMs: number;
  now: () => number;
  /** Default: a third of the lease. */
  everyMs?: number;
  workerId?: string;
  logger?: Logger;
}

export function startLeaseHeartbeat(
  db: Knex,
  claims: ReadonlyArray<Pick<ClaimHandle, 'claimToken'>>,
  options: HeartbeatOptions,
): LeaseHeartbeat {
  const tokens = [...new Set(claims.map((claim) => claim.claimToken))];
  const everyMs = options.everyMs ?? Math.max(1, Math.floor(options.leaseMs / 3));
  const logger = options.logger ?? silentLogger;
  let stopped = tokens.length === 0;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> = Promise.resolve();

  const beat = async () => {
    try {
      const extended = await extendClaims(db, tokens, options.now(), options.leaseMs);
      logger.debug(
        { worker: options.workerId, extended },
        `extended the lease of ${extended} claimed records by ${options.leaseMs} ms`,
      );
    } catch (error) {
      // The database went away for a moment: the next beat tries again, well within the lease.
      logger.warn(
        { worker: options.workerId, error: String(error) },
        'could not extend the leases of the batch in hand',
      );
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      beating = beat().then(schedule);
    }, everyMs);
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await beating;
    },
  };
}
