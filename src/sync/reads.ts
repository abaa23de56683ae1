/**
 * Reading what a batch lacks, in batch calls: the records of its units (one HubSpot batch read per 100, one
 * SOQL query per Salesforce object per 300 ids), the candidates of unlinked records (Salesforce: one query
 * per object matching every email and cross-id of the batch at once; HubSpot: one batch read each by
 * stored id, by the Salesforce-id property and by email), and, only for records whose fields really
 * compete, HubSpot's per-property change times.
 *
 * Nothing is read that a dirty payload already carries, and nothing is read for a unit that does not need
 * it: the caller decides which sides to read.
 */
import * as contactRolesSeen from '../db/contactRolesSeen';
import * as createsInDoubt from '../db/createsInDoubt';
import type { CreateInDoubt } from '../db/createsInDoubt';
import * as links from '../db/links';
import {
  CREATED_SINCE_MARGIN_MS,
  FORGET_AFTER_MS,
  holdsWhatWasSent,
  mayStillLand,
} from '../domain/lostCreates';
import type { HubspotRecord, SalesforceRecord, Side } from '../domain/records';
import { sameSalesforceId } from '../domain/records';
import { salesforceFieldOf } from '../domain/plan/fields';
import type { FieldMapping, ObjectSettings } from '../domain/settings/schema';
import { normalizeDomain, normalizeEmail } from '../domain/transforms/text';
import {
  CONTACT_ROLES_FIELD,
  CONTACTS_PROPERTY,
  idsOfWire,
  indexLinks,
  PRIMARY_COMPANY_PROPERTY,
  type AssociationLinks,
} from '../domain/transforms/association';
import type { BatchContext } from './context';
import type { SalesforceObjectType } from '../domain/records';
import { salesforceTypeOfId } from '../settings/fields';
import { NO_CANDIDATES, unitRecords, type Candidates, type Sides, type StoredUnit, type Unit } from './unit';

/** At most this many records created since a lost create are looked through, per object and batch. */
const LOST_CREATE_LOOKUP_LIMIT = 2_000;

/**
 * Reads the given side of each unit that `known` does not hold yet. Returns every unit's sides: what was
 * known, plus what was read (null: not found at all).
 */
export async function readSides(
  context: BatchContext,
  wanted: ReadonlyArray<{ unit: StoredUnit; side: Side }>,
  known: ReadonlyMap<string, Sides>,
): Promise<Map<string, Sides>> {
  const sides = new Map(known);
  const lacking = wanted.filter((want) => known.get(want.unit.key)?.[want.side] === undefined);
  const hubspotUnits = lacking.filter((want) => want.side === 'hubspot');
  const hubspotIds = [...new Set(hubspotUnits.flatMap((want) => unitRecords(want.unit).hubspotId ?? []))];
  if (hubspotIds.length > 0) {
    const found = await context.hubspot.readByIds(hubspotIds, context.hubspotProperties);
    const missing = hubspotIds.filter((id) => !found.has(id));
    const archived =
      missing.length > 0
        ? await context.hubspot.readArchivedByIds(missing, context.hubspotProperties)
        : new Map<string, HubspotRecord>();
    for (const { unit } of hubspotUnits) {
      const id = unitRecords(unit).hubspotId;
      if (id)
        sides.set(unit.key, { ...sides.get(unit.key), hubspot: found.get(id) ?? archived.get(id) ?? null });
    }
  }
  const salesforceUnits = lacking.filter((want) => want.side === 'salesforce');
  for (const type of context.salesforceTypes) {
    const ofType = salesforceUnits.filter((want) => unitRecords(want.unit).salesforce?.type === type);
    const ids = [...new Set(ofType.flatMap((want) => unitRecords(want.unit).salesforce?.id ?? []))];
    if (ids.length === 0) continue;
    const found = await context.salesforce[type].readByIds(ids, context.salesforceFields[type]);
    for (const { unit } of ofType) {
      const id = unitRecords(unit).salesforce?.id ?? '';
      sides.set(unit.key, {
        ...sides.get(unit.key),
        salesforce: found.get(id) ?? found.get(id.slice(0, 15)) ?? null,
      });
    }
  }
  // A record linked to a Salesforce object without the Account lookup (a Lead) needs no primary company.
  const unitOf = new Map(wanted.map((want) => [want.unit.key, want.unit]));
  const hubspotRecords = [...sides].flatMap(([key, read]) => {
    const type = unitOf.get(key)?.link?.salesforceObjectType as SalesforceObjectType | undefined;
    return read.hubspot && (!type || syncsAssociation(context, type)) ? [read.hubspot] : [];
  });
  const filled = await withAssociations(context, hubspotRecords);
  const salesforceRecords = [...sides.values()].flatMap((read) => (read.salesforce ? [read.salesforce] : []));
  const withRoles = await withContactRoles(context, salesforceRecords);
  if (filled.size > 0 || withRoles.size > 0) {
    for (const [key, read] of sides) {
      const hubspot = read.hubspot ? filled.get(read.hubspot.id) : undefined;
      const salesforce = read.salesforce ? withRoles.get(read.salesforce.id) : undefined;
      if (hubspot || salesforce)
        sides.set(key, { ...read, ...(hubspot ? { hubspot } : {}), ...(salesforce ? { salesforce } : {}) });
    }
  }
  return sides;
}

/** The association mappings of the batch's object that sync (the org and the settings allow them). */
function associationMappings(context: BatchContext, to?: 'companies' | 'contacts'): FieldMapping[] {
  return objectSettingsOf(context).fields.filter(
    (mapping) =>
      mapping.transform.kind === 'association' &&
      mapping.rule !== 'none' &&
      (!to || mapping.transform.to === to),
  );
}

/** Whether an association of the batch's object syncs for records of the Salesforce object given. */
function syncsAssociation(context: BatchContext, type: SalesforceObjectType): boolean {
  return associationMappings(context).some((mapping) => salesforceFieldOf(mapping, type) !== null);
}

/**
 * The live records among `records` that lack their associations, with them (in the reserved properties
 * PRIMARY_COMPANY_PROPERTY and CONTACTS_PROPERTY), by record id: one association read per 1,000 records and
 * association. Records that carry them already (read earlier in the batch) are not read again; archived
 * ones have none to read.
 */
export async function withAssociations(
  context: BatchContext,
  records: readonly HubspotRecord[],
): Promise<Map<string, HubspotRecord>> {
  const filled = new Map<string, HubspotRecord>();
  const reads = [
    {
      property: PRIMARY_COMPANY_PROPERTY,
      wanted: associationMappings(context, 'companies').length > 0,
      read: async (ids: string[]) => {
        const found = await context.hubspot.readPrimaryCompanies(ids);
        return (id: string) => found.get(id) ?? null;
      },
    },
    {
      property: CONTACTS_PROPERTY,
      wanted: associationMappings(context, 'contacts').length > 0,
      read: async (ids: string[]) => {
        const found = await context.hubspot.readAssociatedIds(ids, 'contacts');
        return (id: string) => (found.get(id) ?? []).join(';') || null;
      },
    },
  ];
  for (const { property, wanted, read } of reads) {
    if (!wanted) continue;
    const lacking = records
      .map((record) => filled.get(record.id) ?? record)
      .filter((record) => !record.archived && !Object.hasOwn(record.properties, property));
    if (lacking.length === 0) continue;
    const valueOf = await read(lacking.map((record) => record.id));
    for (const record of lacking) {
      filled.set(record.id, {
        ...record,
        properties: { ...record.properties, [property]: valueOf(record.id) },
      });
    }
  }
  return filled;
}

/**
 * The Opportunities among `records` that lack their contact roles, with them (in the reserved field
 * CONTACT_ROLES_FIELD, `contactId:roleId;…`), by record id: one query per batch of Opportunities. Only when
 * the deals' contacts sync.
 */
export async function withContactRoles(
  context: BatchContext,
  records: readonly SalesforceRecord[],
): Promise<Map<string, SalesforceRecord>> {
  const filled = new Map<string, SalesforceRecord>();
  if (associationMappings(context, 'contacts').length === 0) return filled;
  const lacking = records.filter(
    (record) =>
      record.type === 'Opportunity' &&
      !record.isDeleted &&
      !Object.hasOwn(record.fields, CONTACT_ROLES_FIELD),
  );
  if (lacking.length === 0) return filled;
  const roles = await context.salesforce.Opportunity.readContactRoles(lacking.map((record) => record.id));
  // Kept so that a role deleted later (which Salesforce names by its id alone) leads back to its Opportunity.
  await contactRolesSeen.remember(
    context.db,
    context.installationId,
    lacking.flatMap((record) =>
      (roles.get(record.id) ?? []).map((role) => ({ roleId: role.id, opportunityId: record.id })),
    ),
    context.now(),
  );
  for (const record of lacking) {
    const own = roles.get(record.id) ?? roles.get(record.id.slice(0, 15)) ?? [];
    const wire = own.map((role) => `${role.contactId}:${role.id}`).join(';');
    filled.set(record.id, { ...record, fields: { ...record.fields, [CONTACT_ROLES_FIELD]: wire || null } });
  }
  return filled;
}

/**
 * The links that the records at hand name through their associations (companies and Accounts, contacts and
 * Contacts): one query per 500 ids and object, none when the object syncs no association.
 */
export async function associationLinksFor(
  context: BatchContext,
  hubspotRecords: ReadonlyArray<HubspotRecord | null>,
  salesforceRecords: ReadonlyArray<SalesforceRecord | null>,
): Promise<AssociationLinks> {
  const indexOf = async (to: 'companies' | 'contacts') => {
    const mappings = associationMappings(context, to);
    if (mappings.length === 0) return indexLinks([]);
    const hubspotIds = hubspotRecords.flatMap((record) =>
      mappings.flatMap((mapping) => idsOfWire(record?.properties[mapping.hubspotProperty] ?? '')),
    );
    const salesforceIds = salesforceRecords.flatMap((record) =>
      mappings.flatMap((mapping) => {
        const field = record ? salesforceFieldOf(mapping, record.type) : null;
        const value = field ? record?.fields[field] : null;
        return typeof value === 'string' ? idsOfWire(value) : [];
      }),
    );
    if (hubspotIds.length === 0 && salesforceIds.length === 0) return indexLinks([]);
    const found = await links.findActiveAmong(context.db, context.installationId, to, {
      hubspotIds,
      salesforceIds: [...salesforceIds, ...salesforceIds.map((id) => id.slice(0, 15))],
    });
    // A deal's contacts are Contacts: a contact linked to a Lead has no Contact to be a role.
    const usable =
      to === 'contacts' ? found.filter((link) => link.salesforceObjectType === 'Contact') : found;
    return indexLinks(usable.map((link) => ({ hubspotId: link.hubspotId, salesforceId: link.salesforceId })));
  };
  return { companies: await indexOf('companies'), contacts: await indexOf('contacts') };
}

function objectSettingsOf(context: BatchContext): ObjectSettings {
  return context.settings.objects[context.objectType];
}

/** The mapping that identifies a record across the systems besides the cross-ids: email, or web domain. */
function naturalKey(context: BatchContext): { kind: 'email' | 'domain'; mapping: FieldMapping } | null {
  for (const mapping of objectSettingsOf(context).fields) {
    const kind = mapping.transform.kind;
    if (kind === 'email' || kind === 'domain') return { kind, mapping };
  }
  return null;
}

function keyField(context: BatchContext, type: SalesforceObjectType): string | null {
  const key = naturalKey(context);
  return key ? salesforceFieldOf(key.mapping, type) : null;
}

function crossIdField(context: BatchContext, type: SalesforceObjectType): string | null {
  const fields = objectSettingsOf(context).crossId.salesforceField as Partial<
    Record<SalesforceObjectType, string | null>
  >;
  return fields[type] ?? null;
}

function keyOf(context: BatchContext, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return naturalKey(context)?.kind === 'domain' ? normalizeDomain(value) : normalizeEmail(value);
}

/** An unlinked unit with the record it is about, as read. */
export interface Unlinked {
  readonly unit: StoredUnit;
  readonly hubspot: HubspotRecord | null;
  readonly salesforce: SalesforceRecord | null;
}

/** Candidates on the other side for every unlinked unit, found by cross-ids and email in batch calls. */
export async function readCandidates(
  context: BatchContext,
  units: readonly Unlinked[],
): Promise<Map<string, Candidates>> {
  const found = new Map<string, Candidates>();
  const fromHubspot = units.flatMap((entry) =>
    !entry.unit.link && entry.hubspot && !entry.hubspot.archived
      ? [{ key: entry.unit.key, record: entry.hubspot }]
      : [],
  );
  const fromSalesforce = units.flatMap((entry) =>
    !entry.unit.link && entry.salesforce && !entry.salesforce.isDeleted
      ? [{ key: entry.unit.key, record: entry.salesforce }]
      : [],
  );
  if (fromHubspot.length > 0) {
    const candidates = await salesforceCandidates(context, fromHubspot);
    const lost = await readLostCreates(context, fromHubspot);
    for (const { key } of fromHubspot) {
      found.set(key, { ...NO_CANDIDATES, ...candidates.get(key), ...lost.get(key) });
    }
  }
  if (fromSalesforce.length > 0) {
    const candidates = await hubspotCandidates(context, fromSalesforce);
    for (const { key } of fromSalesforce) found.set(key, { ...NO_CANDIDATES, ...candidates.get(key) });
  }
  return found;
}

type Subject<R> = { readonly key: string; readonly record: R };
type Found = Pick<Candidates, 'candidates' | 'linkedCandidateIds'>;

/**
 * For HubSpot records whose earlier create in Salesforce got no answer: whether that create may still land
 * (the unit then waits), and otherwise the records it may have made, read in one query per object among
 * those the integration user created since the oldest attempt.
 */
async function readLostCreates(
  context: BatchContext,
  units: ReadonlyArray<Subject<HubspotRecord>>,
): Promise<Map<string, Pick<Candidates, 'lostCreate' | 'createdByBridge'>>> {
  const found = new Map<string, Pick<Candidates, 'lostCreate' | 'createdByBridge'>>();
  const nowMs = context.now();
  const keyOf = new Map(units.map((unit) => [unit.record.id, unit.key]));
  const sent = await createsInDoubt.forRecords(context.db, context.installationId, context.objectType, [
    ...keyOf.keys(),
  ]);
  const stale = sent.filter((create) => create.sentAt < nowMs - FORGET_AFTER_MS);
  await createsInDoubt.forget(
    context.db,
    context.installationId,
    context.objectType,
    stale.map((create) => create.hubspotId),
  );
  const toLookUp: CreateInDoubt[] = [];
  for (const create of sent) {
    const key = keyOf.get(create.hubspotId);
    if (!key || create.sentAt < nowMs - FORGET_AFTER_MS) continue;
    const waiting = mayStillLand(create, nowMs);
    found.set(key, { lostCreate: { sentAt: create.sentAt, mayStillLand: waiting }, createdByBridge: [] });
    if (!waiting) toLookUp.push(create);
  }
  for (const type of context.salesforceTypes) {
    const ofType = toLookUp.filter((create) => create.salesforceObjectType === type);
    if (ofType.length === 0) continue;
    const since = Math.min(...ofType.map((create) => create.sentAt)) - CREATED_SINCE_MARGIN_MS;
    const created = await context.salesforce[type].readCreatedSince(
      context.salesforceUserId,
      since,
      context.salesforceFields[type],
      LOST_CREATE_LOOKUP_LIMIT,
    );
    for (const create of ofType) {
      const key = keyOf.get(create.hubspotId);
      const entry = key ? found.get(key) : undefined;
      if (key && entry) {
        found.set(key, {
          ...entry,
          createdByBridge: created.filter((record) => holdsWhatWasSent(record, create.fields)),
        });
      }
    }
  }
  return found;
}

async function salesforceCandidates(
  context: BatchContext,
  units: ReadonlyArray<Subject<HubspotRecord>>,
): Promise<Map<string, Found>> {
  const found = new Map<string, Found>();
  const crossIdProperty = objectSettingsOf(context).crossId.hubspotProperty;
  const key = naturalKey(context);
  const keyProperty = key?.mapping.hubspotProperty ?? null;
  const subjects = units.map((unit) => unit.record);
  const keys = subjects.flatMap((record) =>
    keyProperty ? (keyOf(context, record.properties[keyProperty]) ?? []) : [],
  );
  const storedIds = subjects.flatMap((record) => record.properties[crossIdProperty] ?? []);
  const pool = new Map<string, SalesforceRecord>();
  for (const type of context.salesforceTypes) {
    const field = keyField(context, type);
    const crossField = crossIdField(context, type);
    const conditions = [
      // A web address holds its domain somewhere (`https://www.acme.com/about`): found by LIKE, then
      // compared as domains below.
      ...(field ? [{ field, values: keys, ...(key?.kind === 'domain' ? { contains: true } : {}) }] : []),
      ...(crossField ? [{ field: crossField, values: subjects.map((record) => record.id) }] : []),
    ];
    const fields = context.salesforceFields[type];
    for (const record of await context.salesforce[type].readMatching(conditions, fields)) {
      pool.set(record.id, record);
    }
    const ids = storedIds.filter((id) => salesforceTypeOfId(id) === type);
    if (ids.length > 0) {
      for (const record of (await context.salesforce[type].readByIds(ids, fields)).values()) {
        pool.set(record.id, record);
      }
    }
  }
  // A stored id may name a converted Lead: matching follows it to the Contact it became.
  const convertedContacts = [...pool.values()].flatMap((record) =>
    record.conversion?.convertedContactId && !pool.has(record.conversion.convertedContactId)
      ? [record.conversion.convertedContactId]
      : [],
  );
  if (convertedContacts.length > 0) {
    const found = await context.salesforce.Contact.readByIds(
      convertedContacts,
      context.salesforceFields.Contact,
    );
    for (const record of found.values()) pool.set(record.id, record);
  }
  for (const unit of units) {
    const subject = unit.record;
    const value = keyProperty ? keyOf(context, subject.properties[keyProperty]) : null;
    const storedId = subject.properties[crossIdProperty] ?? null;
    const direct = [...pool.values()].filter((record) => {
      const field = keyField(context, record.type);
      const crossField = crossIdField(context, record.type);
      return (
        sameSalesforceId(record.id, storedId) ||
        (crossField !== null && record.fields[crossField] === subject.id) ||
        (value !== null && field !== null && keyOf(context, record.fields[field]) === value)
      );
    });
    const followed = direct.flatMap((record) => {
      const contactId = record.conversion?.convertedContactId;
      const contact = contactId
        ? [...pool.values()].find((other) => sameSalesforceId(other.id, contactId))
        : null;
      return contact ? [contact] : [];
    });
    const candidates = [...new Map([...direct, ...followed].map((record) => [record.id, record])).values()];
    const linkedCandidateIds: string[] = [];
    for (const candidate of candidates) {
      const link = await links.findActiveBySalesforce(context.db, context.installationId, candidate.id);
      if (link) linkedCandidateIds.push(candidate.id);
    }
    found.set(unit.key, { candidates, linkedCandidateIds });
  }
  return found;
}

async function hubspotCandidates(
  context: BatchContext,
  units: ReadonlyArray<Subject<SalesforceRecord>>,
): Promise<Map<string, Found>> {
  const found = new Map<string, Found>();
  const crossIdProperty = objectSettingsOf(context).crossId.hubspotProperty;
  const key = naturalKey(context);
  const keyProperty = key?.mapping.hubspotProperty ?? null;
  const subjects = units.map((unit) => unit.record);
  const storedOf = (record: SalesforceRecord) => {
    const field = crossIdField(context, record.type);
    const value = field ? record.fields[field] : null;
    return typeof value === 'string' && value.length > 0 ? value : null;
  };
  const keyFor = (record: SalesforceRecord) => {
    const field = keyField(context, record.type);
    return field ? keyOf(context, record.fields[field]) : null;
  };
  const pool = new Map<string, HubspotRecord>();
  const stored = subjects.flatMap((record) => storedOf(record) ?? []);
  if (stored.length > 0) {
    for (const record of (await context.hubspot.readByIds(stored, context.hubspotProperties)).values()) {
      pool.set(record.id, record);
    }
  }
  const byCrossId = await context.hubspot.readByUniqueProperty(
    crossIdProperty,
    subjects.map((record) => record.id),
    context.hubspotProperties,
  );
  for (const record of byCrossId) pool.set(record.id, record);
  const values = subjects.flatMap((record) => keyFor(record) ?? []);
  if (key && keyProperty && values.length > 0) {
    // Only a unique property can be looked up in a batch; HubSpot's `email` is one. A domain is searched
    // for, as written bare or with `www.` (HubSpot keeps what it was given).
    const found =
      keyProperty === 'email'
        ? await context.hubspot.readByUniqueProperty('email', values, context.hubspotProperties)
        : key.kind === 'domain'
          ? await context.hubspot.searchByValues(
              keyProperty,
              values.flatMap((domain) => [domain, `www.${domain}`]),
              context.hubspotProperties,
            )
          : [];
    for (const record of found) pool.set(record.id, record);
  }
  for (const record of (await withAssociations(context, [...pool.values()])).values()) {
    pool.set(record.id, record);
  }
  for (const unit of units) {
    const subject = unit.record;
    const storedId = storedOf(subject);
    const value = keyFor(subject);
    const candidates = [...pool.values()].filter(
      (record) =>
        record.id === storedId ||
        sameSalesforceId(record.properties[crossIdProperty], subject.id) ||
        (value !== null && keyProperty !== null && keyOf(context, record.properties[keyProperty]) === value),
    );
    const linkedCandidateIds: string[] = [];
    for (const candidate of candidates) {
      const link = await links.findActiveByHubspot(
        context.db,
        context.installationId,
        context.objectType,
        candidate.id,
      );
      if (link) linkedCandidateIds.push(candidate.id);
    }
    found.set(unit.key, { candidates, linkedCandidateIds });
  }
  return found;
}

/**
 * Re-reads HubSpot records with per-property history: only for records where a two-way field changed on
 * both sides, where "which change is newer" decides the value (50 records per call instead of 100).
 * Returns the records read, by unit key.
 */
export async function readHubspotHistory(
  context: BatchContext,
  units: readonly Unit[],
): Promise<Map<string, HubspotRecord>> {
  const ids = [
    ...new Set(units.flatMap((unit) => (unit.hubspot && !unit.hubspot.archived ? [unit.hubspot.id] : []))),
  ];
  const read = new Map<string, HubspotRecord>();
  if (ids.length === 0) return read;
  const historyFor = objectSettingsOf(context)
    .fields.filter((mapping) => mapping.rule === 'two_way')
    .map((mapping) => mapping.hubspotProperty);
  const found = await context.hubspot.readByIds(ids, context.hubspotProperties, { historyFor });
  for (const unit of units) {
    const id = unit.hubspot?.id;
    const record = id ? found.get(id) : undefined;
    if (record) read.set(unit.key, record);
  }
  return read;
}
