/**
 * The planner: one record's sync as a pure function.
 *
 *   (link, shadows, HubSpot record, Salesforce record, settings, now, owners) → plan
 *
 * A plan says what to write on each side (only what changed), which shadows to record once the writes
 * succeed, which conflicts to open or close, how the link changes, what failed before anything was
 * written, and an audit line for every decision. Nothing here reads the clock or does I/O, so a plan can
 * be made for real, for a dry run, or for the record card, and always comes out the same.
 *
 * The three ways in:
 * - a linked record: lifecycle first (delete, restore, merge, Lead conversion), then scope, then fields;
 * - a HubSpot record with no link: match, then link, create (Lead or Contact by the creation rule) or wait;
 * - a Salesforce record with no link: match, then link, create in HubSpot (if enabled) or wait.
 */
import type { CountryCode } from 'libphonenumber-js';
import { conditionHolds } from './conditions';
import type { HubspotMatch, MatchKeys, SalesforceMatch } from './matching';
import { matchHubspotRecord, matchSalesforceRecord } from './matching';
import type {
  HubspotObjectType,
  HubspotRecord,
  SalesforceObjectType,
  SalesforceRecord,
  Side,
} from './records';
import { hubspotRef, salesforceRef, salesforceTypesFor, sameSalesforceId } from './records';
import type { ObjectSettings } from './settings/schema';
import type { TransformContext } from './transforms/index';
import { ownerEmailOf } from './transforms/owner';
import type { PlanDraft } from './plan/draft';
import { emptyPlan, finish, hasWrites, newDraft } from './plan/draft';
import { creationTarget, planCreateInHubspot, planCreateInSalesforce } from './plan/create';
import { planFields, salesforceFieldOf } from './plan/fields';
import { planLifecycle } from './plan/lifecycle';
import type {
  LinkedInput,
  PlanContext,
  PlanInput,
  SyncPlan,
  UnlinkedHubspotInput,
  UnlinkedSalesforceInput,
} from './plan/types';

export type * from './plan/types';

/**
 * What the field transforms and the owner stand-ins know of an installation, as the planner reads a record's
 * fields; reconciliation reads them the same way.
 */
export function transformContextOf(
  context: Pick<PlanContext, 'settings' | 'owners' | 'salesforceUserId' | 'associationLinks'>,
): TransformContext {
  return {
    phoneDefaultCountry: context.settings.phoneDefaultCountry as CountryCode,
    owners: context.owners,
    ownerFallback: {
      hubspot: context.settings.owners.hubspotDefaultOwnerEmail,
      salesforce: context.settings.owners.salesforceDefaultUserEmail,
    },
    assignedOwners: {
      hubspot: null,
      salesforce: context.salesforceUserId ? ownerEmailOf(context.owners, context.salesforceUserId) : null,
    },
    ...(context.associationLinks ? { associationLinks: context.associationLinks } : {}),
  };
}

function hubspotObjectOf(type: SalesforceObjectType): HubspotObjectType {
  const entry = Object.entries(salesforceTypesFor).find(([, types]) =>
    (types as readonly string[]).includes(type),
  );
  return (entry?.[0] ?? 'contacts') as HubspotObjectType;
}

/** Paused and disabled installations plan nothing; the dirty record waits and syncs on resume. */
function guard(context: PlanContext, object: HubspotObjectType): SyncPlan | null {
  if (context.settings.paused)
    return emptyPlan('paused', 'Sync is paused for this installation; changes wait.');
  if (!context.settings.objects[object].enabled) {
    return emptyPlan('object_disabled', `Syncing ${object} is turned off in the app settings.`);
  }
  return null;
}

function inScope(objectSettings: ObjectSettings, hubspot: HubspotRecord): boolean {
  return !objectSettings.scope || conditionHolds(objectSettings.scope, hubspot.properties);
}

const outOfScope = () => emptyPlan('out_of_scope', 'Outside the sync scope: neither created nor updated.');

function matchKeys(objectSettings: ObjectSettings): MatchKeys {
  const email = objectSettings.fields.find((mapping) => mapping.transform.kind === 'email');
  const domain = objectSettings.fields.find((mapping) => mapping.transform.kind === 'domain');
  const types = Object.values(salesforceTypesFor).flat() as SalesforceObjectType[];
  return {
    crossIdProperty: objectSettings.crossId.hubspotProperty,
    salesforceCrossIdField: objectSettings.crossId.salesforceField as MatchKeys['salesforceCrossIdField'],
    emailProperty: email?.hubspotProperty ?? null,
    salesforceEmailField: Object.fromEntries(
      types.map((type) => [type, email ? salesforceFieldOf(email, type) : null]),
    ),
    domainProperty: domain?.hubspotProperty ?? null,
    salesforceDomainField: Object.fromEntries(
      types.map((type) => [type, domain ? salesforceFieldOf(domain, type) : null]),
    ),
  };
}

/** Keeps each side's copy of the other's id right (it changes on Lead conversion and merges). */
function maintainCrossIds(
  draft: PlanDraft,
  objectSettings: ObjectSettings,
  hubspot: HubspotRecord,
  salesforce: SalesforceRecord,
): void {
  const property = objectSettings.crossId.hubspotProperty;
  if (property in hubspot.properties && !sameSalesforceId(hubspot.properties[property], salesforce.id)) {
    draft.hubspotProperties[property] = salesforce.id;
  }
  const field = (objectSettings.crossId.salesforceField as Partial<Record<string, string | null>>)[
    salesforce.type
  ];
  if (field && field in salesforce.fields && salesforce.fields[field] !== hubspot.id) {
    draft.salesforceFields[field] = hubspot.id;
  }
}

function syncFields(
  draft: PlanDraft,
  args: {
    objectSettings: ObjectSettings;
    hubspot: HubspotRecord;
    salesforce: SalesforceRecord;
    context: PlanContext;
  },
  input: Partial<Pick<LinkedInput, 'shadows' | 'resolutions' | 'openConflictKeys'>>,
): void {
  planFields(draft, {
    objectSettings: args.objectSettings,
    hubspot: args.hubspot,
    salesforce: args.salesforce,
    salesforceType: args.salesforce.type,
    shadows: input.shadows ?? {},
    creating: null,
    resolutions: input.resolutions ?? {},
    openConflictKeys: input.openConflictKeys ?? [],
    transformContext: transformContextOf(args.context),
  });
  maintainCrossIds(draft, args.objectSettings, args.hubspot, args.salesforce);
}

function fieldSummary(draft: PlanDraft): string {
  const written = draft.fields.filter(
    (field) => field.decision.action === 'write' && field.failureCode === null,
  );
  const parts: string[] = [];
  const toSalesforce = written
    .filter((field) => field.decision.to === 'salesforce')
    .map((field) => field.label);
  const toHubspot = written.filter((field) => field.decision.to === 'hubspot').map((field) => field.label);
  if (toSalesforce.length > 0) parts.push(`to Salesforce: ${toSalesforce.join(', ')}`);
  if (toHubspot.length > 0) parts.push(`to HubSpot: ${toHubspot.join(', ')}`);
  if (draft.conflicts.length > 0) parts.push(`${draft.conflicts.length} conflict(s) waiting for a person`);
  if (draft.failures.length > 0) parts.push(`${draft.failures.length} field(s) could not be written`);
  return parts.length > 0 ? `${parts.join('; ')}.` : 'In sync: nothing changed.';
}

function finishFields(
  draft: PlanDraft,
  hubspot: HubspotRecord,
  salesforce: SalesforceRecord,
  outcome?: SyncPlan['outcome'],
  prefix = '',
): SyncPlan {
  const changed =
    hasWrites(draft) ||
    draft.shadowUpdates.length > 0 ||
    draft.conflicts.length > 0 ||
    draft.failures.length > 0;
  return finish(draft, {
    outcome: outcome ?? (changed ? 'synced' : 'in_sync'),
    summary: `${prefix}${fieldSummary(draft)}`,
    hubspot: { objectType: hubspot.objectType, target: { kind: 'update', id: hubspot.id } },
    salesforce: { type: salesforce.type, target: { kind: 'update', id: salesforce.id } },
  });
}

function planLinked(input: LinkedInput, context: PlanContext): SyncPlan {
  const { link } = input;
  const blocked = guard(context, link.hubspot.objectType);
  if (blocked) return blocked;
  if (link.state !== 'active' && link.state !== 'tombstoned') {
    return emptyPlan('skipped', `This link is ${link.state}; the record syncs through its current link.`);
  }
  const lifecycle = planLifecycle(input, context);
  if (lifecycle.kind === 'done') return lifecycle.plan;
  const { hubspot, salesforce } = input;
  if (!hubspot || !salesforce) return emptyPlan('skipped', 'A record of this link could not be read.');
  const objectSettings = context.settings.objects[link.hubspot.objectType];
  if (!inScope(objectSettings, hubspot)) return outOfScope();
  const draft = newDraft();
  if (lifecycle.kind === 'restore') {
    draft.linkChanges.push({ kind: 'restore', linkId: link.id, restoredSide: lifecycle.restoredSide });
    draft.audit.push({
      action: 'link_restored',
      fieldKey: null,
      direction: 'none',
      rule: null,
      before: null,
      after: null,
      reason: 'restored_in_grace_period',
      message: 'Restored inside the grace period: the link is active again.',
    });
  }
  syncFields(draft, { objectSettings, hubspot, salesforce, context }, input);
  return lifecycle.kind === 'restore'
    ? finishFields(draft, hubspot, salesforce, 'restored', 'Restored; the link is active again. ')
    : finishFields(draft, hubspot, salesforce);
}

function basisLabel(basis: string): string {
  return basis === 'email' ? 'email' : basis === 'domain' ? 'web domain' : 'stored id';
}

function pending(
  side: Side,
  subjectId: string,
  match: Extract<SalesforceMatch | HubspotMatch, { kind: 'ambiguous' | 'linked_elsewhere' }>,
  explained?: string,
): SyncPlan {
  const draft = newDraft();
  const candidates = match.kind === 'ambiguous' ? match.candidates : [match.candidate];
  draft.pendingMatch = { side, subjectId, reason: match.kind, basis: match.basis, candidates };
  const summary =
    explained ??
    (match.kind === 'ambiguous'
      ? `${candidates.length} possible matches by ${basisLabel(match.basis)}; waiting for a person to pick one.`
      : `The matching record is already linked to another record; waiting for a person to decide.`);
  draft.audit.push({
    action: 'match_pending',
    fieldKey: null,
    direction: 'none',
    rule: null,
    before: null,
    after: null,
    reason: match.kind,
    message: summary,
  });
  return finish(draft, { outcome: 'awaiting_match', summary });
}

function linkAndSync(
  draft: PlanDraft,
  hubspot: HubspotRecord,
  salesforce: SalesforceRecord,
  basis: string,
  context: PlanContext,
): SyncPlan {
  const objectSettings = context.settings.objects[hubspot.objectType];
  const summary = `Linked to Salesforce ${salesforce.type} ${salesforce.id} by ${basisLabel(basis)}. `;
  draft.audit.push({
    action: 'link_created',
    fieldKey: null,
    direction: 'none',
    rule: null,
    before: null,
    after: null,
    reason: `matched_by_${basis}`,
    message: summary.trim(),
  });
  syncFields(draft, { objectSettings, hubspot, salesforce, context }, {});
  return finishFields(draft, hubspot, salesforce, 'linked', summary);
}

function planUnlinkedHubspot(input: UnlinkedHubspotInput, context: PlanContext): SyncPlan {
  const { hubspot } = input;
  const blocked = guard(context, hubspot.objectType);
  if (blocked) return blocked;
  if (hubspot.archived) return emptyPlan('skipped', 'Deleted in HubSpot before it was ever synced.');
  const objectSettings = context.settings.objects[hubspot.objectType];
  if (!inScope(objectSettings, hubspot)) return outOfScope();
  const match = matchHubspotRecord({
    hubspot,
    candidates: input.candidates,
    keys: matchKeys(objectSettings),
    emailPreference: [...salesforceTypesFor[hubspot.objectType]].reverse(),
    leadContactPreference: context.settings.matching.leadContactPreference,
    ...(input.linkedSalesforceIds ? { linkedSalesforceIds: input.linkedSalesforceIds } : {}),
    ...(input.createdByBridge ? { createdByBridge: input.createdByBridge } : {}),
  });
  switch (match.kind) {
    case 'ambiguous':
    case 'linked_elsewhere':
      return pending('hubspot', hubspot.id, match);
    case 'link': {
      const draft = newDraft();
      draft.linkChanges.push({
        kind: 'link',
        hubspot: hubspotRef(hubspot),
        salesforce: match.target,
        basis: match.basis,
      });
      if (match.record) return linkAndSync(draft, hubspot, match.record, match.basis, context);
      const summary = `Linked to Salesforce ${match.target.type} ${match.target.id}; its values sync next.`;
      return finish(draft, { outcome: 'linked', summary });
    }
    case 'create': {
      const type = creationTarget(objectSettings, hubspot.properties);
      if (type === 'none')
        return emptyPlan('not_created', 'No Salesforce match, and the creation rule creates nothing for it.');
      return planCreateInSalesforce({
        hubspot,
        type,
        objectSettings,
        context,
        transformContext: transformContextOf(context),
      });
    }
  }
}

function planUnlinkedSalesforce(input: UnlinkedSalesforceInput, context: PlanContext): SyncPlan {
  const { salesforce } = input;
  const objectType = hubspotObjectOf(salesforce.type);
  const blocked = guard(context, objectType);
  if (blocked) return blocked;
  if (salesforce.isDeleted) return emptyPlan('skipped', 'Deleted in Salesforce before it was ever synced.');
  if (salesforce.type === 'Lead' && salesforce.conversion) {
    return emptyPlan('skipped', 'A converted Lead is not synced; the Contact it became is.');
  }
  const objectSettings = context.settings.objects[objectType];
  const match = matchSalesforceRecord({
    salesforce,
    candidates: input.candidates,
    keys: matchKeys(objectSettings),
    ...(input.linkedHubspotIds ? { linkedHubspotIds: input.linkedHubspotIds } : {}),
  });
  switch (match.kind) {
    case 'linked_elsewhere':
      // A person who is both a Lead and a Contact: the HubSpot contact with the email syncs with the other.
      return match.basis === 'email' && objectType === 'contacts'
        ? pending(
            'salesforce',
            salesforce.id,
            match,
            `Possible duplicate in Salesforce: HubSpot contact ${match.candidate.id} has this email and syncs with another Salesforce record. Convert or merge the duplicate in Salesforce, or choose to skip this ${salesforce.type}.`,
          )
        : pending('salesforce', salesforce.id, match);
    case 'ambiguous':
      return pending('salesforce', salesforce.id, match);
    case 'link': {
      const hubspot = match.record;
      if (!hubspot || !inScope(objectSettings, hubspot)) return outOfScope();
      const draft = newDraft();
      draft.linkChanges.push({
        kind: 'link',
        hubspot: match.target,
        salesforce: salesforceRef(salesforce),
        basis: match.basis,
      });
      return linkAndSync(draft, hubspot, salesforce, match.basis, context);
    }
    case 'create': {
      const enabled =
        (objectSettings.createInHubspot as Partial<Record<string, boolean>>)[salesforce.type] === true;
      if (!enabled)
        return emptyPlan(
          'not_created',
          `New Salesforce ${salesforce.type}s do not create HubSpot records (app settings).`,
        );
      return planCreateInHubspot({
        salesforce,
        objectType,
        objectSettings,
        transformContext: transformContextOf(context),
      });
    }
  }
}

export function planSync(input: PlanInput, context: PlanContext): SyncPlan {
  switch (input.kind) {
    case 'linked':
      return planLinked(input, context);
    case 'unlinked_hubspot':
      return planUnlinkedHubspot(input, context);
    case 'unlinked_salesforce':
      return planUnlinkedSalesforce(input, context);
  }
}
