/**
 * Deletes, decided: where the mark of a delete lives, when the mass-delete brake engages, and what happens
 * to a tombstoned link when its grace period ends. Pure: time and counts are arguments.
 *
 * A delete is never copied as a delete. It tombstones the link and marks the other side:
 *
 *   deleted in Salesforce ─► HubSpot contact: salesforce_sync_status = deleted_in_salesforce, salesforce_deleted_at
 *   deleted in HubSpot    ─► Salesforce Lead/Contact: the delete checkbox, where the org has it; else only the
 *                            bridge's tombstone (the card shows it)
 *
 *   tombstoned ──restore/undelete inside graceDays──► active (marks cleared, what changed meanwhile syncs)
 *       │
 *       └──graceDays end──► policy: keep_flagged          (stays marked; the link stays tombstoned)
 *                                   archive_counterpart   (the other record is archived or deleted,
 *                                                          unless it has open deals or opportunities)
 */
import type { Settings } from './settings/schema';

export const DEFAULT_SALESFORCE_DELETE_FLAG = 'HubSpot_Deleted__c';
export const DAY_MS = 86_400_000;
export const BRAKE_WINDOW_MS = 60 * 60_000;

/** The Salesforce checkbox the settings ask for (before checking the org has it), or null when off. */
export function salesforceDeleteFlagOf(settings: Settings): string | null {
  if (settings.deletes.salesforceFlag === 'off') return null;
  return settings.deletes.salesforceFlagField ?? DEFAULT_SALESFORCE_DELETE_FLAG;
}

/**
 * How many deletes from one side an hour the brake lets through: the smaller of `maxPerHour` and
 * `linkedPercent` of the linked records, rounded up, but never fewer than `minPerHour`.
 */
export function brakeThreshold(brake: Settings['deletes']['brake'], linkedRecords: number): number {
  const share = Math.ceil((brake.linkedPercent / 100) * Math.max(0, linkedRecords));
  return Math.max(brake.minPerHour, Math.min(brake.maxPerHour, share));
}

export interface BrakeFacts {
  /** Deletes from this side handled (tombstoned) within the last hour, before this batch. */
  readonly handledInWindow: number;
  /** Deletes from this side this batch would handle now. */
  readonly arriving: number;
  /** Deletes already held for review (from either side): the brake is on until an admin decides. */
  readonly held: number;
  readonly threshold: number;
}

export type BrakeDecision =
  { readonly kind: 'pass' } | { readonly kind: 'hold'; readonly reason: 'brake_on' | 'threshold_exceeded' };

/** Whether this batch's deletes go through or wait for an admin. */
export function decideBrake(facts: BrakeFacts): BrakeDecision {
  if (facts.arriving === 0) return { kind: 'pass' };
  if (facts.held > 0) return { kind: 'hold', reason: 'brake_on' };
  if (facts.handledInWindow + facts.arriving > facts.threshold) {
    return { kind: 'hold', reason: 'threshold_exceeded' };
  }
  return { kind: 'pass' };
}

/** When a tombstone's grace period ends. */
export function graceEndsAtMs(tombstonedAtMs: number, graceDays: number): number {
  return tombstonedAtMs + graceDays * DAY_MS;
}

export type ExpiryOutcome = 'kept' | 'archived' | 'kept_open_deals' | 'kept_gone';

export interface ExpiryFacts {
  readonly policy: Settings['deletes']['policy'];
  /** The counterpart (the record on the side that was not deleted) still exists. */
  readonly counterpartExists: boolean;
  /** Open deals (HubSpot) or open opportunities (Salesforce) tied to the counterpart. */
  readonly openDeals: number;
}

/** What the policy does with the counterpart once the grace period has ended. */
export function decideExpiry(facts: ExpiryFacts): { outcome: ExpiryOutcome; reason: string } {
  if (facts.policy === 'keep_flagged') {
    return { outcome: 'kept', reason: 'The policy keeps the other record, marked as deleted.' };
  }
  if (!facts.counterpartExists) {
    return { outcome: 'kept_gone', reason: 'The other record no longer exists; nothing to archive.' };
  }
  if (facts.openDeals > 0) {
    return {
      outcome: 'kept_open_deals',
      reason: `The other record has ${facts.openDeals} open ${facts.openDeals === 1 ? 'deal' : 'deals'}, so it is kept, marked as deleted.`,
    };
  }
  return { outcome: 'archived', reason: 'The grace period ended and the policy archives the other record.' };
}
