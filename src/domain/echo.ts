/**
 * The echo test: does the side that was marked dirty hold exactly what was last synced? The bridge's own
 * writes come back this way (a webhook or a poll), and so does any change that did not touch a mapped
 * field. When it holds, nothing can flow from that side, so the other side is not even read: an echo costs
 * no API call beyond reading the changed side (none at all when change detection handed the record over).
 *
 * Conservative on purpose: anything the test cannot vouch for (a field never synced, a value the mapping
 * cannot represent, a lifecycle event, a link that is not active) sends the record down the full path.
 * Pure: no I/O, no clock.
 */
import type { CountryCode } from 'libphonenumber-js';
import { conditionHolds } from './conditions';
import type { ShadowMap } from './planner';
import type { HubspotRecord, Link, SalesforceRecord } from './records';
import { sameSalesforceId } from './records';
import type { ObjectSettings, Settings } from './settings/schema';
import { canonicalEquals } from './transforms/canonical';
import { createTransform } from './transforms/index';
import type { AssociationLinks } from './transforms/association';
import type { OwnerIndex } from './transforms/owner';

export type ChangedSide =
  | { readonly side: 'hubspot'; readonly record: HubspotRecord }
  | { readonly side: 'salesforce'; readonly record: SalesforceRecord };

function has(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

function liveAndSame(link: Link, changed: ChangedSide): boolean {
  if (changed.side === 'hubspot') {
    return !changed.record.archived && changed.record.id === link.hubspot.id;
  }
  const record = changed.record;
  return (
    !record.isDeleted &&
    record.masterRecordId === null &&
    record.conversion === null &&
    record.type === link.salesforce.type &&
    sameSalesforceId(record.id, link.salesforce.id)
  );
}

function crossIdHolds(settings: Settings, link: Link, changed: ChangedSide): boolean {
  const crossId = settings.objects[link.hubspot.objectType].crossId;
  if (changed.side === 'hubspot') {
    const value = changed.record.properties[crossId.hubspotProperty];
    return value !== undefined && sameSalesforceId(value, link.salesforce.id);
  }
  const field = (crossId.salesforceField as Partial<Record<string, string | null>>)[link.salesforce.type];
  if (!field) return true;
  return has(changed.record.fields, field) && changed.record.fields[field] === link.hubspot.id;
}

/** True when the changed side's mapped values all equal their shadows, so nothing can flow from it. */
export function matchesShadows(args: {
  readonly settings: Settings;
  readonly link: Link;
  readonly changed: ChangedSide;
  readonly shadows: ShadowMap;
  readonly owners: OwnerIndex;
  /** The links between companies and Accounts the changed record names (absent: none known). */
  readonly associationLinks?: AssociationLinks;
}): boolean {
  const { settings, link, changed, shadows } = args;
  if (link.state !== 'active' || !liveAndSame(link, changed) || !crossIdHolds(settings, link, changed)) {
    return false;
  }
  const objectSettings: ObjectSettings = settings.objects[link.hubspot.objectType];
  if (
    changed.side === 'hubspot' &&
    objectSettings.scope &&
    !conditionHolds(objectSettings.scope, changed.record.properties)
  ) {
    return false;
  }
  const context = {
    phoneDefaultCountry: settings.phoneDefaultCountry as CountryCode,
    owners: args.owners,
    ...(args.associationLinks ? { associationLinks: args.associationLinks } : {}),
  };
  for (const mapping of objectSettings.fields) {
    const salesforceField = (mapping.salesforceFields as Partial<Record<string, string | null>>)[
      link.salesforce.type
    ];
    if (!salesforceField || mapping.rule === 'none' || mapping.rule === 'on_create') continue;
    const shadow = shadows[mapping.key];
    if (shadow === undefined) return false;
    const transform = createTransform(mapping.transform, context);
    let read;
    if (changed.side === 'hubspot') {
      if (!has(changed.record.properties, mapping.hubspotProperty)) return false;
      read = transform.fromHubspot(changed.record.properties[mapping.hubspotProperty] ?? null);
    } else {
      if (!has(changed.record.fields, salesforceField)) return false;
      read = transform.fromSalesforce(changed.record.fields[salesforceField]);
    }
    if (!read.ok || !canonicalEquals(read.value, shadow)) return false;
  }
  return true;
}
