/**
 * What a read must fetch for the planner to decide: every mapped property or field, the cross-ids, and
 * whatever the scope and creation conditions test. A property left out would read as "not read" and its
 * field would be skipped, so every reader (polls, the worker's batch reads) builds its list here.
 */
import { conditionProperties } from '../conditions';
import type { HubspotObjectType, SalesforceObjectType } from '../records';
import type { ObjectSettings, Settings } from './schema';

function objectSettingsOf(settings: Settings, object: HubspotObjectType): ObjectSettings {
  return settings.objects[object];
}

/** HubSpot properties to read for records of `object`. */
export function hubspotPropertiesToRead(settings: Settings, object: HubspotObjectType): string[] {
  const objectSettings = objectSettingsOf(settings, object);
  const conditions = [
    ...(objectSettings.scope ? [objectSettings.scope] : []),
    ...objectSettings.createInSalesforce.rules.map((rule) => rule.when),
  ];
  return [
    ...new Set([
      ...objectSettings.fields.map((field) => field.hubspotProperty),
      objectSettings.crossId.hubspotProperty,
      ...conditions.flatMap(conditionProperties),
      ...(object === 'contacts' ? ['email'] : []),
    ]),
  ];
}

/**
 * The HubSpot properties whose changes can matter to the sync. A webhook about any other property is kept
 * but needs no sync.
 */
export function hubspotPropertiesThatMatter(settings: Settings, object: HubspotObjectType): Set<string> {
  return new Set(hubspotPropertiesToRead(settings, object).map((name) => name.toLowerCase()));
}

/** Salesforce fields to read for records of `type` (the connectors add identity and change-time fields). */
export function salesforceFieldsToRead(settings: Settings, type: SalesforceObjectType): string[] {
  const object: HubspotObjectType =
    type === 'Lead' || type === 'Contact' ? 'contacts' : type === 'Account' ? 'companies' : 'deals';
  const objectSettings = objectSettingsOf(settings, object);
  const byType = (record: Partial<Record<string, string | null>>) => record[type] ?? null;
  const names = [
    ...objectSettings.fields.map((field) =>
      byType(field.salesforceFields as Partial<Record<string, string | null>>),
    ),
    byType(objectSettings.crossId.salesforceField as Partial<Record<string, string | null>>),
    settings.deletes.salesforceFlagField,
  ];
  return [...new Set(names.filter((name): name is string => Boolean(name)))];
}

/** The HubSpot object types whose sync is on. */
export function enabledHubspotObjects(settings: Settings): HubspotObjectType[] {
  return (['contacts', 'companies', 'deals'] as const).filter((object) => settings.objects[object].enabled);
}

/** The Salesforce object types whose records sync (Leads and Contacts for contacts, and so on). */
export function enabledSalesforceTypes(settings: Settings): SalesforceObjectType[] {
  const types: SalesforceObjectType[] = [];
  if (settings.objects.contacts.enabled) types.push('Lead', 'Contact');
  if (settings.objects.companies.enabled) types.push('Account');
  if (settings.objects.deals.enabled) types.push('Opportunity');
  return types;
}
