/**
 * Asking the planner about a unit, and what the worker needs to know about the answer: whether it needs
 * HubSpot's per-property change times, which records it touches, and whether it ended in a state that
 * deserves a failure row.
 */
import { emptyPlan } from '../domain/plan/draft';
import { planSync, type PlanContext, type PlanInput, type SyncPlan } from '../domain/planner';
import type { HubspotRecord, SalesforceRecord } from '../domain/records';
import type { BatchContext } from './context';
import { recordLockKey } from './locks';
import { domainLink, unitRecords, type Unit } from './units';

export function planContextOf(context: BatchContext): PlanContext {
  return {
    settings: context.settings,
    nowMs: context.nowMs,
    owners: context.metadata.owners,
    salesforceRequiredFields: context.metadata.requiredFields,
  };
}

function inputOf(unit: Unit): PlanInput | null {
  if (unit.link) {
    return {
      kind: 'linked',
      link: domainLink(unit.link),
      shadows: unit.shadows,
      hubspot: unit.hubspot ?? null,
      salesforce: unit.salesforce ?? null,
      openConflictKeys: unit.openConflicts.map((conflict) => conflict.fieldKey),
      resolutions: unit.resolutions,
    };
  }
  const createNew = unit.choice?.kind === 'create_new';
  if (unit.subject.side === 'hubspot') {
    if (!unit.hubspot) return null;
    return {
      kind: 'unlinked_hubspot',
      hubspot: unit.hubspot,
      candidates: createNew ? [] : (unit.candidates as SalesforceRecord[]),
      linkedSalesforceIds: createNew ? [] : unit.linkedCandidateIds,
      createdByBridge: unit.createdByBridge,
    };
  }
  if (!unit.salesforce) return null;
  return {
    kind: 'unlinked_salesforce',
    salesforce: unit.salesforce,
    candidates: createNew ? [] : (unit.candidates as HubspotRecord[]),
    linkedHubspotIds: createNew ? [] : unit.linkedCandidateIds,
  };
}

/** The plan for a unit, or null when there is nothing to plan (an unlinked record that no longer exists). */
export function planUnit(context: BatchContext, unit: Unit): SyncPlan | null {
  if (!unit.link && unit.choice?.kind === 'skip') {
    return emptyPlan('skipped', 'A person chose not to sync this record.');
  }
  const input = inputOf(unit);
  return input ? planSync(input, planContextOf(context)) : null;
}

/**
 * Whether the plan let the newer change win on a field without knowing when HubSpot's value changed
 * (records are read without property history, which halves the batch size): then it is re-read with
 * history and planned again. Rare: it takes a two-way field changed on both sides.
 */
export function needsHistory(unit: Unit, plan: SyncPlan): boolean {
  return (
    !unit.hubspotWithHistory &&
    unit.hubspot !== null &&
    unit.hubspot !== undefined &&
    plan.fields.some((field) => field.decision.reason === 'newer_wins')
  );
}

/** The lock keys of the records a unit already names (its link's, or its own). */
export function ownKeys(installationId: string, unit: Unit): string[] {
  const records = unitRecords(unit);
  return [
    ...(records.hubspotId ? [recordLockKey(installationId, 'hubspot', records.hubspotId)] : []),
    ...(records.salesforce ? [recordLockKey(installationId, 'salesforce', records.salesforce.id)] : []),
  ];
}

/** Every record key a plan touches: the unit's own, plus a record it links to. */
export function touchedKeys(installationId: string, unit: Unit, plan: SyncPlan): string[] {
  const keys = ownKeys(installationId, unit);
  for (const change of plan.linkChanges) {
    if (change.kind === 'link') {
      keys.push(recordLockKey(installationId, 'hubspot', change.hubspot.id));
      keys.push(recordLockKey(installationId, 'salesforce', change.salesforce.id));
    }
  }
  return [...new Set(keys)];
}
