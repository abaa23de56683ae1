/**
 * How a unit leaves a round, and the one place its dirty rows are settled.
 *
 * Every stage ends some units early (another worker holds them, an echo, a privacy deletion, a create that
 * may still land, a link that could not move) and says so as a `Verdict`; the batch concludes them right
 * after the stage. The record stage settles the units it records with `settleUnit`, inside the transaction
 * that records them. Either way the rows are settled by src/queue/settle.ts `settleClaims` as decided by
 * src/domain/settlement.ts.
 */
import type { Knex } from 'knex';
import * as dirty from '../../db/dirty';
import * as failures from '../../db/failures';
import type { RecordRef } from '../../db/recordRefs';
import type { Settlement } from '../../domain/settlement';
import type { ClaimedItem } from '../../queue/claim';
import { settleClaims } from '../../queue/settle';
import { BRIDGE_ACTOR, type BatchContext } from '../context';
import { purgePrivacyDeleted } from '../privacy';
import type { StoredUnit, WorkEntry } from '../unit';

export type Verdict =
  /** The unit's rows end as decided; an echo is counted as one. */
  | {
      readonly kind: 'settle';
      readonly unit: StoredUnit;
      readonly settlement: Settlement;
      readonly echo?: boolean;
    }
  /** A privacy deletion in HubSpot: what the bridge stores about the person goes (src/sync/privacy.ts). */
  | { readonly kind: 'purge'; readonly unit: StoredUnit }
  /** The unit goes another round (its link moved, or it touches a record another unit of the round touches). */
  | { readonly kind: 'again'; readonly entry: WorkEntry };

/** What concluding units did: the rows settled, the work for the next round, and counts. */
export interface Concluded {
  readonly settled: readonly ClaimedItem[];
  readonly next: readonly WorkEntry[];
  readonly summary: BatchSummary;
}

export interface BatchSummary {
  /** Units planned and recorded (including those with nothing to write). */
  readonly synced: number;
  /** Units settled by the echo test, without reading the other side. */
  readonly echoes: number;
  /** Dirty rows put back without counting an attempt (budget, contention, paused). */
  readonly deferred: number;
  /** Dirty rows failed (retry scheduled or moved to failures). */
  readonly failed: number;
}

export const EMPTY_SUMMARY: BatchSummary = { synced: 0, echoes: 0, deferred: 0, failed: 0 };

export function addSummaries(a: BatchSummary, b: BatchSummary): BatchSummary {
  return {
    synced: a.synced + b.synced,
    echoes: a.echoes + b.echoes,
    deferred: a.deferred + b.deferred,
    failed: a.failed + b.failed,
  };
}

/** The counts a settlement of `rows` rows adds. */
export function countOf(settlement: Settlement, rows: number): BatchSummary {
  return {
    ...EMPTY_SUMMARY,
    deferred: settlement.kind === 'defer' ? rows : 0,
    failed: settlement.kind === 'fail' ? rows : 0,
  };
}

export function concluded(parts: readonly Concluded[]): Concluded {
  return {
    settled: parts.flatMap((part) => part.settled),
    next: parts.flatMap((part) => part.next),
    summary: parts.reduce((sum, part) => addSummaries(sum, part.summary), EMPTY_SUMMARY),
  };
}

/** The records whose open failures a completed unit resolves: its rows' records and its link's two. */
function recordsOf(unit: StoredUnit): RecordRef[] {
  const records = new Map<string, RecordRef>();
  for (const item of unit.items) records.set(JSON.stringify(item.record), item.record);
  if (unit.link) {
    records.set('h', {
      side: 'hubspot',
      objectType: unit.link.hubspotObjectType,
      recordId: unit.link.hubspotId,
    });
    records.set('s', {
      side: 'salesforce',
      objectType: unit.link.salesforceObjectType,
      recordId: unit.link.salesforceId,
    });
  }
  return [...records.values()];
}

/** Settles a unit's rows inside the caller's transaction; returns the rows settled (none when carried on). */
export async function settleUnit(
  trx: Knex.Transaction,
  context: BatchContext,
  unit: StoredUnit,
  settlement: Settlement,
  linkId: string | null,
  nowMs: number,
): Promise<readonly ClaimedItem[]> {
  const { installationId, logger, policy } = context;
  if (settlement.kind === 'complete') {
    for (const record of recordsOf(unit)) {
      await failures.resolveForRecord(trx, installationId, record, { resolvedBy: BRIDGE_ACTOR, now: nowMs });
    }
    if (settlement.alsoMark) {
      await dirty.mark(
        trx,
        { installationId, record: settlement.alsoMark as RecordRef, source: 'dependency' },
        nowMs,
      );
    }
  }
  await settleClaims(trx, unit.items, settlement, {
    now: nowMs,
    maxAttempts: policy.maxAttempts,
    backoff: policy.backoff,
    random: policy.random,
    logger,
    linkId,
    metrics: context.metrics,
  });
  return settlement.kind === 'carry' ? [] : unit.items;
}

async function purge(context: BatchContext, unit: StoredUnit): Promise<void> {
  await purgePrivacyDeleted(context, unit, async (trx) => {
    await settleUnit(trx, context, unit, { kind: 'complete' }, unit.link?.id ?? null, context.now());
  });
}

/** Carries out the verdicts of a stage, one unit (and one transaction) at a time. */
export async function conclude(context: BatchContext, verdicts: readonly Verdict[]): Promise<Concluded> {
  const parts: Concluded[] = [];
  for (const verdict of verdicts) {
    switch (verdict.kind) {
      case 'again':
        parts.push({ settled: [], next: [verdict.entry], summary: EMPTY_SUMMARY });
        break;
      case 'purge':
        await purge(context, verdict.unit);
        parts.push({ settled: verdict.unit.items, next: [], summary: { ...EMPTY_SUMMARY, synced: 1 } });
        break;
      case 'settle': {
        const { unit, settlement } = verdict;
        const settled = await context.db.transaction((trx) =>
          settleUnit(trx, context, unit, settlement, unit.link?.id ?? null, context.now()),
        );
        const counts = countOf(settlement, unit.items.length);
        parts.push({ settled, next: [], summary: { ...counts, echoes: verdict.echo ? 1 : 0 } });
        break;
      }
    }
  }
  return concluded(parts);
}
