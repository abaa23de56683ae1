/**
 * Settling a batch's units outside the recording of a plan (echoes, contention, privacy purges) and keeping
 * count of which dirty rows are settled, so that an error that stops the batch settles only the rest.
 */
import * as linkLifecycle from '../db/linkLifecycle';
import * as pendingMatches from '../db/pendingMatches';
import type { ClaimedItem } from '../queue/claim';
import { BRIDGE_ACTOR, type BatchContext } from './context';
import { settle, type Settlement } from './recordOutcome';
import type { Unit } from './units';

export interface BatchSummary {
  /** Units planned and recorded (including those with nothing to write). */
  synced: number;
  /** Units settled by the echo test, without reading the other side. */
  echoes: number;
  /** Dirty rows put back without counting an attempt (budget, contention, paused). */
  deferred: number;
  /** Dirty rows failed (retry scheduled or moved to failures). */
  failed: number;
}

export class SettledTracker {
  readonly ids = new Set<number>();
  readonly summary: BatchSummary = { synced: 0, echoes: 0, deferred: 0, failed: 0 };

  count(settlement: Settlement, rows: number): void {
    if (settlement.kind === 'defer') this.summary.deferred += rows;
    if (settlement.kind === 'fail') this.summary.failed += rows;
  }

  mark(items: readonly ClaimedItem[]): void {
    for (const item of items) this.ids.add(item.id);
  }
}

/** Settles a unit outside any recording (deferred on contention, or echoes). */
export async function settleUnit(
  context: BatchContext,
  unit: Unit,
  settlement: Settlement,
  tracker: SettledTracker,
): Promise<void> {
  await context.db.transaction((trx) =>
    settle(trx, context, unit, settlement, unit.link?.id ?? null, context.now()),
  );
  tracker.count(settlement, unit.items.length);
  if (settlement.kind !== 'carry') tracker.mark(unit.items);
}

/** A GDPR deletion in HubSpot: what the bridge stores about the person goes; the link stays to block re-creation. */
export async function purgeForPrivacy(
  context: BatchContext,
  unit: Unit,
  tracker: SettledTracker,
): Promise<void> {
  await context.db.transaction(async (trx) => {
    const nowMs = context.now();
    if (unit.link && unit.link.state !== 'purged') {
      await linkLifecycle.change(
        trx,
        context.installationId,
        unit.link.id,
        { kind: 'purge' },
        {
          now: nowMs,
          actor: BRIDGE_ACTOR,
          reason: 'privacy deletion in HubSpot',
          correlationId: context.correlationId,
        },
      );
    }
    await pendingMatches.dismissForRecord(trx, context.installationId, unit.subject, {
      resolvedBy: BRIDGE_ACTOR,
      now: nowMs,
    });
    await settle(trx, context, unit, { kind: 'complete' }, unit.link?.id ?? null, nowMs);
  });
  tracker.mark(unit.items);
  tracker.summary.synced += 1;
}
