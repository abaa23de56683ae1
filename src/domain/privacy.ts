/**
 * What a HubSpot privacy deletion does to the person's Salesforce record, by the `privacy.salesforceRecord`
 * setting: nothing (`keep`), its delete checkbox set (`mark`), or its mapped fields emptied where Salesforce
 * lets them be blank, and marked (`clear`). Pure: the caller brings the org's describe and the checkbox the
 * org has (null: none, the mark then lives in the bridge's tombstone alone).
 */
import type { SalesforceObjectType } from './records';
import type { SalesforceFieldDescribe } from './settings/metadata';
import type { Settings } from './settings/schema';

export type PrivacyFieldValues = Readonly<Record<string, string | number | boolean | null>>;

/** The fields to write to the Salesforce record, or null when nothing is written. */
export function salesforcePrivacyWrite(args: {
  readonly settings: Settings;
  readonly type: SalesforceObjectType;
  /** The object's describe; without it nothing is cleared (a field that cannot be blank would fail the write). */
  readonly describe: readonly SalesforceFieldDescribe[] | undefined;
  /** The delete checkbox the org has, or null. */
  readonly flagField: string | null;
}): PrivacyFieldValues | null {
  const { settings, type, describe, flagField } = args;
  const action = settings.privacy.salesforceRecord;
  if (action === 'keep') return null;
  const fields: Record<string, string | number | boolean | null> = {};
  if (action === 'clear' && describe) {
    const byName = new Map(describe.map((field) => [field.name.toLowerCase(), field]));
    for (const object of Object.values(settings.objects)) {
      for (const mapping of object.fields) {
        const name = (mapping.salesforceFields as Partial<Record<SalesforceObjectType, string | null>>)[type];
        const field = name ? byName.get(name.toLowerCase()) : undefined;
        if (!field || !field.updateable || !field.nillable || field.calculated) continue;
        if (field.type === 'boolean' || field.type === 'reference') continue;
        fields[field.name] = null;
      }
    }
  }
  if (flagField) fields[flagField] = true;
  return Object.keys(fields).length > 0 ? fields : null;
}
