/**
 * Leases on claimed rows: a worker extends its lease during a long batch, gives its rows back on shutdown,
 * and recovery tidies up after workers that died. A row whose lease expired is claimable again by any worker
 * (claimBatch treats it as due); recovery additionally moves rows that kept killing their workers to
 * failures, so one poisonous record cannot take down worker after worker.
 */
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import { dialectOfDb } from '../db/knex';
import { inTransaction, type Queryable } from '../db/support';
import { describeRecord } from './describe';
import { transition } from '../domain/queueItemStates';
import { silentLogger, type Logger } from '../logger';
import type { ClaimHandle } from './settle';

/** Pushes the lease of a claim forward; false if the claim was lost (the worker should stop on that row). */
export async function extendLease(
  db: Queryable,
  claim: ClaimHandle,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const leaseEnd = now + leaseMs;
  const updated = await db<dirty.DirtyRow>(dirty.DIRTY)
    .where({ id: claim.id, state: 'claimed', claim_token: claim.claimToken })
    .update({ claimed_until: leaseEnd, next_attempt_at: leaseEnd });
  return updated > 0;
}

/**
 * Pushes forward, in one statement, the lease of every row still claimed under these claim tokens (one token
 * per claimBatch call). Rows already settled, or taken over by another claim, are left alone. Returns how
 * many leases were extended.
 */
export async function extendClaims(
  db: Queryable,
  claimTokens: readonly string[],
  now: number,
  leaseMs: number,
): Promise<number> {
  if (claimTokens.length === 0) return 0;
  const leaseEnd = now + leaseMs;
  return db<dirty.DirtyRow>(dirty.DIRTY)
    .where({ state: 'claimed' })
    .whereIn('claim_token', [...new Set(claimTokens)])
    .update({ claimed_until: leaseEnd, next_attempt_at: leaseEnd });
}

/**
 * A worker shutting down gives back what it claimed but did not start: due at once, and the attempt is not
 * counted. Returns how many rows were released.
 */
export async function releaseClaims(db: Queryable, workerId: string, now: number): Promise<number> {
  return db<dirty.DirtyRow>(dirty.DIRTY)
    .where({ state: 'claimed', claimed_by: workerId })
    .update({
      state: 'pending',
      claimed_by: null,
      claim_token: null,
      claimed_until: null,
      next_attempt_at: now,
      attempts: db.raw('CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END') as unknown as number,
    });
}

export interface RecoveryResult {
  requeued: number;
  dead: number;
}

/** Finds claims whose lease ended and either requeues them or, when their attempts are spent, dead-letters them. */
export async function recoverExpiredLeases(
  db: Queryable,
  options: { now: number; maxAttempts: number; limit?: number; logger?: Logger },
): Promise<RecoveryResult> {
  const logger = options.logger ?? silentLogger;
  return inTransaction(db, async (trx) => {
    const query = trx<dirty.DirtyRow>(dirty.DIRTY)
      .where({ state: 'claimed' })
      // next_attempt_at is the lease end of a claimed row; filtering on it lets the (state, next_attempt_at)
      // index find expired leases without scanning every claim.
      .where('next_attempt_at', '<=', options.now)
      .where('claimed_until', '<=', options.now)
      .orderBy('next_attempt_at')
      .limit(options.limit ?? 500);
    // Another recovering worker may be looking at the same rows: each takes the ones the other did not lock.
    const rows = dialectOfDb(trx) === 'postgres' ? await query.forUpdate().skipLocked() : await query;
    const result: RecoveryResult = { requeued: 0, dead: 0 };
    for (const row of rows) {
      const item = dirty.fromRow(row);
      const progress = `attempt ${item.attempts} of ${options.maxAttempts}`;
      if (item.attempts >= options.maxAttempts) {
        transition('claimed', 'lease_expired_exhausted');
        const failure = await failures.record(
          trx,
          {
            installationId: item.installationId,
            record: item.record,
            kind: 'dead_letter',
            category: 'transient',
            code: 'worker_lost',
            message:
              'The sync of this record stopped without finishing on every attempt (the worker ended or timed out). ' +
              'It was set aside so it cannot stop other syncs; retry it, and if it happens again check the worker logs.',
            details: {
              lastWorker: item.claimedBy,
              lastErrorCode: item.lastErrorCode,
              lastError: item.lastError,
            },
            attempts: item.attempts,
          },
          options.now,
        );
        await trx(dirty.DIRTY).where({ id: item.id }).delete();
        logger.error(
          {
            dirtyId: item.id,
            installationId: item.installationId,
            worker: item.claimedBy,
            failureId: failure.id,
          },
          `lease expired on ${describeRecord(item)} at ${progress}; moved to failures`,
        );
        result.dead += 1;
      } else {
        transition('claimed', 'lease_expired');
        await trx<dirty.DirtyRow>(dirty.DIRTY)
          .where({ id: item.id })
          .update({
            state: 'pending',
            claimed_by: null,
            claim_token: null,
            claimed_until: null,
            last_error_code: 'lease_expired',
            last_error: `the worker ${item.claimedBy ?? '?'} did not finish in time`,
          });
        logger.warn(
          { dirtyId: item.id, installationId: item.installationId, worker: item.claimedBy },
          `lease expired on ${describeRecord(item)} at ${progress}; queued again`,
        );
        result.requeued += 1;
      }
    }
    return result;
  });
}
