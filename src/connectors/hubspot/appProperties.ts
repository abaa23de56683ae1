/**
 * The HubSpot properties the bridge owns, created in every portal at install time.
 *
 * This module is the single source of their names and definitions: the install bootstrap creates them from
 * here and the sync engine writes them by these names. Adding a property here makes the next install (or
 * reinstall) create it everywhere.
 */

/** The CRM objects that carry the bridge's properties. */
export const appObjectTypes = ['contacts', 'companies', 'deals'] as const;
export type AppObjectType = (typeof appObjectTypes)[number];

export const APP_PROPERTY_GROUP = {
  name: 'salesforce_bridge',
  label: 'Salesforce Bridge',
  displayOrder: -1,
} as const;

export const APP_PROPERTY = {
  /** The linked Salesforce record's 18-character id; unique, so a second record can never claim it. */
  recordId: 'salesforce_record_id',
  objectType: 'salesforce_object_type',
  recordUrl: 'salesforce_record_url',
  syncStatus: 'salesforce_sync_status',
  lastSyncedAt: 'salesforce_last_synced_at',
  /** Set when the linked Salesforce record was deleted; deletes are flagged, never propagated. */
  deletedAt: 'salesforce_deleted_at',
} as const;
export type AppPropertyName = (typeof APP_PROPERTY)[keyof typeof APP_PROPERTY];

export const salesforceObjectTypeValues = ['Lead', 'Contact', 'Account', 'Opportunity'] as const;
export type SalesforceObjectTypeValue = (typeof salesforceObjectTypeValues)[number];

export const syncStatusValues = [
  'synced',
  'pending',
  'conflict',
  'error',
  'paused',
  'excluded',
  'deleted_in_salesforce',
] as const;
export type SyncStatusValue = (typeof syncStatusValues)[number];

export type AppPropertyType = 'string' | 'enumeration' | 'datetime';
export type AppPropertyFieldType = 'text' | 'select' | 'date';

export interface AppPropertyOption {
  value: string;
  label: string;
}

export interface AppPropertyDefinition {
  name: AppPropertyName;
  label: string;
  description: string;
  type: AppPropertyType;
  fieldType: AppPropertyFieldType;
  hasUniqueValue: boolean;
  /** Enumerations only; the bridge writes these values and needs each of them to exist. */
  options: readonly AppPropertyOption[];
}

const syncStatusLabels: Record<SyncStatusValue, string> = {
  synced: 'Synced',
  pending: 'Pending',
  conflict: 'Conflict',
  error: 'Error',
  paused: 'Paused',
  excluded: 'Excluded',
  deleted_in_salesforce: 'Deleted in Salesforce',
};

export const appProperties: readonly AppPropertyDefinition[] = [
  {
    name: APP_PROPERTY.recordId,
    label: 'Salesforce record ID',
    description: 'The 18-character ID of the linked Salesforce record. Set by the Salesforce Bridge app.',
    type: 'string',
    fieldType: 'text',
    hasUniqueValue: true,
    options: [],
  },
  {
    name: APP_PROPERTY.objectType,
    label: 'Salesforce object type',
    description: 'The type of the linked Salesforce record.',
    type: 'enumeration',
    fieldType: 'select',
    hasUniqueValue: false,
    options: salesforceObjectTypeValues.map((value) => ({ value, label: value })),
  },
  {
    name: APP_PROPERTY.recordUrl,
    label: 'Salesforce record URL',
    description: 'Opens the linked record in Salesforce.',
    type: 'string',
    fieldType: 'text',
    hasUniqueValue: false,
    options: [],
  },
  {
    name: APP_PROPERTY.syncStatus,
    label: 'Salesforce sync status',
    description: 'Whether this record is in sync with Salesforce, and if not, why.',
    type: 'enumeration',
    fieldType: 'select',
    hasUniqueValue: false,
    options: syncStatusValues.map((value) => ({ value, label: syncStatusLabels[value] })),
  },
  {
    name: APP_PROPERTY.lastSyncedAt,
    label: 'Salesforce last synced at',
    description: 'When the Salesforce Bridge last brought this record in sync.',
    type: 'datetime',
    fieldType: 'date',
    hasUniqueValue: false,
    options: [],
  },
  {
    name: APP_PROPERTY.deletedAt,
    label: 'Deleted in Salesforce at',
    description: 'When the linked Salesforce record was deleted. The HubSpot record is kept and flagged.',
    type: 'datetime',
    fieldType: 'date',
    hasUniqueValue: false,
    options: [],
  },
];
