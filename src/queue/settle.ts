/**
 * Finishing a claimed row: complete it, or fail it (retry later with backoff, or give up into failures).
 * Every function checks the claim token: a worker whose lease was taken over changes nothing and is told so. All of them accept the caller's transaction, so the outcome is recorded
 * atomically with the sync's own bookkeeping (links, shadows, audit).
 */
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import { inTransaction, lockForUpdate, type Queryable } from '../db/support';
import type { AttemptError, Settlement } from '../domain/settlement';
import { retryDelayMs, type BackoffPolicy } from './backoff';
import { deferClaims } from './defer';
import { describeRecord } from './describe';
import { transition } from '../domain/queueItemStates';
import { silentLogger, type Logger } from '../logger';
import { silentMetrics, type Metrics, type SettledOutcome } from '../metrics';

/** What a worker must hold to settle a row: the claim it got from claimBatch. */
export type ClaimHandle = Pick<
  dirty.DirtyItem,
  'id' | 'installationId' | 'record' | 'generation' | 'attempts'
> & {
  claimedBy: string;
  claimToken: string;
};

export type CompleteOutcome = 'done' | 'requeued' | 'lease_lost';

/**
 * The record synced. The row is deleted if nothing marked it since the claim; otherwise it becomes pending
 * and due at once, so the change that arrived during the sync gets its own sync.
 */
export async function complete(
  db: Queryable,
  claim: ClaimHandle,
  now: number,
  logger: Logger = silentLogger,
): Promise<CompleteOutcome> {
  const deleted = await ownClaim(db, claim).andWhere({ generation: claim.generation }).delete();
  if (deleted > 0) {
    transition('claimed', 'complete');
    return 'done';
  }
  transition('claimed', 'complete_after_new_mark');
  const requeued = await ownClaim(db, claim).update({
    state: 'pending',
    attempts: 0,
    next_attempt_at: now,
    claimed_by: null,
    claim_token: null,
    claimed_until: null,
    last_error_code: null,
    last_error: null,
  });
  if (requeued > 0) {
    logger.info(
      { dirtyId: claim.id, installationId: claim.installationId },
      `synced ${describeRecord(claim)}; a newer change arrived meanwhile, queued again`,
    );
    return 'requeued';
  }
  logger.warn(
    { dirtyId: claim.id, installationId: claim.installationId, worker: claim.claimedBy },
    `lost the lease on ${describeRecord(claim)} before completing; another worker owns it`,
  );
  return 'lease_lost';
}

export type { AttemptError } from '../domain/settlement';

export interface FailPolicy {
  now: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** A number in [0, 1) for jitter; pass Math.random() in production and a fixed value in tests. */
  random: number;
  logger?: Logger;
  /** The link of the record, when known, stored on the failure. */
  linkId?: string | null;
}

export type FailOutcome =
  | { outcome: 'retry_scheduled'; nextAttemptAt: number }
  | { outcome: 'requeued'; nextAttemptAt: number }
  | { outcome: 'dead'; failure: failures.Failure }
  | { outcome: 'lease_lost' };

export async function fail(
  db: Queryable,
  claim: ClaimHandle,
  error: AttemptError,
  policy: FailPolicy,
): Promise<FailOutcome> {
  const logger = policy.logger ?? silentLogger;
  // The error's message is for the person who fixes the record (stored below, shown on the card); it may
  // quote the record's values, so the log keeps its code and category.
  const fields = {
    dirtyId: claim.id,
    installationId: claim.installationId,
    code: error.code,
    category: error.category,
  };
  const progress = `attempt ${claim.attempts} of ${policy.maxAttempts}`;
  return inTransaction(db, async (trx) => {
    const row = await lockForUpdate(trx, ownClaim(trx, claim)).first();
    if (!row) {
      logger.warn(fields, `lost the lease on ${describeRecord(claim)} before recording its failure`);
      return { outcome: 'lease_lost' } as const;
    }
    const lastError = { last_error_code: error.code.slice(0, 64), last_error: error.message };
    if (row.generation !== claim.generation) {
      // A change arrived during the attempt: it deserves a fresh start (it may be the fix), not a dead letter.
      transition('claimed', 'retry_later');
      const nextAttemptAt = policy.now + Math.max(0, error.retryAfterMs ?? 0);
      await release(trx, claim.id, { attempts: 0, next_attempt_at: nextAttemptAt, ...lastError });
      logger.info(
        fields,
        `${progress} failed for ${describeRecord(claim)} (${error.code}); a newer change is queued`,
      );
      return { outcome: 'requeued', nextAttemptAt } as const;
    }
    if (!error.retryable || claim.attempts >= policy.maxAttempts) {
      transition('claimed', 'give_up');
      const failure = await failures.record(
        trx,
        {
          installationId: claim.installationId,
          linkId: policy.linkId ?? null,
          record: claim.record,
          kind: error.retryable ? 'dead_letter' : 'quarantine',
          category: error.category,
          code: error.code.slice(0, 64),
          message: error.message,
          details: error.details ?? {},
          attempts: claim.attempts,
        },
        policy.now,
      );
      await trx(dirty.DIRTY).where({ id: claim.id }).delete();
      logger.error(
        { ...fields, failureId: failure.id },
        `${progress} failed for ${describeRecord(claim)} (${error.code}); ${error.retryable ? 'no attempts left' : 'not retryable'}, moved to failures`,
      );
      return { outcome: 'dead', failure } as const;
    }
    transition('claimed', 'retry_later');
    const retryInMs = retryDelayMs(policy.backoff, claim.attempts, policy.random, error.retryAfterMs);
    const nextAttemptAt = policy.now + retryInMs;
    await release(trx, claim.id, { next_attempt_at: nextAttemptAt, ...lastError });
    logger.warn(
      { ...fields, retryInMs },
      `${progress} failed for ${describeRecord(claim)} (${error.code}); retrying in ${retryInMs} ms`,
    );
    return { outcome: 'retry_scheduled', nextAttemptAt } as const;
  });
}

function ownClaim(db: Queryable, claim: ClaimHandle) {
  return db<dirty.DirtyRow>(dirty.DIRTY).where({
    id: claim.id,
    state: 'claimed',
    claim_token: claim.claimToken,
  });
}

async function release(db: Queryable, id: number, patch: Partial<dirty.DirtyRow>): Promise<void> {
  await db<dirty.DirtyRow>(dirty.DIRTY)
    .where({ id })
    .update({ state: 'pending', claimed_by: null, claim_token: null, claimed_until: null, ...patch });
}

/** What settling needs besides the settlement: the clock, the retry policy and the log. */
export interface SettleOptions {
  readonly now: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** A number in [0, 1) for each row's jitter. */
  readonly random: () => number;
  readonly logger?: Logger;
  /** The link of the record, when known, stored on a failure. */
  readonly linkId?: string | null;
  /** Told how each row ended (syncs by outcome, failures by category). */
  readonly metrics?: Metrics;
}

function failedOutcome(outcome: FailOutcome['outcome']): SettledOutcome {
  if (outcome === 'dead') return 'failed';
  return outcome === 'lease_lost' ? 'lease_lost' : 'retrying';
}

/**
 * Settles claimed rows as decided (see domain/settlement.ts), inside the caller's transaction when it
 * passes one. Returns the rows settled: none for `carry`, which keeps them claimed for the batch's next round.
 */
export async function settleClaims(
  db: Queryable,
  claims: readonly ClaimHandle[],
  settlement: Settlement,
  options: SettleOptions,
): Promise<readonly ClaimHandle[]> {
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? silentMetrics;
  const settled = (claim: ClaimHandle, outcome: SettledOutcome, category?: string) =>
    metrics.rowSettled({
      objectType: claim.record.objectType,
      outcome,
      ...(category === undefined ? {} : { category }),
    });
  switch (settlement.kind) {
    case 'carry':
      return [];
    case 'defer':
      await deferClaims(db, claims, settlement.dueAt, settlement.reason);
      for (const claim of claims) settled(claim, 'deferred');
      return claims;
    case 'complete':
      for (const claim of claims) {
        const outcome = await complete(db, claim, options.now, logger);
        settled(claim, outcome === 'lease_lost' ? 'lease_lost' : 'synced');
      }
      return claims;
    case 'fail': {
      const { category } = settlement.error;
      const policy = (): FailPolicy => ({
        now: options.now,
        maxAttempts: options.maxAttempts,
        backoff: options.backoff,
        random: options.random(),
        logger,
        linkId: options.linkId ?? null,
      });
      if (settlement.error.retryable) {
        for (const claim of claims) {
          const failed = await fail(db, claim, settlement.error, policy());
          settled(claim, failedOutcome(failed.outcome), category);
        }
        return claims;
      }
      // One failure row says what is wrong with the record; its other rows add nothing to it.
      const [first, ...rest] = claims;
      if (first) {
        const failed = await fail(db, first, settlement.error, policy());
        settled(first, failedOutcome(failed.outcome), category);
      }
      for (const claim of rest) {
        const outcome = await complete(db, claim, options.now, logger);
        settled(claim, outcome === 'lease_lost' ? 'lease_lost' : 'failed', category);
      }
      return claims;
    }
  }
}
