/**
 * What happens to a link before any field is compared: deletes (never propagated as deletes; the link is
 * tombstoned, which also stops the record being re-created), restores inside the grace period, merges on
 * either side (the link moves to the survivor), and Lead conversion (the link moves to the Contact; a
 * converted Lead is never written to).
 *
 * A plan that moves the link ends there: the caller applies the link change, reads the records the link
 * now points at, and plans again.
 */
import { makeFailure } from '../failures';
import type { Link, Side } from '../records';
import { sideLabel } from '../records';
import { emptyPlan, finish, newDraft } from './draft';
import type { LinkedInput, PlanContext, SyncPlan } from './types';

const DAY_MS = 86_400_000;

export type LifecycleResult =
  | { readonly kind: 'done'; readonly plan: SyncPlan }
  | { readonly kind: 'restore'; readonly restoredSide: Side }
  | { readonly kind: 'continue' };

interface Gone {
  readonly hubspot: boolean;
  readonly salesforce: boolean;
}

/** The side recorded on the tombstone; when both went at once, HubSpot's (restoring needs both anyway). */
function deletedSide(gone: Gone): Side {
  return gone.hubspot ? 'hubspot' : 'salesforce';
}

function whereDeleted(gone: Gone): string {
  return gone.hubspot && gone.salesforce ? 'both HubSpot and Salesforce' : sideLabel(deletedSide(gone));
}

function linkEvent(plan: {
  outcome: SyncPlan['outcome'];
  summary: string;
  change: SyncPlan['linkChanges'][number];
  action: SyncPlan['audit'][number]['action'];
  reason: string;
}): LifecycleResult {
  const draft = newDraft();
  draft.linkChanges.push(plan.change);
  draft.audit.push({
    action: plan.action,
    fieldKey: null,
    direction: 'none',
    rule: null,
    before: null,
    after: null,
    reason: plan.reason,
    message: plan.summary,
  });
  return { kind: 'done', plan: finish(draft, { outcome: plan.outcome, summary: plan.summary }) };
}

function tombstoned(link: Link, context: PlanContext, gone: Gone): LifecycleResult {
  const tombstone = link.tombstone;
  if (gone.hubspot || gone.salesforce) {
    // Still deleted: nothing new happened, so nothing is audited.
    const summary = `Deleted in ${whereDeleted(gone)}; this link is tombstoned and nothing syncs.`;
    return { kind: 'done', plan: emptyPlan('tombstoned', summary) };
  }
  const restoredSide = tombstone?.deletedSide ?? 'hubspot';
  const graceMs = context.settings.deletes.graceDays * DAY_MS;
  if (tombstone && context.nowMs - tombstone.atMs > graceMs) {
    const summary = `Restored in ${sideLabel(restoredSide)} after the ${context.settings.deletes.graceDays}-day grace period; the link stays tombstoned until a person restores it.`;
    return {
      kind: 'done',
      plan: emptyPlan('tombstoned', summary, [
        {
          action: 'link_restored',
          fieldKey: null,
          direction: 'none',
          rule: null,
          before: null,
          after: null,
          reason: 'restored_after_grace_period',
          message: summary,
        },
      ]),
    };
  }
  return { kind: 'restore', restoredSide };
}

export function planLifecycle(input: LinkedInput, context: PlanContext): LifecycleResult {
  const { link, hubspot, salesforce } = input;
  const gone: Gone = {
    hubspot: !hubspot || hubspot.archived,
    salesforce: !salesforce || salesforce.isDeleted,
  };
  if (link.state === 'tombstoned') {
    const result = tombstoned(link, context, gone);
    // Restored and then converted while its link was tombstoned: a converted Lead is never written to, so
    // the link follows the conversion (below) instead of coming back. Likewise restored after its HubSpot
    // record was merged into another: the link follows the merge to the survivor, which waited for it.
    const mergedInHubspot = hubspot !== null && hubspot.id !== link.hubspot.id;
    if (result.kind !== 'restore' || (!salesforce?.conversion && !mergedInHubspot)) return result;
  }

  if (salesforce?.isDeleted && salesforce.masterRecordId) {
    return linkEvent({
      outcome: 'merged',
      summary: `The Salesforce ${salesforce.type} was merged into ${salesforce.masterRecordId}; the link moves to the surviving record.`,
      change: { kind: 'merge', linkId: link.id, side: 'salesforce', survivorId: salesforce.masterRecordId },
      action: 'link_merged',
      reason: 'salesforce_merge',
    });
  }
  if (hubspot && !hubspot.archived && hubspot.id !== link.hubspot.id) {
    return linkEvent({
      outcome: 'merged',
      summary: `The HubSpot record ${link.hubspot.id} was merged into ${hubspot.id}; the link moves to the surviving record.`,
      change: { kind: 'merge', linkId: link.id, side: 'hubspot', survivorId: hubspot.id },
      action: 'link_merged',
      reason: 'hubspot_merge',
    });
  }
  if (gone.hubspot || gone.salesforce) {
    const side = deletedSide(gone);
    return linkEvent({
      outcome: 'tombstoned',
      summary: `Deleted in ${whereDeleted(gone)}. Deletes are not copied to the other system: the link is tombstoned for ${context.settings.deletes.graceDays} days, and a restore inside that time makes it active again.`,
      change: { kind: 'tombstone', linkId: link.id, deletedSide: side, atMs: context.nowMs },
      action: 'link_tombstoned',
      reason: gone.hubspot && gone.salesforce ? 'deleted_in_both' : `deleted_in_${side}`,
    });
  }
  if (salesforce && salesforce.type === 'Lead' && salesforce.conversion) {
    const { convertedContactId, convertedAccountId, convertedOpportunityId } = salesforce.conversion;
    if (!convertedContactId) {
      const draft = newDraft();
      draft.failures.push(
        makeFailure('converted_lead', 'converted_lead_without_contact', {
          side: 'salesforce',
          object: 'Lead',
          detail: 'Salesforce gave no Contact for it',
        }),
      );
      return {
        kind: 'done',
        plan: finish(draft, {
          outcome: 'skipped',
          summary: 'The Lead was converted, but Salesforce names no Contact; nothing syncs until it does.',
        }),
      };
    }
    return linkEvent({
      outcome: 'lead_converted',
      summary: `The Salesforce Lead was converted to Contact ${convertedContactId}; the link moves to the Contact and the Lead is no longer written to.`,
      change: {
        kind: 'lead_converted',
        linkId: link.id,
        leadId: salesforce.id,
        contactId: convertedContactId,
        accountId: convertedAccountId,
        opportunityId: convertedOpportunityId,
      },
      action: 'lead_converted',
      reason: 'lead_converted',
    });
  }
  return { kind: 'continue' };
}
