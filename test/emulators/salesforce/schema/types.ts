/** The per-org schema: objects and their fields, from which describe results are built. */

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'picklist'
  | 'multipicklist'
  | 'reference'
  | 'address';

export interface PicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
}

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** Characters for text types; 0 otherwise. */
  length: number;
  precision: number;
  scale: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  externalId: boolean;
  unique: boolean;
  idLookup: boolean;
  caseSensitive: boolean;
  custom: boolean;
  calculated: boolean;
  nameField: boolean;
  restrictedPicklist: boolean;
  picklistValues: PicklistValue[];
  referenceTo: string[];
  relationshipName: string | null;
  /** Component fields of a compound address field, keyed by address property. */
  addressComponents?: Record<string, string>;
  /** Value written on create when the field is absent (booleans default to false). */
  defaultValue?: string | number | boolean | null;
}

export interface ChildRelationship {
  childSObject: string;
  field: string;
  relationshipName: string;
  cascadeDelete: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  mergeable: boolean;
  /**
   * A record deleted on its own skips the recycle bin (Salesforce's OpportunityContactRole: `IsDeleted` is
   * usable only when the parent record's delete took it along).
   */
  directDeleteSkipsBin?: boolean;
  fields: FieldDef[];
  childRelationships: ChildRelationship[];
  /** Record types an admin defined (besides Master), in the order defined; absent: none. */
  recordTypes?: RecordTypeDef[];
}

export interface RecordTypeDef {
  id: string;
  developerName: string;
  label: string;
}

export type Value = string | number | boolean | null;

/** A stored record: canonical field names to internal values (datetimes as epoch ms, dates as text). */
export type StoredFields = Record<string, Value>;
