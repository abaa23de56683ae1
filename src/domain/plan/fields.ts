/**
 * Field by field: read both sides through the field's transform, let the ownership rule decide, and turn
 * the decision into wire values, shadow updates, conflicts, failures and audit lines.
 */
import type { FailureCategory } from '../failures';
import { makeFailure } from '../failures';
import type { FieldDecision } from '../ownership';
import { decideField } from '../ownership';
import type { HubspotRecord, SalesforceObjectType, SalesforceRecord, Side } from '../records';
import { sideLabel } from '../records';
import { assertNever } from '../result';
import type { FieldMapping, ObjectSettings } from '../settings/schema';
import { fieldLabel } from '../settings/schema';
import type {
  CanonicalValue,
  FieldTransform,
  Observed,
  TransformFailure,
  TransformFailureCode,
} from '../transforms/canonical';
import {
  displayCanonical,
  displayObserved,
  observed,
  observedEquals,
  observedToJson,
} from '../transforms/canonical';
import type { TransformContext } from '../transforms/index';
import { createTransform } from '../transforms/index';
import { DEAL_PIPELINE_PROPERTY, RECORD_TYPE_ID_FIELD, stagePipelineFor } from '../transforms/stages';
import type { PlanDraft } from './draft';
import type { ConflictResolution, FieldPlan, ShadowMap } from './types';
import { describeDecision } from './wording';

export interface FieldSyncArgs {
  readonly objectSettings: ObjectSettings;
  /** null while creating the HubSpot record. */
  readonly hubspot: HubspotRecord | null;
  /** null while creating the Salesforce record. */
  readonly salesforce: SalesforceRecord | null;
  /** The Salesforce object of the existing or new record. */
  readonly salesforceType: SalesforceObjectType;
  readonly shadows: ShadowMap;
  readonly creating: Side | null;
  readonly resolutions: Readonly<Record<string, ConflictResolution>>;
  readonly openConflictKeys: readonly string[];
  readonly transformContext: TransformContext;
}

const BLANK: Observed = { kind: 'value', value: null };

function categoryOf(code: TransformFailureCode): FailureCategory {
  switch (code) {
    case 'no_mapping':
      return 'picklist_value_not_allowed';
    case 'invalid_value':
    case 'owner_not_found':
    case 'owner_inactive':
      return 'validation';
    case 'association_unlinked':
      return 'not_found';
    default:
      return assertNever(code, 'transform failure');
  }
}

export function salesforceFieldOf(mapping: FieldMapping, type: SalesforceObjectType): string | null {
  return (mapping.salesforceFields as Partial<Record<SalesforceObjectType, string | null>>)[type] ?? null;
}

interface FieldContext {
  readonly ownerFallback?: TransformContext['ownerFallback'];
  readonly assignedOwners?: TransformContext['assignedOwners'];
  /** The side being created, whose record does not exist yet. */
  readonly creating: Side | null;
  readonly mapping: FieldMapping;
  readonly label: string;
  readonly salesforceField: string;
  readonly transform: FieldTransform;
  readonly hubspot: Observed;
  readonly salesforce: Observed;
  /** Each side's value as read, before a stand-in owner is taken for the owner it stands for. */
  readonly read: Readonly<Record<Side, Observed>>;
  readonly draft: PlanDraft;
}

/** The failure a field's value meets on its way to `to`, as the card shows it. */
function failureOf(field: FieldContext, to: Side, failure: TransformFailure) {
  const code = failure.code;
  return makeFailure(
    categoryOf(code),
    code,
    {
      side: to,
      field: field.label,
      value: failure.raw,
      // A stage's "no mapping" says which pipeline lacks it: the same StageName maps in one and not another.
      ...(code === 'no_mapping' && field.mapping.transform.kind !== 'stages'
        ? {}
        : { detail: failure.reason }),
    },
    { fieldKey: field.mapping.key, details: { raw: failure.raw, reason: failure.reason } },
  );
}

function fail(field: FieldContext, to: Side, failure: TransformFailure): string {
  const code = failure.code;
  if (code === 'association_unlinked') {
    // The company or Account at the other end is not linked yet: nothing is written, and the record syncs
    // again once that link is made (never a dangling or a wrong id, and not a failure).
    const waitingOn: Side = to === 'hubspot' ? 'salesforce' : 'hubspot';
    field.draft.waits.push({ fieldKey: field.mapping.key, side: waitingOn, recordId: failure.raw });
    field.draft.audit.push({
      action: 'field_waiting',
      fieldKey: field.mapping.key,
      direction: to === 'hubspot' ? 'to_hubspot' : 'to_salesforce',
      rule: field.mapping.rule,
      before: null,
      after: null,
      reason: code,
      message: `${field.label}: ${failure.raw} ${failure.reason}; it is written to ${sideLabel(to)} once it is.`,
    });
    return 'association_waiting';
  }
  field.draft.failures.push(failureOf(field, to, failure));
  field.draft.audit.push({
    action: 'field_failed',
    fieldKey: field.mapping.key,
    direction: to === 'hubspot' ? 'to_hubspot' : 'to_salesforce',
    rule: field.mapping.rule,
    before: null,
    after: null,
    reason: code,
    message: `${field.label}: "${failure.raw}" ${failure.reason}; not written to ${sideLabel(to)}.`,
  });
  return code;
}

/** The default owner's email on `to`, for an owner that has no counterpart there (null: none set). */
function ownerFallbackOf(field: FieldContext, to: Side): string | null {
  if (field.mapping.transform.kind !== 'owner') return null;
  return field.ownerFallback?.[to] ?? null;
}

/** Whether `to` holds (or, being created, will hold) an owner it gave the record by itself, or the default. */
function holdsStandIn(field: FieldContext, to: Side): boolean {
  if (field.creating === to) return true;
  const current = field.read[to];
  return current.kind === 'value' && isStandIn(current.value, to, field);
}

/** Puts one value on the wire toward `to`. Returns a failure code, or null when written. */
function write(
  field: FieldContext,
  to: Side,
  value: Observed,
  shadowRequires: readonly Side[] | 'no_shadow',
): string | null {
  if (value.kind === 'unrepresentable') return fail(field, to, value.failure);
  const toWire = (canonical: Observed & { kind: 'value' }) =>
    to === 'hubspot'
      ? field.transform.toHubspot(canonical.value)
      : field.transform.toSalesforce(canonical.value);
  let wire = toWire(value);
  const fallback = ownerFallbackOf(field, to);
  if (
    !wire.ok &&
    fallback !== null &&
    (wire.error.code === 'owner_not_found' || wire.error.code === 'owner_inactive')
  ) {
    // The owner has no counterpart there: the admin's default owner takes the record. The shadow keeps the
    // owner it stands for, so the default is never copied back over the real owner.
    const instead = toWire({ kind: 'value', value: fallback });
    if (instead.ok) {
      field.draft.audit.push({
        action: 'field_written',
        fieldKey: field.mapping.key,
        direction: to === 'hubspot' ? 'to_hubspot' : 'to_salesforce',
        rule: field.mapping.rule,
        before: null,
        after: fallback,
        reason: 'default_owner',
        message: `${field.label}: "${wire.error.raw}" ${wire.error.reason}; the default owner ${fallback} was set in ${sideLabel(to)} instead.`,
      });
      wire = instead;
    }
  }
  if (!wire.ok) {
    if (
      field.mapping.transform.kind === 'owner' &&
      shadowRequires !== 'no_shadow' &&
      (wire.error.code === 'owner_not_found' || wire.error.code === 'owner_inactive') &&
      holdsStandIn(field, to)
    ) {
      // The owner stays as it is over there, which is only what that side gave the record by itself: the
      // shadow keeps the owner it answers to, so that this is never taken for a change and copied back (see
      // standInFor). An owner a person chose over there keeps its shadow, and a change of it still goes over.
      field.draft.shadowUpdates.push({ key: field.mapping.key, value: value.value, requiresWrites: [] });
    }
    return fail(field, to, wire.error);
  }
  if (to === 'hubspot') field.draft.hubspotProperties[field.mapping.hubspotProperty] = wire.value as string;
  else field.draft.salesforceFields[field.salesforceField] = wire.value;
  if (shadowRequires !== 'no_shadow') {
    field.draft.shadowUpdates.push({
      key: field.mapping.key,
      value: value.value,
      requiresWrites: shadowRequires,
    });
  }
  return null;
}

function audit(field: FieldContext, decision: FieldDecision, message: string): void {
  const to = decision.action === 'write' ? decision.to : null;
  const before = to === 'hubspot' ? field.hubspot : to === 'salesforce' ? field.salesforce : null;
  field.draft.audit.push({
    action:
      decision.action === 'conflict'
        ? 'conflict_opened'
        : decision.action === 'write'
          ? 'field_written'
          : 'field_agreed',
    fieldKey: field.mapping.key,
    direction: to === null ? 'none' : to === 'hubspot' ? 'to_hubspot' : 'to_salesforce',
    rule: field.mapping.rule,
    before: before && observedToJson(before),
    after: decision.action === 'write' ? observedToJson(decision.value) : null,
    reason: decision.reason,
    message,
  });
}

function chosenValue(field: FieldContext, resolution: ConflictResolution): Observed {
  if (resolution.keep === 'value') return { kind: 'value', value: resolution.value };
  return resolution.keep === 'hubspot' ? field.hubspot : field.salesforce;
}

function applyResolution(
  field: FieldContext,
  resolution: ConflictResolution,
): FieldPlan['decision'] & { failureCode: string | null } {
  const chosen = chosenValue(field, resolution);
  const targets = (['hubspot', 'salesforce'] as const).filter(
    (side) => !observedEquals(chosen, side === 'hubspot' ? field.hubspot : field.salesforce),
  );
  let failureCode: string | null = null;
  for (const side of targets) failureCode = write(field, side, chosen, 'no_shadow') ?? failureCode;
  // One shadow for the chosen value, recorded once every write it needs has gone through.
  if (failureCode === null && chosen.kind === 'value') {
    field.draft.shadowUpdates.push({ key: field.mapping.key, value: chosen.value, requiresWrites: targets });
  }
  // One audit line per system written (or one saying nothing needed writing).
  for (const direction of targets.length > 0
    ? targets.map((side) => `to_${side}` as const)
    : (['none'] as const)) {
    field.draft.audit.push({
      action: 'conflict_resolved',
      fieldKey: field.mapping.key,
      direction,
      rule: field.mapping.rule,
      before:
        direction === 'none'
          ? null
          : observedToJson(direction === 'to_hubspot' ? field.hubspot : field.salesforce),
      after: observedToJson(chosen),
      reason: 'resolved_by_person',
      message: `${field.label}: a person chose "${displayObserved(chosen)}" to resolve the conflict.`,
    });
  }
  const to = targets.length === 1 ? (targets[0] ?? null) : null;
  return { action: targets.length > 0 ? 'write' : 'nothing', to, reason: 'resolved_by_person', failureCode };
}

function read(
  record: { readonly [key: string]: unknown },
  key: string,
): { present: boolean; value: unknown } {
  return Object.prototype.hasOwnProperty.call(record, key)
    ? { present: true, value: record[key] }
    : { present: false, value: undefined };
}

function hasCounterpart(context: TransformContext, side: Side, email: string): boolean {
  const people =
    side === 'hubspot'
      ? context.owners.hubspotByEmail.get(email)
      : context.owners.salesforceByEmail.get(email);
  return people?.some((person) => person.usable) ?? false;
}

/**
 * Whether `side` holding `owner` says nothing about who owns the record: the default owner an admin set for
 * that side, or the owner the side gives a record by itself when the bridge could not name one (Salesforce:
 * the user the bridge acts as; HubSpot: nobody, a record it is given no owner for has none).
 */
function isStandIn(
  owner: CanonicalValue,
  side: Side,
  context: {
    readonly ownerFallback?: TransformContext['ownerFallback'] | undefined;
    readonly assignedOwners?: TransformContext['assignedOwners'] | undefined;
  },
): boolean {
  if (owner === null) return side === 'hubspot';
  if (typeof owner !== 'string') return false;
  return [context.ownerFallback?.[side] ?? null, context.assignedOwners?.[side] ?? null].includes(owner);
}

/**
 * A side whose owner stands in for the shadow's owner, who has no counterpart there, holds that owner for the
 * sync: nothing changed on that side. Anyone else there is a real change. Reconciliation judges a record's
 * owner by this too, so an owner the sync leaves as it is is not found changed on every run.
 */
export function standInFor(
  mapping: FieldMapping,
  value: Observed,
  shadow: CanonicalValue | undefined,
  side: Side,
  context: TransformContext,
): Observed {
  if (mapping.transform.kind !== 'owner' || typeof shadow !== 'string') return value;
  if (value.kind !== 'value' || value.value === shadow) return value;
  if (!isStandIn(value.value, side, context) || hasCounterpart(context, side, shadow)) return value;
  return { kind: 'value', value: shadow };
}

/** A deal's pipeline and its Opportunity's record type, which decide the stage written to HubSpot. */
function withDeal(args: FieldSyncArgs): TransformContext {
  if (args.salesforceType !== 'Opportunity') return args.transformContext;
  const pipeline = args.hubspot?.properties[DEAL_PIPELINE_PROPERTY];
  const recordType = args.salesforce?.fields[RECORD_TYPE_ID_FIELD];
  return {
    ...args.transformContext,
    deal: {
      pipeline: typeof pipeline === 'string' && pipeline.trim() !== '' ? pipeline.trim() : null,
      recordType: typeof recordType === 'string' && recordType !== '' ? recordType : null,
    },
  };
}

/** A new deal goes to the pipeline its stage was picked in (HubSpot would otherwise put it in the default one). */
function createInPipeline(draft: PlanDraft, args: FieldSyncArgs, context: TransformContext): void {
  const mapping = args.objectSettings.fields.find((candidate) => candidate.transform.kind === 'stages');
  if (mapping?.transform.kind !== 'stages' || !salesforceFieldOf(mapping, args.salesforceType)) return;
  const pipeline = stagePipelineFor(mapping.transform, context.deal);
  if (pipeline) draft.hubspotProperties[DEAL_PIPELINE_PROPERTY] = pipeline;
}

/** A new Opportunity of a deal whose pipeline the map ties to a record type is created with that type. */
function createOfRecordType(draft: PlanDraft, args: FieldSyncArgs, context: TransformContext): void {
  const mapping = args.objectSettings.fields.find((candidate) => candidate.transform.kind === 'stages');
  if (mapping?.transform.kind !== 'stages' || !salesforceFieldOf(mapping, args.salesforceType)) return;
  const pipelineId = stagePipelineFor(mapping.transform, context.deal);
  const pipeline = mapping.transform.pipelines.find((candidate) => candidate.pipeline === pipelineId);
  if (pipeline?.recordType) draft.salesforceFields[RECORD_TYPE_ID_FIELD] = pipeline.recordType;
}

export function planFields(draft: PlanDraft, args: FieldSyncArgs): void {
  const openConflicts = new Set(args.openConflictKeys);
  const transformContext = withDeal(args);
  for (const mapping of args.objectSettings.fields) {
    const label = fieldLabel(mapping);
    const salesforceField = salesforceFieldOf(mapping, args.salesforceType);
    const shadow = args.shadows[mapping.key];
    const skip = (reason: 'no_field_on_object' | 'not_read') =>
      draft.fields.push({
        key: mapping.key,
        label,
        rule: mapping.rule,
        salesforceField,
        hubspot: null,
        salesforce: null,
        shadow: shadow ?? null,
        decision: { action: 'skipped', to: null, reason },
        failureCode: null,
      });
    if (!salesforceField) {
      skip('no_field_on_object');
      continue;
    }
    const transform = createTransform(mapping.transform, transformContext);
    const hubspotRead = args.hubspot
      ? read(args.hubspot.properties, mapping.hubspotProperty)
      : { present: true, value: null };
    const salesforceRead = args.salesforce
      ? read(args.salesforce.fields, salesforceField)
      : { present: true, value: null };
    if (!hubspotRead.present || !salesforceRead.present) {
      skip('not_read');
      continue;
    }
    const held = (side: Side, raw: Observed) => ({
      raw,
      value: standInFor(mapping, raw, shadow, side, transformContext),
    });
    const hubspotHeld = held(
      'hubspot',
      args.hubspot ? observed(transform.fromHubspot((hubspotRead.value as string | null) ?? null)) : BLANK,
    );
    const salesforceHeld = held(
      'salesforce',
      args.salesforce ? observed(transform.fromSalesforce(salesforceRead.value)) : BLANK,
    );
    const field: FieldContext = {
      ownerFallback: transformContext.ownerFallback,
      assignedOwners: transformContext.assignedOwners,
      creating: args.creating,
      mapping,
      label,
      salesforceField,
      transform,
      hubspot: hubspotHeld.value,
      salesforce: salesforceHeld.value,
      read: { hubspot: hubspotHeld.raw, salesforce: salesforceHeld.raw },
      draft,
    };
    // An owner still without a counterpart over there, where the record keeps the owner that side gave it
    // (not an admin's default): the card keeps saying why the owners differ.
    for (const side of ['hubspot', 'salesforce'] as const) {
      const { raw, value } = side === 'hubspot' ? hubspotHeld : salesforceHeld;
      const fallback = transformContext.ownerFallback?.[side] ?? null;
      const byDefault = fallback !== null && raw.kind === 'value' && raw.value === fallback;
      if (value !== raw && !byDefault && typeof shadow === 'string') {
        draft.failures.push(
          failureOf(field, side, {
            code: 'owner_not_found',
            raw: shadow,
            reason: `has no ${sideLabel(side)} user with this email, so the owner there is left as it is`,
          }),
        );
      }
    }
    const hubspotChangedAtMs =
      args.hubspot?.propertyTimestampsMs[mapping.hubspotProperty] ?? args.hubspot?.updatedAtMs ?? 0;
    const salesforceChangedAtMs = args.salesforce?.lastModifiedAtMs ?? 0;
    const plan = (decision: FieldPlan['decision'], failureCode: string | null) =>
      draft.fields.push({
        key: mapping.key,
        label,
        rule: mapping.rule,
        salesforceField,
        hubspot: args.hubspot ? observedToJson(field.hubspot) : null,
        salesforce: args.salesforce ? observedToJson(field.salesforce) : null,
        shadow: shadow ?? null,
        decision,
        failureCode,
      });

    const resolution = args.resolutions[mapping.key];
    if (resolution && !args.creating) {
      const { failureCode, ...decision } = applyResolution(field, resolution);
      plan(decision, failureCode);
      if (openConflicts.has(mapping.key))
        draft.closeConflicts.push({ key: mapping.key, reason: 'resolved_by_person' });
      continue;
    }

    const decision = decideField({
      rule: mapping.rule,
      hubspot: field.hubspot,
      salesforce: field.salesforce,
      shadow,
      hubspotChangedAtMs,
      salesforceChangedAtMs,
      creating: args.creating,
    });
    let failureCode: string | null = null;
    if (decision.action === 'write') {
      failureCode = write(field, decision.to, decision.value, [decision.to]);
      if (failureCode === null)
        audit(
          field,
          decision,
          describeDecision(label, mapping.rule, decision, {
            ...field,
            hubspotChangedAtMs,
            salesforceChangedAtMs,
          }),
        );
    } else if (decision.action === 'conflict') {
      draft.conflicts.push({
        key: mapping.key,
        label,
        hubspot: observedToJson(field.hubspot),
        salesforce: observedToJson(field.salesforce),
        shadow: shadow ?? null,
        hadShadow: shadow !== undefined,
        hubspotChangedAtMs,
        salesforceChangedAtMs,
      });
      audit(
        field,
        decision,
        describeDecision(label, mapping.rule, decision, {
          ...field,
          hubspotChangedAtMs,
          salesforceChangedAtMs,
        }),
      );
    } else {
      if (decision.agreedValue !== undefined) {
        draft.shadowUpdates.push({ key: mapping.key, value: decision.agreedValue, requiresWrites: [] });
        audit(
          field,
          decision,
          `${label}: both sides hold "${displayCanonical(decision.agreedValue)}"; nothing to write.`,
        );
      }
    }
    plan(
      {
        action: decision.action,
        to: decision.action === 'write' ? decision.to : null,
        reason: decision.reason,
      },
      failureCode,
    );
    if (openConflicts.has(mapping.key) && decision.action !== 'conflict') {
      draft.closeConflicts.push({
        key: mapping.key,
        reason: decision.action === 'write' ? 'superseded' : 'values_agree',
      });
    }
  }
  if (args.creating === 'hubspot') createInPipeline(draft, args, transformContext);
  if (args.creating === 'salesforce') createOfRecordType(draft, args, transformContext);
}
