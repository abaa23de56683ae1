/**
 * What the sync reads and writes, derived from the settings and the org's describe: the HubSpot properties
 * and Salesforce fields of each record, and the settings as they can work in this org (a mapped field the
 * org does not have is not read or written; a cross-id field that is not an external id is not upserted on).
 *
 * Change detection reads records with the same lists (`hubspotPropertiesToRead`, `salesforceFieldsToRead`),
 * so a record it hands over in a dirty payload has everything the worker needs and is not read again.
 */
import { CONTACT_ROLES_FIELD, isAssociationProperty } from '../domain/transforms/association';
import { DEAL_PIPELINE_PROPERTY, RECORD_TYPE_ID_FIELD } from '../domain/transforms/stages';
import { APP_PROPERTY } from '../connectors/hubspot/appProperties';
import { salesforceDeleteFlagOf } from '../domain/deletes';
import type { HubspotObjectType, SalesforceObjectType } from '../domain/records';
import type { RecordTypeRef } from '../connectors/salesforce/metadata';
import type { SalesforceFieldDescribe } from '../domain/settings/metadata';
import type { ObjectSettings, Settings } from '../domain/settings/schema';

export type ContactSalesforceType = 'Lead' | 'Contact';
export const contactSalesforceTypes: readonly ContactSalesforceType[] = ['Contact', 'Lead'];

/**
 * The Salesforce objects each HubSpot object syncs with, in the order the sync reads, matches and writes
 * them (contacts: Contacts before Leads).
 */
export const salesforceTypesOf: Readonly<Record<HubspotObjectType, readonly SalesforceObjectType[]>> = {
  contacts: contactSalesforceTypes,
  companies: ['Account'],
  deals: ['Opportunity'],
};

/** The HubSpot object a Salesforce object syncs with. */
export function hubspotObjectOf(type: SalesforceObjectType): HubspotObjectType {
  return type === 'Account' ? 'companies' : type === 'Opportunity' ? 'deals' : 'contacts';
}

export type OrgFields = Partial<Record<SalesforceObjectType, readonly SalesforceFieldDescribe[]>>;
/** The record types each object's describe listed (Master left out). */
export type OrgRecordTypes = Partial<Record<SalesforceObjectType, readonly RecordTypeRef[]>>;

function fieldOf(describe: OrgFields, type: SalesforceObjectType, name: string | null | undefined) {
  if (!name) return undefined;
  return describe[type]?.find((field) => field.name.toLowerCase() === name.toLowerCase());
}

/** One object's settings with the fields the org lacks taken out (see settingsForOrg). */
function objectForOrg<T extends ObjectSettings>(
  objectSettings: T,
  types: readonly SalesforceObjectType[],
  describe: OrgFields,
): T {
  const known = (type: SalesforceObjectType) => describe[type] !== undefined;
  // The contact roles are child records, not a field of the describe: kept as the mapping names them.
  const keep = (type: SalesforceObjectType, name: string | null | undefined) =>
    !known(type) || name === CONTACT_ROLES_FIELD || fieldOf(describe, type, name) !== undefined;
  const fields = objectSettings.fields.map((mapping) => {
    const salesforceFields: Partial<Record<SalesforceObjectType, string | null>> = {
      ...mapping.salesforceFields,
    };
    for (const type of types) {
      if (!keep(type, salesforceFields[type])) salesforceFields[type] = null;
    }
    return { ...mapping, salesforceFields };
  });
  const crossIdFields: Partial<Record<SalesforceObjectType, string | null>> = {
    ...objectSettings.crossId.salesforceField,
  };
  for (const type of types) {
    const field = fieldOf(describe, type, crossIdFields[type]);
    // Creates are upserts on this field, so it must be an external id; otherwise creates are plain creates.
    if (known(type) && !(field && field.externalId)) crossIdFields[type] = null;
  }
  return {
    ...objectSettings,
    fields,
    crossId: { ...objectSettings.crossId, salesforceField: crossIdFields },
  };
}

/**
 * The settings with every Salesforce field the org lacks taken out, so that reads never name a missing
 * column and creates never send one. An object whose describe was not read is left as it is.
 */
/**
 * An association syncs only while the object at its other end does (companies for a primary company,
 * contacts for a deal's contacts): otherwise nothing there is linked, and it could only wait. Its mapping is
 * dropped from the objects that hold it.
 */
function withAssociationsAsSynced(objects: Settings['objects']): Settings['objects'] {
  const without = <T extends ObjectSettings>(object: T): T => ({
    ...object,
    fields: object.fields.filter(
      (mapping) => mapping.transform.kind !== 'association' || objects[mapping.transform.to].enabled,
    ),
  });
  return { ...objects, contacts: without(objects.contacts), deals: without(objects.deals) };
}

/**
 * The deal stage map with each pipeline's record type as this org's RecordTypeId (what Opportunities carry
 * and creates send), or none where the org does not have it (an org without record types has no
 * RecordTypeId to read).
 */
function withOrgRecordTypes(
  deals: Settings['objects']['deals'],
  describe: OrgFields,
  recordTypes: OrgRecordTypes,
) {
  if (!describe.Opportunity) return deals;
  const hasField = fieldOf(describe, 'Opportunity', RECORD_TYPE_ID_FIELD) !== undefined;
  const idOf = (name: string | null) => {
    if (!name || !hasField) return null;
    const found = recordTypes.Opportunity?.find(
      (recordType) => recordType.developerName.toLowerCase() === name.toLowerCase(),
    );
    return found?.id ?? null;
  };
  return {
    ...deals,
    fields: deals.fields.map((mapping) =>
      mapping.transform.kind === 'stages'
        ? {
            ...mapping,
            transform: {
              ...mapping.transform,
              pipelines: mapping.transform.pipelines.map((pipeline) => ({
                ...pipeline,
                recordType: idOf(pipeline.recordType),
              })),
            },
          }
        : mapping,
    ),
  };
}

export function settingsForOrg(
  settings: Settings,
  describe: OrgFields,
  recordTypes: OrgRecordTypes = {},
): Settings {
  const known = (type: SalesforceObjectType) => describe[type] !== undefined;
  // The delete checkbox is used whenever the org has it as an editable checkbox (read afresh with each
  // describe); otherwise the mark of a HubSpot delete lives in the bridge alone.
  const flagField = salesforceDeleteFlagOf(settings);
  const flagKept =
    flagField !== null &&
    contactSalesforceTypes.every((type) => {
      if (!known(type)) return true;
      const field = fieldOf(describe, type, flagField);
      return field !== undefined && field.type === 'boolean' && field.updateable !== false;
    });
  return {
    ...settings,
    deletes: {
      ...settings.deletes,
      salesforceFlag: flagKept ? 'when_present' : 'off',
      salesforceFlagField: flagKept ? flagField : null,
    },
    objects: withAssociationsAsSynced({
      contacts: objectForOrg(settings.objects.contacts, salesforceTypesOf.contacts, describe),
      companies: objectForOrg(settings.objects.companies, salesforceTypesOf.companies, describe),
      deals: withOrgRecordTypes(
        objectForOrg(settings.objects.deals, salesforceTypesOf.deals, describe),
        describe,
        recordTypes,
      ),
    }),
  };
}

/** Every HubSpot property of one object the sync compares, maintains or shows. */
export function hubspotPropertiesToRead(
  settings: Settings,
  objectType: HubspotObjectType = 'contacts',
): string[] {
  const objectSettings: ObjectSettings = settings.objects[objectType];
  const scope = (objectSettings.scope?.anyOf ?? []).flatMap((group) =>
    group.allOf.map((filter) => filter.property),
  );
  const rules = objectSettings.createInSalesforce.rules.flatMap((rule) =>
    rule.when.anyOf.flatMap((group) => group.allOf.map((filter) => filter.property)),
  );
  // A stage is written within the deal's own pipeline.
  const pipeline = objectSettings.fields.some((mapping) => mapping.transform.kind === 'stages')
    ? [DEAL_PIPELINE_PROPERTY]
    : [];
  return [
    ...new Set([
      // An association is read through the associations API, not as a property.
      ...objectSettings.fields.flatMap((mapping) =>
        isAssociationProperty(mapping.hubspotProperty) ? [] : [mapping.hubspotProperty],
      ),
      objectSettings.crossId.hubspotProperty,
      ...scope,
      ...rules,
      ...pipeline,
      ...Object.values(APP_PROPERTY),
    ]),
  ];
}

/** Every field of a Salesforce record the sync compares or maintains (after settingsForOrg). */
export function salesforceFieldsToRead(settings: Settings, type: SalesforceObjectType): string[] {
  const objectSettings: ObjectSettings = settings.objects[hubspotObjectOf(type)];
  const mapped = (objectSettings.fields as ObjectSettings['fields']).map(
    (mapping) => (mapping.salesforceFields as Partial<Record<SalesforceObjectType, string | null>>)[type],
  );
  const crossId = (
    objectSettings.crossId.salesforceField as Partial<Record<SalesforceObjectType, string | null>>
  )[type];
  // The delete flag is a field of Leads and Contacts (HubSpot_Deleted__c).
  const flag = hubspotObjectOf(type) === 'contacts' ? salesforceDeleteFlagOf(settings) : null;
  // An Opportunity's record type picks its deal's pipeline when the stage map names record types (after
  // settingsForOrg: only where the org has them).
  const recordType =
    type === 'Opportunity' &&
    objectSettings.fields.some(
      (mapping) =>
        mapping.transform.kind === 'stages' &&
        mapping.transform.pipelines.some((pipeline) => pipeline.recordType !== null),
    )
      ? RECORD_TYPE_ID_FIELD
      : null;
  // The contact roles are read with their own query (child records, not a field).
  const names = [...mapped, crossId, flag, recordType].filter((name) => name !== CONTACT_ROLES_FIELD);
  return [...new Set(names.filter((name): name is string => typeof name === 'string' && name.length > 0))];
}

/** The Salesforce object a record id names, by its key prefix (contacts sync with Leads and Contacts). */
export function contactTypeOfId(id: string): ContactSalesforceType | null {
  if (id.startsWith('00Q')) return 'Lead';
  if (id.startsWith('003')) return 'Contact';
  return null;
}

/** The synced Salesforce object a record id names, by its key prefix. */
export function salesforceTypeOfId(id: string): SalesforceObjectType | null {
  if (id.startsWith('001')) return 'Account';
  if (id.startsWith('006')) return 'Opportunity';
  return contactTypeOfId(id);
}
