/**
 * Which objects sync, and which HubSpot property changes can matter to the sync (for webhook events). What
 * a read fetches is the worker's list (src/settings/fields.ts), which also covers the bridge's own properties.
 */
import { isAssociationProperty } from '../transforms/association';
import { conditionProperties } from '../conditions';
import type { HubspotObjectType, SalesforceObjectType } from '../records';
import type { ObjectSettings, Settings } from './schema';

function objectSettingsOf(settings: Settings, object: HubspotObjectType): ObjectSettings {
  return settings.objects[object];
}

/**
 * The HubSpot properties whose changes can matter to the sync. A webhook about any other property is kept
 * but needs no sync.
 */
export function hubspotPropertiesThatMatter(settings: Settings, object: HubspotObjectType): Set<string> {
  const objectSettings = objectSettingsOf(settings, object);
  const conditions = [
    ...(objectSettings.scope ? [objectSettings.scope] : []),
    ...objectSettings.createInSalesforce.rules.map((rule) => rule.when),
  ];
  const names = [
    // An association is no property: its changes come as association events.
    ...objectSettings.fields.flatMap((field) =>
      isAssociationProperty(field.hubspotProperty) ? [] : [field.hubspotProperty],
    ),
    objectSettings.crossId.hubspotProperty,
    ...conditions.flatMap(conditionProperties),
    ...(object === 'contacts' ? ['email'] : []),
  ];
  return new Set(names.map((name) => name.toLowerCase()));
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

/**
 * Whether a deal's contacts sync (deals and contacts both on, and the mapping there): only then do the
 * Opportunities' contact roles matter to the sync.
 */
export function contactRolesSync(settings: Settings): boolean {
  return (
    settings.objects.deals.enabled &&
    settings.objects.contacts.enabled &&
    settings.objects.deals.fields.some(
      (mapping) => mapping.transform.kind === 'association' && mapping.transform.to === 'contacts',
    )
  );
}
