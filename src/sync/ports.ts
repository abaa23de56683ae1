/**
 * What the sync's stages need of each CRM, and nothing more: batch reads by id, by unique value and by
 * match conditions, and batch writes with per-record outcomes. The connectors (src/connectors/hubspot/
 * records.ts, src/connectors/salesforce/records.ts) implement them over the real SDKs; a new object type
 * adds a mapping in the settings and, where it needs one, a method here, not a new path through the sync.
 */
import type { HubSpotObjects } from '../connectors/hubspot/records';
import type { SalesforceRecords } from '../connectors/salesforce/records';

/** One HubSpot object type's records, as the sync reads and writes them. */
export type HubSpotRecordsPort = Pick<
  HubSpotObjects,
  | 'readByIds'
  | 'readArchivedByIds'
  | 'readByUniqueProperty'
  | 'searchByValues'
  | 'update'
  | 'upsert'
  | 'readPrimaryCompanies'
  | 'setPrimaryCompanies'
  | 'clearPrimaryCompanies'
  | 'readAssociatedIds'
  | 'changeAssociations'
>;

/** One Salesforce object's records, as the sync reads and writes them. */
export type SalesforceRecordsPort = Pick<
  SalesforceRecords,
  | 'readByIds'
  | 'readMatching'
  | 'readCreatedSince'
  | 'create'
  | 'upsert'
  | 'update'
  | 'readContactRoles'
  | 'changeContactRoles'
>;
