/**
 * Carrying out a batch's writes in batch calls: Salesforce first (collection upserts on the HubSpot id for
 * creates, plain creates when the org has no external-id field, updates; one call per object per 200
 * records), then HubSpot (upserts on the Salesforce id for creates, updates; one call per 100), so that a
 * record just created in Salesforce has its id written into the HubSpot contact in the same HubSpot call
 * as everything else, together with the app properties.
 *
 * Outcomes are per unit and per side: written, refused (a SyncFailure for that record), or not attempted
 * because the whole call failed (the error, for the caller to retry the record). A create without an
 * upsert key is recorded as a link the moment Salesforce answers (`onCreatedWithoutKey`), so a crash
 * later in the batch cannot make the retry create it twice.
 *
 * A Salesforce call refused as a whole because Salesforce could not read it (a field the org does not have
 * or hides from the connected user, a value of the wrong type) is not split record by record: the org's
 * describe is read afresh, the fields that explain the refusal are left out and failed once on each record
 * that carried them (the plan then records no shadow for them and says why), and the call is sent again
 * with the other fields. Only when no field explains it are the records isolated by splitting.
 */
import * as contactRolesSeen from '../db/contactRolesSeen';
import type { HubSpotWriteOutcome } from '../connectors/hubspot/records';
import { SalesforceCallError } from '../connectors/salesforce/errors';
import { abandonedCallOf } from '../connectors/timeout';
import * as createsInDoubt from '../db/createsInDoubt';
import type { FieldValues, SalesforceWriteOutcome, WriteOptions } from '../connectors/salesforce/records';
import { makeFailure, type SyncFailure } from '../domain/failures';
import { LIFECYCLE_STAGE_PROPERTY, liveStageFor, movesBackward } from '../domain/lifecycleStages';
import type { SyncPlan } from '../domain/planner';
import type { PicklistGroup } from '../domain/transforms/picklist';
import {
  fieldsRefused,
  isRequestLevelCode,
  refusedInRecord,
  type RefusedRequest,
} from '../domain/refusedFields';
import type { HubspotRecord, Side } from '../domain/records';
import {
  CONTACT_ROLES_FIELD,
  CONTACTS_PROPERTY,
  idsOfWire,
  PRIMARY_COMPANY_PROPERTY,
} from '../domain/transforms/association';
import type { BatchContext } from './context';
import type { SalesforceObjectType } from '../domain/records';
import type { OrgFields } from '../settings/fields';
import type { Unit } from './unit';

export type WriteOutcome =
  | {
      readonly ok: true;
      readonly id: string;
      readonly created: boolean;
      /** HubSpot's answer, as far as it goes: a property it leaves out is absent, not blank. */
      readonly record?: HubspotRecord;
    }
  | { readonly ok: false; readonly failure: SyncFailure }
  | { readonly ok: false; readonly callError: unknown };

/** One unit's writes, as planned plus what the bridge adds (app properties, delete flags). */
export interface UnitWrites {
  readonly unit: Unit;
  /** As planned; a field Salesforce refused as a whole request is failed here (no shadow, its audit line). */
  plan: SyncPlan;
  salesforce:
    | { kind: 'update'; type: SalesforceObjectType; id: string; fields: FieldValues }
    | {
        kind: 'create';
        type: SalesforceObjectType;
        fields: FieldValues;
        upsertField: string | null;
        key: string;
      }
    | null;
  /** Filled in after the Salesforce phase (it may need the id of a record created there). */
  hubspot:
    | { kind: 'update'; id: string; properties: Record<string, string> }
    | { kind: 'create'; properties: Record<string, string>; upsertProperty: string; key: string }
    | null;
  readonly outcomes: Partial<Record<Side, WriteOutcome>>;
}

export function plannedSalesforceWrite(plan: SyncPlan): UnitWrites['salesforce'] {
  const write = plan.salesforceWrite;
  if (!write) return null;
  const type = write.type as SalesforceObjectType;
  if (write.kind === 'update') return { kind: 'update', type, id: write.id, fields: { ...write.fields } };
  return {
    kind: 'create',
    type,
    fields: { ...write.fields },
    upsertField: write.upsertBy?.field ?? null,
    key: write.upsertBy?.value ?? '',
  };
}

function record(writes: UnitWrites, side: Side, outcome: SalesforceWriteOutcome | HubSpotWriteOutcome) {
  if (!outcome.ok) {
    writes.outcomes[side] = { ok: false, failure: outcome.failure };
    return;
  }
  const written = 'record' in outcome ? { record: outcome.record } : {};
  writes.outcomes[side] = { ok: true, id: outcome.id, created: outcome.created, ...written };
}

async function attempt<T>(
  batch: readonly UnitWrites[],
  side: Side,
  run: () => Promise<T[]>,
  apply: (writes: UnitWrites, outcome: T) => void,
): Promise<void> {
  if (batch.length === 0) return;
  try {
    const outcomes = await run();
    batch.forEach((writes, index) => {
      const outcome = outcomes[index];
      if (outcome !== undefined) apply(writes, outcome);
    });
  } catch (error) {
    for (const writes of batch) writes.outcomes[side] = { ok: false, callError: error };
  }
}

/** An update left with nothing to write is done (its other side and fields go on) without a call. */
function settledWithoutCall(writes: UnitWrites): boolean {
  const write = writes.salesforce;
  if (write?.kind === 'update' && Object.keys(write.fields).length === 0) {
    writes.outcomes.salesforce ??= { ok: true, id: write.id, created: false };
  }
  return writes.outcomes.salesforce !== undefined;
}

/** How many times one batch call may be sent again with refused fields left out. */
const MAX_REFUSAL_RETRIES = 3;

function refusalOf(error: unknown): RefusedRequest | null {
  if (!(error instanceof SalesforceCallError) || !isRequestLevelCode(error.code)) return null;
  return { code: error.code, message: error.message };
}

/** Fails one Salesforce field of a unit's write: out of the write, a failure in the plan, no shadow. */
function failSalesforceFields(
  writes: UnitWrites,
  names: readonly string[],
  refusal: RefusedRequest,
): boolean {
  const write = writes.salesforce;
  if (!write) return false;
  const lower = new Set(names.map((name) => name.toLowerCase()));
  const carried = Object.keys(write.fields).filter((name) => lower.has(name.toLowerCase()));
  if (carried.length === 0) return false;
  writes.salesforce = {
    ...write,
    fields: Object.fromEntries(
      Object.entries(write.fields).filter(([name]) => !lower.has(name.toLowerCase())),
    ),
  };
  const plan = writes.plan;
  const failures: SyncFailure[] = [];
  const keys = new Set<string>();
  for (const name of carried) {
    const mapped = plan.fields.find((field) => field.salesforceField?.toLowerCase() === name.toLowerCase());
    if (mapped) keys.add(mapped.key);
    const value = write.fields[name];
    failures.push(
      makeFailure(
        'validation',
        refusal.code,
        {
          side: 'salesforce',
          object: write.type,
          field: mapped?.label ?? name,
          ...(value !== undefined && value !== null ? { value: String(value) } : {}),
          detail: refusal.message,
        },
        { fieldKey: mapped?.key ?? null, details: { salesforceField: name, errorCode: refusal.code } },
      ),
    );
  }
  writes.plan = {
    ...plan,
    failures: [...plan.failures, ...failures],
    shadowUpdates: plan.shadowUpdates.filter(
      (update) => !(keys.has(update.key) && update.requiresWrites.includes('salesforce')),
    ),
    fields: plan.fields.map((field) =>
      keys.has(field.key) ? { ...field, failureCode: refusal.code } : field,
    ),
    audit: plan.audit.map((entry) =>
      entry.fieldKey !== null &&
      keys.has(entry.fieldKey) &&
      entry.direction === 'to_salesforce' &&
      entry.action === 'field_written'
        ? { ...entry, action: 'field_failed' as const, reason: refusal.code }
        : entry,
    ),
  };
  return true;
}

/**
 * What Salesforce refused as a whole request earlier in the batch, so a later round of the same batch (a
 * record just created, read back and synced in full) leaves it out without being refused again: a field
 * it does not know, or a field's value it could not read.
 */
const refusedInBatch = new WeakMap<BatchContext, Map<string, RefusedRequest>>();

function refusalKey(type: string, field: string, value: unknown, refusal: RefusedRequest): string {
  const base = `${type}:${field.toLowerCase()}`;
  return refusal.code === 'INVALID_FIELD' ? base : `${base}:${JSON.stringify(value ?? null)}`;
}

function knownRefusals(context: BatchContext): Map<string, RefusedRequest> {
  const known = refusedInBatch.get(context) ?? new Map<string, RefusedRequest>();
  refusedInBatch.set(context, known);
  return known;
}

/** Leaves out, before sending, what this batch already saw Salesforce refuse. */
function leaveOutKnownRefusals(context: BatchContext, type: string, batch: readonly UnitWrites[]): void {
  const known = refusedInBatch.get(context);
  if (!known || known.size === 0) return;
  for (const writes of batch) {
    const fields = writes.salesforce?.fields ?? {};
    const byRefusal = new Map<RefusedRequest, string[]>();
    for (const [name, value] of Object.entries(fields)) {
      const refusal =
        known.get(`${type}:${name.toLowerCase()}`) ??
        known.get(refusalKey(type, name, value, { code: 'JSON_PARSER_ERROR', message: '' }));
      if (refusal) byRefusal.set(refusal, [...(byRefusal.get(refusal) ?? []), name]);
    }
    for (const [refusal, names] of byRefusal) failSalesforceFields(writes, names, refusal);
  }
}

/**
 * One Salesforce batch call (upserts, creates or updates of one object), coping with a request refused as a
 * whole: see the module comment.
 */
async function attemptSalesforce(
  context: BatchContext,
  type: SalesforceObjectType,
  batch: readonly UnitWrites[],
  send: (batch: readonly UnitWrites[], options: WriteOptions) => Promise<SalesforceWriteOutcome[]>,
): Promise<void> {
  leaveOutKnownRefusals(context, type, batch);
  let pending = batch.filter((writes) => !settledWithoutCall(writes));
  let isolate = false;
  for (let retries = 0; pending.length > 0; retries += 1) {
    try {
      const outcomes = await send(pending, { isolateRequestRefusals: isolate });
      pending.forEach((writes, index) => {
        const outcome = outcomes[index];
        if (outcome !== undefined) record(writes, 'salesforce', outcome);
      });
      return;
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal || isolate || retries >= MAX_REFUSAL_RETRIES) {
        for (const writes of pending) writes.outcomes.salesforce = { ok: false, callError: error };
        return;
      }
      let describe: OrgFields;
      try {
        describe = context.refreshSalesforceDescribe
          ? await context.refreshSalesforceDescribe()
          : context.metadata.describe;
      } catch (refreshError) {
        for (const writes of pending) writes.outcomes.salesforce = { ok: false, callError: refreshError };
        return;
      }
      const refused = fieldsRefused(
        refusal,
        pending.map((writes) => writes.salesforce?.fields ?? {}),
        describe[type],
      );
      context.logger.warn(
        { installationId: context.installationId, type, code: refusal.code, fields: refused },
        refused.length > 0
          ? `Salesforce refused a ${type} write for field(s) ${refused.join(', ')}; sending it again without them`
          : `Salesforce refused a ${type} write as a whole (${refusal.code}) and no field explains it; isolating the records`,
      );
      if (refused.length === 0) {
        isolate = true;
        continue;
      }
      let leftOut = false;
      const known = knownRefusals(context);
      for (const writes of pending) {
        const fields = writes.salesforce?.fields ?? {};
        const names = refusedInRecord(refusal, refused, fields, describe[type]);
        for (const name of names) known.set(refusalKey(type, name, fields[name], refusal), refusal);
        if (failSalesforceFields(writes, names, refusal)) leftOut = true;
      }
      // Nothing could be left out after all: sending the same call again would meet the same refusal.
      if (!leftOut) isolate = true;
      pending = pending.filter((writes) => !settledWithoutCall(writes));
    }
  }
}

function hubspotIdsOf(all: readonly UnitWrites[]): string[] {
  return all.flatMap((writes) => (writes.unit.hubspot ? [writes.unit.hubspot.id] : []));
}

/**
 * After plain creates: those Salesforce answered are no longer in doubt; those whose call failed as a whole
 * have ended without an answer; those abandoned at their deadline are left for the round (`endLostCreates`).
 */
async function settleCreatesInDoubt(context: BatchContext, plain: readonly UnitWrites[]): Promise<void> {
  const answered = plain.filter((writes) => {
    const outcome = writes.outcomes.salesforce;
    return outcome !== undefined && !('callError' in outcome);
  });
  const ended = plain.filter((writes) => {
    const outcome = writes.outcomes.salesforce;
    return outcome !== undefined && 'callError' in outcome && abandonedCallOf(outcome.callError) === null;
  });
  await createsInDoubt.forget(context.db, context.installationId, context.objectType, hubspotIdsOf(answered));
  await createsInDoubt.markEnded(
    context.db,
    context.installationId,
    context.objectType,
    hubspotIdsOf(ended),
    context.now(),
  );
}

/**
 * Plain creates abandoned at their deadline: once their calls have ended (`ended`), the next attempt may look
 * for what they made; until then it waits (see domain/lostCreates.ts). Calls still out when the round stops
 * waiting are marked when they end.
 */
export async function endLostCreates(
  context: BatchContext,
  all: readonly UnitWrites[],
  ended: boolean,
): Promise<void> {
  const lost = all.flatMap((writes) => {
    const outcome = writes.outcomes.salesforce;
    const call = outcome && 'callError' in outcome ? abandonedCallOf(outcome.callError) : null;
    const plain = writes.salesforce?.kind === 'create' && !writes.salesforce.upsertField;
    return call && plain && writes.unit.hubspot ? [{ hubspotId: writes.unit.hubspot.id, call }] : [];
  });
  const mark = (hubspotIds: string[]) =>
    createsInDoubt.markEnded(
      context.db,
      context.installationId,
      context.objectType,
      hubspotIds,
      context.now(),
    );
  if (lost.length === 0) return;
  if (ended) {
    await mark(lost.map((entry) => entry.hubspotId));
    return;
  }
  for (const entry of lost) {
    void entry.call
      .then(() => mark([entry.hubspotId]))
      .catch((error: unknown) =>
        context.logger.warn(
          { installationId: context.installationId, hubspotId: entry.hubspotId },
          `could not note the end of a Salesforce create that got no answer: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }
}

export async function writeSalesforce(
  context: BatchContext,
  all: readonly UnitWrites[],
  onCreatedWithoutKey: (writes: UnitWrites, id: string) => Promise<void>,
): Promise<void> {
  type Create = Extract<UnitWrites['salesforce'], { kind: 'create' }>;
  type Update = Extract<UnitWrites['salesforce'], { kind: 'update' }>;
  const contactRoles = takeContactRoles(all);
  for (const type of context.salesforceTypes) {
    const records = context.salesforce[type];
    const ofType = all.filter((writes) => writes.salesforce?.type === type);
    const creates = ofType.filter((writes) => writes.salesforce?.kind === 'create');
    const byUpsertField = new Map<string, UnitWrites[]>();
    for (const writes of creates) {
      const write = writes.salesforce;
      if (write?.kind !== 'create' || !write.upsertField) continue;
      byUpsertField.set(write.upsertField, [...(byUpsertField.get(write.upsertField) ?? []), writes]);
    }
    for (const [field, batch] of byUpsertField) {
      await attemptSalesforce(context, type, batch, (pending, options) =>
        records.upsert(
          field,
          pending.map((writes) => {
            const write = writes.salesforce as Create;
            return { externalId: write.key, fields: write.fields };
          }),
          options,
        ),
      );
    }
    const plain = creates.filter(
      (writes) => writes.salesforce?.kind === 'create' && !writes.salesforce.upsertField,
    );
    // Written before the call: should its answer be lost, the next attempt looks for what it made first.
    const sentAt = context.now();
    await createsInDoubt.recordSent(
      context.db,
      context.installationId,
      plain.flatMap((writes) =>
        writes.unit.hubspot
          ? [
              {
                hubspotObjectType: context.objectType,
                hubspotId: writes.unit.hubspot.id,
                salesforceObjectType: type,
                fields: (writes.salesforce as Create).fields,
              },
            ]
          : [],
      ),
      sentAt,
    );
    await attemptSalesforce(context, type, plain, (pending, options) =>
      records.create(
        pending.map((writes) => ({ fields: (writes.salesforce as Create).fields })),
        options,
      ),
    );
    await settleCreatesInDoubt(context, plain);
    for (const writes of plain) {
      const outcome = writes.outcomes.salesforce;
      if (outcome?.ok) await onCreatedWithoutKey(writes, outcome.id);
    }
    const updates = ofType.filter((writes) => writes.salesforce?.kind === 'update');
    await attemptSalesforce(context, type, updates, (pending, options) =>
      records.update(
        pending.map((writes) => {
          const write = writes.salesforce as Update;
          return { id: write.id, fields: write.fields };
        }),
        options,
      ),
    );
  }
  await writeContactRoles(context, contactRoles);
}

/** The lifecycle stage value map of the settings, when the stage is mapped through one. */
function lifecycleGroups(context: BatchContext): readonly PicklistGroup[] {
  const mapping = context.settings.objects[context.objectType].fields.find(
    (candidate) => candidate.hubspotProperty === LIFECYCLE_STAGE_PROPERTY,
  );
  return mapping?.transform.kind === 'picklist' ? mapping.transform.options : [];
}

/** Writes the portal does not have the stage of get another value of the stage's group it does have. */
function useLiveStages(context: BatchContext, all: readonly UnitWrites[]): void {
  const stages = context.metadata.lifecycleStages;
  if (!stages) return;
  const groups = lifecycleGroups(context);
  for (const writes of all) {
    const value = writes.hubspot?.properties[LIFECYCLE_STAGE_PROPERTY];
    if (writes.hubspot && value !== undefined) {
      const live = liveStageFor(value, groups, stages);
      if (live !== value) {
        writes.hubspot = {
          ...writes.hubspot,
          properties: { ...writes.hubspot.properties, [LIFECYCLE_STAGE_PROPERTY]: live },
        };
      }
    }
  }
}

/**
 * HubSpot takes a lifecycle stage backward only once it is cleared: clear it on the records an update moves
 * backward (one batch call for them all), before the update. A record whose clearing failed is not updated.
 */
async function clearBackwardStages(context: BatchContext, updates: readonly UnitWrites[]): Promise<void> {
  const stages = context.metadata.lifecycleStages;
  if (!stages) return;
  const backward = updates.filter((writes) =>
    movesBackward(
      writes.unit.hubspot?.properties[LIFECYCLE_STAGE_PROPERTY],
      writes.hubspot?.properties[LIFECYCLE_STAGE_PROPERTY],
      stages,
    ),
  );
  await attempt(
    backward,
    'hubspot',
    () =>
      context.hubspot.update(
        backward.map((writes) => ({
          id: (writes.hubspot as Extract<UnitWrites['hubspot'], { kind: 'update' }>).id,
          properties: { [LIFECYCLE_STAGE_PROPERTY]: '' },
        })),
      ),
    (writes, outcome) => {
      if (!outcome.ok) record(writes, 'hubspot', outcome);
    },
  );
}

/**
 * A unit's associations, taken out of its HubSpot write: the primary company to set (a company id) or clear
 * (''), and the contacts a deal is to be associated with (HubSpot ids), each only when the plan writes it.
 */
interface HubspotAssociationWrite {
  readonly writes: UnitWrites;
  readonly primaryCompany: string | null;
  readonly contacts: readonly string[] | null;
}

/**
 * Takes the associations out of each HubSpot write (they are no properties: they go through the associations
 * API once the record exists). An update left with nothing else to write needs no call.
 */
function takeHubspotAssociations(all: readonly UnitWrites[]): HubspotAssociationWrite[] {
  const taken: HubspotAssociationWrite[] = [];
  for (const writes of all) {
    const write = writes.hubspot;
    if (!write) continue;
    const hasCompany = Object.hasOwn(write.properties, PRIMARY_COMPANY_PROPERTY);
    const hasContacts = Object.hasOwn(write.properties, CONTACTS_PROPERTY);
    if (!hasCompany && !hasContacts) continue;
    const {
      [PRIMARY_COMPANY_PROPERTY]: companyId,
      [CONTACTS_PROPERTY]: contacts,
      ...rest
    } = write.properties;
    write.properties = rest;
    taken.push({
      writes,
      primaryCompany: hasCompany ? (companyId ?? '') : null,
      contacts: hasContacts ? idsOfWire(contacts ?? '') : null,
    });
    if (write.kind === 'update' && Object.keys(rest).length === 0) {
      writes.outcomes.hubspot ??= { ok: true, id: write.id, created: false };
    }
  }
  return taken;
}

/** The keys of the batch object's mappings of one association. */
function associationKeys(context: BatchContext, property: string): Set<string> {
  return new Set(
    context.settings.objects[context.objectType].fields
      .filter((mapping) => mapping.hubspotProperty === property)
      .map((mapping) => mapping.key),
  );
}

/** Sets or clears the primary company, and adds and removes the contacts, of each record written. */
async function writeHubspotAssociations(
  context: BatchContext,
  taken: readonly HubspotAssociationWrite[],
): Promise<void> {
  const companyKeys = associationKeys(context, PRIMARY_COMPANY_PROPERTY);
  const contactKeys = associationKeys(context, CONTACTS_PROPERTY);
  const sets: Array<{ writes: UnitWrites; id: string; companyId: string }> = [];
  const clears: Array<{ writes: UnitWrites; id: string; companyId: string }> = [];
  const adds: Array<{ writes: UnitWrites; id: string; toId: string }> = [];
  const removes: Array<{ writes: UnitWrites; id: string; toId: string }> = [];
  for (const { writes, primaryCompany, contacts } of taken) {
    const outcome = writes.outcomes.hubspot;
    if (!outcome?.ok) continue;
    const current = writes.unit.hubspot?.properties ?? {};
    if (primaryCompany !== null) {
      const was = current[PRIMARY_COMPANY_PROPERTY] ?? null;
      if (primaryCompany !== '') sets.push({ writes, id: outcome.id, companyId: primaryCompany });
      else if (was) clears.push({ writes, id: outcome.id, companyId: was });
    }
    if (contacts !== null) {
      const had = new Set(idsOfWire(current[CONTACTS_PROPERTY] ?? ''));
      for (const toId of contacts) if (!had.has(toId)) adds.push({ writes, id: outcome.id, toId });
      for (const toId of had) if (!contacts.includes(toId)) removes.push({ writes, id: outcome.id, toId });
    }
  }
  try {
    const setOutcomes = await context.hubspot.setPrimaryCompanies(
      sets.map(({ id, companyId }) => ({ id, companyId })),
    );
    sets.forEach(({ writes }, index) => {
      const outcome = setOutcomes[index];
      if (outcome && !outcome.ok) failAssociation(writes, outcome.failure, companyKeys, 'hubspot');
    });
    await context.hubspot.clearPrimaryCompanies(clears.map(({ id, companyId }) => ({ id, companyId })));
    const addOutcomes = await context.hubspot.changeAssociations(
      'contacts',
      adds.map(({ id, toId }) => ({ id, toId })),
      removes.map(({ id, toId }) => ({ id, toId })),
    );
    adds.forEach(({ writes }, index) => {
      const outcome = addOutcomes[index];
      if (outcome && !outcome.ok) failAssociation(writes, outcome.failure, contactKeys, 'hubspot');
    });
  } catch (error) {
    // The records were written but their associations were not: the whole unit goes again (its writes are
    // idempotent), so nothing is recorded as synced that was not.
    for (const { writes } of [...sets, ...clears, ...adds, ...removes])
      writes.outcomes.hubspot = { ok: false, callError: error };
  }
}

/** The contacts a unit's Opportunity is to have as contact roles, taken out of its Salesforce write. */
function takeContactRoles(all: readonly UnitWrites[]): Array<{ writes: UnitWrites; contactIds: string[] }> {
  const taken: Array<{ writes: UnitWrites; contactIds: string[] }> = [];
  for (const writes of all) {
    const write = writes.salesforce;
    if (!write || !Object.hasOwn(write.fields, CONTACT_ROLES_FIELD)) continue;
    const { [CONTACT_ROLES_FIELD]: value, ...rest } = write.fields;
    write.fields = rest;
    taken.push({ writes, contactIds: idsOfWire(typeof value === 'string' ? value : '') });
  }
  return taken;
}

/** Adds and deletes the contact roles of each Opportunity written, once it exists. */
async function writeContactRoles(
  context: BatchContext,
  taken: ReadonlyArray<{ writes: UnitWrites; contactIds: string[] }>,
): Promise<void> {
  const keys = associationKeys(context, CONTACTS_PROPERTY);
  const add: Array<{ opportunityId: string; contactId: string }> = [];
  const remove: Array<{ opportunityId: string; roleId: string }> = [];
  const byOpportunity = new Map<string, UnitWrites>();
  for (const { writes, contactIds } of taken) {
    const outcome = writes.outcomes.salesforce;
    if (!outcome?.ok) continue;
    byOpportunity.set(outcome.id, writes);
    const wire = writes.unit.salesforce?.fields[CONTACT_ROLES_FIELD];
    const roles = (typeof wire === 'string' ? wire.split(';') : [])
      .map((entry) => entry.split(':'))
      .flatMap(([contactId, roleId]) => (contactId && roleId ? [{ contactId, roleId }] : []));
    const had = new Set(roles.map((role) => role.contactId.slice(0, 15)));
    for (const contactId of contactIds)
      if (!had.has(contactId.slice(0, 15))) add.push({ opportunityId: outcome.id, contactId });
    const wanted = new Set(contactIds.map((id) => id.slice(0, 15)));
    for (const role of roles)
      if (!wanted.has(role.contactId.slice(0, 15)))
        remove.push({ opportunityId: outcome.id, roleId: role.roleId });
  }
  if (add.length === 0 && remove.length === 0) return;
  try {
    const refused = await context.salesforce.Opportunity.changeContactRoles(add, remove);
    // The roles this sync deleted: the contact-role poll need not bring their Opportunities back.
    const deleted = remove.filter((role) => !refused.has(role.opportunityId)).map((role) => role.roleId);
    if (deleted.length > 0) await contactRolesSeen.forget(context.db, context.installationId, deleted);
    for (const [opportunityId, failure] of refused) {
      const writes = byOpportunity.get(opportunityId);
      if (writes) failAssociation(writes, failure, keys, 'salesforce');
    }
  } catch (error) {
    for (const { writes } of taken) {
      if (writes.outcomes.salesforce?.ok) writes.outcomes.salesforce = { ok: false, callError: error };
    }
  }
}

/** An association a system refused: no shadow for it, a failure in the plan, its audit line says so. */
function failAssociation(
  writes: UnitWrites,
  failure: SyncFailure,
  mappingKeys: ReadonlySet<string>,
  side: Side,
): void {
  const plan = writes.plan;
  const direction = side === 'hubspot' ? 'to_hubspot' : 'to_salesforce';
  const keys = new Set(
    plan.fields
      .filter((field) => field.decision.to === side && mappingKeys.has(field.key))
      .map((field) => field.key),
  );
  writes.plan = {
    ...plan,
    failures: [...plan.failures, ...[...keys].map((fieldKey) => ({ ...failure, fieldKey }))],
    shadowUpdates: plan.shadowUpdates.filter(
      (update) => !(keys.has(update.key) && update.requiresWrites.includes(side)),
    ),
    fields: plan.fields.map((field) =>
      keys.has(field.key) ? { ...field, failureCode: failure.code } : field,
    ),
    audit: plan.audit.map((entry) =>
      entry.fieldKey !== null &&
      keys.has(entry.fieldKey) &&
      entry.direction === direction &&
      entry.action === 'field_written'
        ? { ...entry, action: 'field_failed' as const, reason: failure.code }
        : entry,
    ),
  };
}

export async function writeHubspot(context: BatchContext, all: readonly UnitWrites[]): Promise<void> {
  useLiveStages(context, all);
  const associations = takeHubspotAssociations(all);
  const creates = all.filter((writes) => writes.hubspot?.kind === 'create');
  const byProperty = new Map<string, UnitWrites[]>();
  for (const writes of creates) {
    const write = writes.hubspot as Extract<UnitWrites['hubspot'], { kind: 'create' }>;
    byProperty.set(write.upsertProperty, [...(byProperty.get(write.upsertProperty) ?? []), writes]);
  }
  for (const [property, batch] of byProperty) {
    await attempt(
      batch,
      'hubspot',
      () =>
        context.hubspot.upsert(
          property,
          batch.map((writes) => {
            const write = writes.hubspot as Extract<UnitWrites['hubspot'], { kind: 'create' }>;
            return { idValue: write.key, properties: write.properties };
          }),
        ),
      (writes, outcome) => record(writes, 'hubspot', outcome),
    );
  }
  await clearBackwardStages(
    context,
    all.filter((writes) => writes.hubspot?.kind === 'update'),
  );
  // Updates whose stage could not be cleared first already have their outcome.
  const updates = all.filter((writes) => writes.hubspot?.kind === 'update' && !writes.outcomes.hubspot);
  await attempt(
    updates,
    'hubspot',
    () =>
      context.hubspot.update(
        updates.map((writes) => {
          const write = writes.hubspot as Extract<UnitWrites['hubspot'], { kind: 'update' }>;
          return { id: write.id, properties: write.properties };
        }),
      ),
    (writes, outcome) => record(writes, 'hubspot', outcome),
  );
  await writeHubspotAssociations(context, associations);
}
