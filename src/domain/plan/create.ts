/**
 * Creating the counterpart of a record that matched nothing: what the new record gets, whether it can be
 * created at all, and how a retried create stays one record (upsert on the cross-id).
 */
import { conditionHolds } from '../conditions';
import { makeFailure } from '../failures';
import type { HubspotObjectType, HubspotRecord, SalesforceObjectType, SalesforceRecord } from '../records';
import { hubspotRef } from '../records';
import type { ObjectSettings } from '../settings/schema';
import type { PlanDraft } from './draft';
import { finish, newDraft } from './draft';
import type { TransformContext } from '../transforms/index';
import { planFields, salesforceFieldOf } from './fields';
import type { PlanContext, SyncPlan } from './types';

/** Salesforce's standard required fields, used when the caller passes none from describe. */
const standardRequiredFields: Partial<Record<SalesforceObjectType, readonly string[]>> = {
  Lead: ['LastName', 'Company'],
  Contact: ['LastName'],
  Account: ['Name'],
  Opportunity: ['Name', 'StageName', 'CloseDate'],
};

/** The first creation rule whose condition holds picks the object; otherwise the default. */
export function creationTarget(
  objectSettings: ObjectSettings,
  properties: HubspotRecord['properties'],
): SalesforceObjectType | 'none' {
  const rule = objectSettings.createInSalesforce.rules.find((candidate) =>
    conditionHolds(candidate.when, properties),
  );
  return rule ? rule.createAs : objectSettings.createInSalesforce.default;
}

function createAudit(draft: PlanDraft, reason: string, message: string): void {
  draft.audit.push({
    action: 'record_created',
    fieldKey: null,
    direction: 'none',
    rule: null,
    before: null,
    after: null,
    reason,
    message,
  });
}

export function planCreateInSalesforce(args: {
  readonly hubspot: HubspotRecord;
  readonly type: SalesforceObjectType;
  readonly objectSettings: ObjectSettings;
  readonly context: PlanContext;
  readonly transformContext: TransformContext;
}): SyncPlan {
  const { hubspot, type, objectSettings, context } = args;
  const draft = newDraft();
  planFields(draft, {
    objectSettings,
    hubspot,
    salesforce: null,
    salesforceType: type,
    shadows: {},
    creating: 'salesforce',
    resolutions: {},
    openConflictKeys: [],
    transformContext: args.transformContext,
  });
  const crossIdField =
    (objectSettings.crossId.salesforceField as Partial<Record<string, string | null>>)[type] ?? null;
  if (crossIdField) draft.salesforceFields[crossIdField] = hubspot.id;

  const required = context.salesforceRequiredFields?.[type] ?? standardRequiredFields[type] ?? [];
  // A required field left blank takes its mapping's placeholder, when it has one (a Lead's Company).
  for (const field of required) {
    const value = draft.salesforceFields[field];
    if (value !== undefined && value !== null && value !== '') continue;
    const mapping = objectSettings.fields.find(
      (candidate) =>
        candidate.transform.kind === 'text' &&
        candidate.transform.salesforceBlank !== undefined &&
        salesforceFieldOf(candidate, type)?.toLowerCase() === field.toLowerCase(),
    );
    if (mapping?.transform.kind === 'text' && mapping.transform.salesforceBlank !== undefined) {
      draft.salesforceFields[field] = mapping.transform.salesforceBlank;
    }
  }
  const missing = required.filter((field) => {
    const value = draft.salesforceFields[field];
    return value === undefined || value === null || value === '';
  });
  if (missing.length > 0) {
    const blocked = newDraft();
    blocked.fields.push(...draft.fields);
    blocked.failures.push(
      ...draft.failures,
      makeFailure(
        'required_field_missing',
        'REQUIRED_FIELD_MISSING',
        { side: 'salesforce', object: type, fields: missing },
        { details: { fields: missing } },
      ),
    );
    createAudit(
      blocked,
      'required_field_missing',
      `Not created in Salesforce: a new ${type} needs ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} blank.`,
    );
    return finish(blocked, {
      outcome: 'blocked',
      summary: `Waiting for ${missing.join(', ')} before a Salesforce ${type} can be created.`,
    });
  }

  draft.linkChanges.push({
    kind: 'link_created',
    created: 'salesforce',
    hubspot: hubspotRef(hubspot),
    salesforce: { type, id: null },
  });
  const summary = `New in HubSpot: creating a Salesforce ${type} with ${Object.keys(draft.salesforceFields).length} fields.`;
  createAudit(draft, 'created_in_salesforce', summary);
  return finish(draft, {
    outcome: 'created',
    summary,
    salesforce: {
      type,
      target: { kind: 'create', upsertBy: crossIdField ? { key: crossIdField, value: hubspot.id } : null },
    },
  });
}

export function planCreateInHubspot(args: {
  readonly salesforce: SalesforceRecord;
  readonly objectType: HubspotObjectType;
  readonly objectSettings: ObjectSettings;
  readonly transformContext: TransformContext;
}): SyncPlan {
  const { salesforce, objectType, objectSettings } = args;
  const draft = newDraft();
  planFields(draft, {
    objectSettings,
    hubspot: null,
    salesforce,
    salesforceType: salesforce.type,
    shadows: {},
    creating: 'hubspot',
    resolutions: {},
    openConflictKeys: [],
    transformContext: args.transformContext,
  });
  // The scope filter reads HubSpot properties; a record that does not exist yet is judged by the ones it
  // would be created with, so nothing outside the scope is ever created.
  if (objectSettings.scope && !conditionHolds(objectSettings.scope, draft.hubspotProperties)) {
    const outside = newDraft();
    outside.fields.push(...draft.fields);
    return finish(outside, {
      outcome: 'out_of_scope',
      summary: 'Outside the sync scope: not created in HubSpot.',
    });
  }
  const crossIdProperty = objectSettings.crossId.hubspotProperty;
  draft.hubspotProperties[crossIdProperty] = salesforce.id;
  draft.linkChanges.push({
    kind: 'link_created',
    created: 'hubspot',
    hubspot: { objectType, id: null },
    salesforce: { type: salesforce.type, id: salesforce.id },
  });
  const summary = `New Salesforce ${salesforce.type}: creating a HubSpot record with ${Object.keys(draft.hubspotProperties).length} properties.`;
  createAudit(draft, 'created_in_hubspot', summary);
  return finish(draft, {
    outcome: 'created',
    summary,
    hubspot: {
      objectType,
      target: { kind: 'create', upsertBy: { key: crossIdProperty, value: salesforce.id } },
    },
  });
}
