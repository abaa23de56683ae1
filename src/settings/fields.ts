/**
 * What the sync reads and writes, derived from the settings and the org's describe: the HubSpot properties
 * and Salesforce fields of each record, and the settings as they can work in this org (a mapped field the
 * org does not have is not read or written; a cross-id field that is not an external id is not upserted on).
 *
 * Change detection reads records with the same lists (`hubspotPropertiesToRead`, `salesforceFieldsToRead`),
 * so a record it hands over in a dirty payload has everything the worker needs and is not read again.
 */
import { APP_PROPERTY } from '../connectors/hubspot/appProperties';
import type { SalesforceObjectType } from '../domain/records';
import type { SalesforceFieldDescribe } from '../domain/settings/metadata';
import type { Settings } from '../domain/settings/schema';

export type ContactSalesforceType = 'Lead' | 'Contact';
export const contactSalesforceTypes: readonly ContactSalesforceType[] = ['Contact', 'Lead'];

export type OrgFields = Partial<Record<SalesforceObjectType, readonly SalesforceFieldDescribe[]>>;

function fieldOf(describe: OrgFields, type: SalesforceObjectType, name: string | null | undefined) {
  if (!name) return undefined;
  return describe[type]?.find((field) => field.name.toLowerCase() === name.toLowerCase());
}

/**
 * The settings with every Salesforce field the org lacks taken out, so that reads never name a missing
 * column and creates never send one. An object whose describe was not read is left as it is.
 */
export function settingsForOrg(settings: Settings, describe: OrgFields): Settings {
  const contacts = settings.objects.contacts;
  const known = (type: ContactSalesforceType) => describe[type] !== undefined;
  const keep = (type: ContactSalesforceType, name: string | null | undefined) =>
    !known(type) || fieldOf(describe, type, name) !== undefined;
  const fields = contacts.fields.map((mapping) => {
    const salesforceFields = { ...mapping.salesforceFields };
    for (const type of contactSalesforceTypes) {
      if (!keep(type, salesforceFields[type])) salesforceFields[type] = null;
    }
    return { ...mapping, salesforceFields };
  });
  const crossIdFields = { ...contacts.crossId.salesforceField };
  for (const type of contactSalesforceTypes) {
    const field = fieldOf(describe, type, crossIdFields[type]);
    // Creates are upserts on this field, so it must be an external id; otherwise creates are plain creates.
    if (known(type) && !(field && field.externalId)) crossIdFields[type] = null;
  }
  const flagField = settings.deletes.salesforceFlagField;
  const flagKept = contactSalesforceTypes.every((type) => keep(type, flagField));
  return {
    ...settings,
    deletes: { ...settings.deletes, salesforceFlagField: flagKept ? flagField : null },
    objects: {
      ...settings.objects,
      contacts: { ...contacts, fields, crossId: { ...contacts.crossId, salesforceField: crossIdFields } },
    },
  };
}

/** Every HubSpot contact property the sync compares, maintains or shows. */
export function hubspotPropertiesToRead(settings: Settings): string[] {
  const contacts = settings.objects.contacts;
  const scope = (contacts.scope?.anyOf ?? []).flatMap((group) =>
    group.allOf.map((filter) => filter.property),
  );
  const rules = contacts.createInSalesforce.rules.flatMap((rule) =>
    rule.when.anyOf.flatMap((group) => group.allOf.map((filter) => filter.property)),
  );
  return [
    ...new Set([
      ...contacts.fields.map((mapping) => mapping.hubspotProperty),
      contacts.crossId.hubspotProperty,
      ...scope,
      ...rules,
      ...Object.values(APP_PROPERTY),
    ]),
  ];
}

/** Every field of a Salesforce Lead or Contact the sync compares or maintains (after settingsForOrg). */
export function salesforceFieldsToRead(settings: Settings, type: ContactSalesforceType): string[] {
  const contacts = settings.objects.contacts;
  const names = [
    ...contacts.fields.map((mapping) => mapping.salesforceFields[type]),
    contacts.crossId.salesforceField[type],
    settings.deletes.salesforceFlagField,
  ];
  return [...new Set(names.filter((name): name is string => typeof name === 'string' && name.length > 0))];
}

/** The Salesforce object a record id names, by its key prefix (contacts sync with Leads and Contacts). */
export function contactTypeOfId(id: string): ContactSalesforceType | null {
  if (id.startsWith('00Q')) return 'Lead';
  if (id.startsWith('003')) return 'Contact';
  return null;
}
