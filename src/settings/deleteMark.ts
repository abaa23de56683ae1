/**
 * Where the mark of a HubSpot delete lives on the Salesforce side: the delete checkbox when the settings ask
 * for one and the org has it as an editable checkbox on Leads and Contacts, else only the bridge's tombstone
 * (the card shows it). Known from the org's describe where one was read (each metadata refresh), else from
 * the capability check made at connect.
 */
import { DEFAULT_SALESFORCE_DELETE_FLAG, salesforceDeleteFlagOf } from '../domain/deletes';
import type { CapabilityReport } from '../domain/installationReports';
import type { Settings } from '../domain/settings/schema';
import { settingsForOrg, type OrgFields } from './fields';

export type SalesforceDeleteMark =
  | { readonly markedIn: 'salesforce_field'; readonly field: string }
  | { readonly markedIn: 'bridge'; readonly field: null };

const bridgeOnly: SalesforceDeleteMark = { markedIn: 'bridge', field: null };

/** From the capability check alone: whether the org has a usable `HubSpot_Deleted__c` on Leads and Contacts. */
export function deleteCheckboxOfCapabilities(capabilities: CapabilityReport | null): string | null {
  const contactObjects = capabilities?.objects.filter(
    (object) => object.name === 'Lead' || object.name === 'Contact',
  );
  if (!contactObjects || contactObjects.length === 0) return null;
  return contactObjects.every((object) => object.deletedFlagField?.usable === true)
    ? DEFAULT_SALESFORCE_DELETE_FLAG
    : null;
}

export function salesforceDeleteMark(
  settings: Settings,
  source: { describe?: OrgFields | null; capabilities?: CapabilityReport | null },
): SalesforceDeleteMark {
  const wanted = salesforceDeleteFlagOf(settings);
  if (wanted === null) return bridgeOnly;
  if (source.describe && (source.describe.Lead || source.describe.Contact)) {
    const field = settingsForOrg(settings, source.describe).deletes.salesforceFlagField;
    return field ? { markedIn: 'salesforce_field', field } : bridgeOnly;
  }
  if (wanted !== DEFAULT_SALESFORCE_DELETE_FLAG) {
    // A checkbox the admin named: saving the settings checked that the org has it.
    return { markedIn: 'salesforce_field', field: wanted };
  }
  return deleteCheckboxOfCapabilities(source.capabilities ?? null)
    ? { markedIn: 'salesforce_field', field: wanted }
    : bridgeOnly;
}
