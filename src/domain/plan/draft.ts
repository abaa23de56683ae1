/**
 * The plan being assembled. The planner's steps append to one draft, then `finish` freezes it into a
 * SyncPlan with its outcome and summary.
 */
import type { SyncFailure } from '../failures';
import type { HubspotObjectType, SalesforceObjectType } from '../records';
import type { SalesforceWireValue } from '../transforms/canonical';
import type {
  AssociationWait,
  AuditEntry,
  ConflictToClose,
  ConflictToOpen,
  FieldPlan,
  HubspotWrite,
  LinkChange,
  PendingMatch,
  PlanOutcome,
  SalesforceWrite,
  ShadowUpdate,
  SyncPlan,
} from './types';

export interface PlanDraft {
  readonly hubspotProperties: Record<string, string>;
  readonly salesforceFields: Record<string, SalesforceWireValue>;
  readonly shadowUpdates: ShadowUpdate[];
  readonly conflicts: ConflictToOpen[];
  readonly closeConflicts: ConflictToClose[];
  readonly linkChanges: LinkChange[];
  pendingMatch: PendingMatch | null;
  readonly fields: FieldPlan[];
  readonly audit: AuditEntry[];
  readonly failures: SyncFailure[];
  readonly waits: AssociationWait[];
}

export function newDraft(): PlanDraft {
  return {
    hubspotProperties: {},
    salesforceFields: {},
    shadowUpdates: [],
    conflicts: [],
    closeConflicts: [],
    linkChanges: [],
    pendingMatch: null,
    fields: [],
    audit: [],
    failures: [],
    waits: [],
  };
}

export function hasWrites(draft: PlanDraft): boolean {
  return Object.keys(draft.hubspotProperties).length > 0 || Object.keys(draft.salesforceFields).length > 0;
}

export type WriteTarget =
  | { readonly kind: 'update'; readonly id: string }
  | { readonly kind: 'create'; readonly upsertBy: { readonly key: string; readonly value: string } | null };

export interface FinishArgs {
  readonly outcome: PlanOutcome;
  readonly summary: string;
  readonly hubspot?: { readonly objectType: HubspotObjectType; readonly target: WriteTarget };
  readonly salesforce?: { readonly type: SalesforceObjectType; readonly target: WriteTarget };
}

function hubspotWrite(draft: PlanDraft, args: FinishArgs): HubspotWrite | null {
  if (!args.hubspot || Object.keys(draft.hubspotProperties).length === 0) return null;
  const { objectType, target } = args.hubspot;
  const properties = { ...draft.hubspotProperties };
  if (target.kind === 'update') return { kind: 'update', objectType, id: target.id, properties };
  const upsertBy = target.upsertBy && { property: target.upsertBy.key, value: target.upsertBy.value };
  return { kind: 'create', objectType, properties, upsertBy };
}

function salesforceWrite(draft: PlanDraft, args: FinishArgs): SalesforceWrite | null {
  if (!args.salesforce || Object.keys(draft.salesforceFields).length === 0) return null;
  const { type, target } = args.salesforce;
  const fields = { ...draft.salesforceFields };
  if (target.kind === 'update') return { kind: 'update', type, id: target.id, fields };
  const upsertBy = target.upsertBy && { field: target.upsertBy.key, value: target.upsertBy.value };
  return { kind: 'create', type, fields, upsertBy };
}

export function finish(draft: PlanDraft, args: FinishArgs): SyncPlan {
  return {
    outcome: args.outcome,
    summary: args.summary,
    hubspotWrite: hubspotWrite(draft, args),
    salesforceWrite: salesforceWrite(draft, args),
    shadowUpdates: draft.shadowUpdates,
    conflicts: draft.conflicts,
    closeConflicts: draft.closeConflicts,
    linkChanges: draft.linkChanges,
    pendingMatch: draft.pendingMatch,
    fields: draft.fields,
    audit: draft.audit,
    failures: draft.failures,
    waits: draft.waits,
  };
}

/** A plan that does nothing but say why. */
export function emptyPlan(outcome: PlanOutcome, summary: string, audit: AuditEntry[] = []): SyncPlan {
  const draft = newDraft();
  draft.audit.push(...audit);
  return finish(draft, { outcome, summary });
}
