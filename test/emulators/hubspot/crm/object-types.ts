/** The CRM object types the emulator serves and the names HubSpot uses for each of them. */

export type ObjectType = 'contacts' | 'companies' | 'deals';

export interface ObjectTypeInfo {
  name: ObjectType;
  singular: 'contact' | 'company' | 'deal';
  typeId: '0-1' | '0-2' | '0-3';
  /** Upper-case name used in error messages and legacy association types (CONTACT_TO_COMPANY). */
  upper: 'CONTACT' | 'COMPANY' | 'DEAL';
  lastModifiedProperty: 'lastmodifieddate' | 'hs_lastmodifieddate';
  /** Returned by reads that ask for no properties. */
  defaultProperties: string[];
  /** Where a merge records the ids it absorbed. */
  mergedIdsProperty: 'hs_calculated_merged_vids' | 'hs_merged_object_ids';
  /** Matched by the free-text `query` of a search. */
  queryProperties: string[];
}

export const OBJECT_TYPES: Record<ObjectType, ObjectTypeInfo> = {
  contacts: {
    name: 'contacts',
    singular: 'contact',
    typeId: '0-1',
    upper: 'CONTACT',
    lastModifiedProperty: 'lastmodifieddate',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    mergedIdsProperty: 'hs_calculated_merged_vids',
    queryProperties: ['firstname', 'lastname', 'email', 'phone', 'company', 'mobilephone', 'website'],
  },
  companies: {
    name: 'companies',
    singular: 'company',
    typeId: '0-2',
    upper: 'COMPANY',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    mergedIdsProperty: 'hs_merged_object_ids',
    queryProperties: ['name', 'domain', 'website', 'phone'],
  },
  deals: {
    name: 'deals',
    singular: 'deal',
    typeId: '0-3',
    upper: 'DEAL',
    lastModifiedProperty: 'hs_lastmodifieddate',
    defaultProperties: [
      'amount',
      'closedate',
      'createdate',
      'dealname',
      'dealstage',
      'hs_lastmodifieddate',
      'hs_object_id',
      'pipeline',
    ],
    mergedIdsProperty: 'hs_merged_object_ids',
    queryProperties: ['dealname'],
  },
};

export const OBJECT_TYPE_NAMES = Object.keys(OBJECT_TYPES) as ObjectType[];

/** Accepts what HubSpot accepts in paths: `contacts`, `contact`, `0-1` (any case). */
export function resolveObjectType(input: string): ObjectType | null {
  const lowered = input.toLowerCase();
  for (const info of Object.values(OBJECT_TYPES)) {
    if (lowered === info.name || lowered === info.singular || lowered === info.typeId) return info.name;
  }
  return null;
}

export function objectTypeOfTypeId(typeId: string): ObjectType | null {
  return resolveObjectType(typeId);
}
