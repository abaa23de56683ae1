/**
 * Putting claimed rows back without counting the attempt, due at a given time: for work that did not fail
 * but may not run now (the installation's API budget is spent, its credentials are unusable, another worker
 * holds the other side of the record's link). Unlike `fail`, nothing moves toward a dead letter, so a long
 * wait never turns into failures; unlike `releaseClaims`, it gives back chosen rows, not all of a worker's.
 */
import * as dirty from '../db/dirty';
import type { Queryable } from '../db/support';
import type { DeferReason } from '../domain/settlement';
import { transition } from '../domain/queueItemStates';
import type { ClaimHandle } from './settle';

export type { DeferReason } from '../domain/settlement';

/** Returns how many of the claims were still held (and so deferred). */
export async function deferClaims(
  db: Queryable,
  claims: readonly ClaimHandle[],
  dueAt: number,
  reason: DeferReason,
): Promise<number> {
  let deferred = 0;
  for (const claim of claims) {
    transition('claimed', 'retry_later');
    // A mark that arrived meanwhile reset nothing here; the generation stays, so the change is kept.
    deferred += await db<dirty.DirtyRow>(dirty.DIRTY)
      .where({ id: claim.id, state: 'claimed', claim_token: claim.claimToken })
      .update({
        state: 'pending',
        claimed_by: null,
        claim_token: null,
        claimed_until: null,
        next_attempt_at: dueAt,
        attempts: db.raw('CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END') as unknown as number,
        last_error_code: reason.code.slice(0, 64),
        last_error: reason.message,
      });
  }
  return deferred;
}
