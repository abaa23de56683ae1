/**
 * From a plan to the writes the batch sends: the planned values, plus what the bridge keeps on each side
 * on its own account (the delete flags and, on the HubSpot contact, the app properties: linked record,
 * link to it, sync status, last synced). The HubSpot side is composed after the Salesforce writes have
 * answered, so it can carry the id of a record just created there and say whether the write failed.
 */
import { salesforceDeleteFlagOf } from '../domain/deletes';
import type { SyncPlan } from '../domain/planner';
import { APP_PROPERTY, appPropertyChanges, type SyncStatus } from './appProperties';
import type { BatchContext } from './context';
import type { SalesforceObjectType } from '../domain/records';
import type { Unit } from './unit';
import { plannedSalesforceWrite, type UnitWrites } from './writes';

/** The link becomes tombstoned by this plan, not "still tombstoned". */
function newlyTombstoned(plan: SyncPlan): { deletedSide: 'hubspot' | 'salesforce' } | null {
  const change = plan.linkChanges.find((candidate) => candidate.kind === 'tombstone');
  return change?.kind === 'tombstone' ? { deletedSide: change.deletedSide } : null;
}

/**
 * The link syncs again (restored inside the grace period, or relinked by an admin after it): the marks a
 * delete left on either side go.
 */
function clearsDeleteMarks(plan: SyncPlan): boolean {
  return plan.outcome === 'restored' || plan.outcome === 'synced' || plan.outcome === 'in_sync';
}

export function composeSalesforce(
  context: BatchContext,
  unit: Unit,
  plan: SyncPlan,
): UnitWrites['salesforce'] {
  const write = plannedSalesforceWrite(plan);
  const flag = salesforceDeleteFlagOf(context.settings);
  const record = unit.salesforce;
  // Only where the flag was read with the record: the objects that carry it (Leads and Contacts).
  // Never on a converted Lead: Salesforce refuses every write to one, and each refusal sends the unit round again.
  if (!flag || !record || record.isDeleted || record.conversion || !(flag in record.fields)) return write;
  const tombstone = newlyTombstoned(plan);
  const flagged = record.fields[flag] === true;
  let value: boolean | null = null;
  if (tombstone?.deletedSide === 'hubspot' && !flagged) value = true;
  if (clearsDeleteMarks(plan) && flagged) value = false;
  if (value === null) return write;
  if (write?.kind === 'update') return { ...write, fields: { ...write.fields, [flag]: value } };
  if (write) return write;
  return {
    kind: 'update',
    type: record.type as SalesforceObjectType,
    id: record.id,
    fields: { [flag]: value },
  };
}

function statusOf(unit: Unit, writes: UnitWrites): SyncStatus | null {
  const { plan } = writes;
  const salesforce = writes.outcomes.salesforce;
  switch (plan.outcome) {
    case 'awaiting_match':
      return 'pending';
    case 'blocked':
      return 'error';
    case 'out_of_scope':
      return unit.link ? 'excluded' : null;
    case 'not_created':
    case 'skipped':
    case 'paused':
    case 'object_disabled':
    case 'merged':
    case 'lead_converted':
      return null;
    case 'tombstoned':
      return newlyTombstoned(plan)?.deletedSide === 'salesforce' ? 'deleted_in_salesforce' : null;
    default:
      break;
  }
  if (plan.failures.length > 0 || (salesforce && !salesforce.ok)) return 'error';
  const closed = new Set(plan.closeConflicts.map((conflict) => conflict.key));
  const open = unit.openConflicts.filter((conflict) => !closed.has(conflict.fieldKey));
  return open.length > 0 || plan.conflicts.length > 0 ? 'conflict' : 'synced';
}

/** The Salesforce record the HubSpot contact is (now) linked to. */
function linkedSalesforce(unit: Unit, writes: UnitWrites): { type: SalesforceObjectType; id: string } | null {
  for (const change of writes.plan.linkChanges) {
    if (change.kind === 'link')
      return { type: change.salesforce.type as SalesforceObjectType, id: change.salesforce.id };
    if (change.kind === 'link_created' && change.created === 'salesforce') {
      const outcome = writes.outcomes.salesforce;
      return outcome?.ok ? { type: change.salesforce.type as SalesforceObjectType, id: outcome.id } : null;
    }
  }
  if (unit.link)
    return { type: unit.link.salesforceObjectType as SalesforceObjectType, id: unit.link.salesforceId };
  const created = writes.plan.hubspotWrite?.kind === 'create' ? unit.salesforce : null;
  return created ? { type: created.type as SalesforceObjectType, id: created.id } : null;
}

export function composeHubspot(context: BatchContext, writes: UnitWrites): UnitWrites['hubspot'] {
  const { unit, plan } = writes;
  const salesforce = writes.outcomes.salesforce;
  // A write Salesforce refused because the Lead was converted: the next round follows the conversion.
  if (
    salesforce &&
    !salesforce.ok &&
    'failure' in salesforce &&
    salesforce.failure.category === 'converted_lead'
  ) {
    return null;
  }
  const planned = plan.hubspotWrite;
  const current = planned?.kind === 'create' ? null : unit.hubspot;
  if (planned?.kind !== 'create' && (!current || current.archived)) return null;
  const status = statusOf(unit, writes);
  if (status === null && !planned) return null;
  const tombstone = newlyTombstoned(plan);
  const deletedAtMs =
    tombstone?.deletedSide === 'salesforce'
      ? context.now()
      : current?.properties[APP_PROPERTY.deletedAt] && !clearsDeleteMarks(plan)
        ? Date.parse(current.properties[APP_PROPERTY.deletedAt] ?? '') || context.now()
        : null;
  const changes =
    status === null
      ? {}
      : appPropertyChanges(
          current ?? null,
          { salesforce: linkedSalesforce(unit, writes), status, deletedAtMs },
          {
            instanceUrl: context.instanceUrl,
            nowMs: context.now(),
            // A Salesforce-only write does not add a HubSpot call just to move "last synced".
            writingAnyway: planned !== null,
          },
        );
  const properties = { ...(planned?.properties ?? {}), ...changes };
  if (Object.keys(properties).length === 0) return null;
  if (planned?.kind === 'create') {
    const upsertBy = planned.upsertBy;
    if (!upsertBy) return null;
    return { kind: 'create', properties, upsertProperty: upsertBy.property, key: upsertBy.value };
  }
  return { kind: 'update', id: planned?.id ?? (current?.id as string), properties };
}
