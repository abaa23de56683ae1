/** Compact builders for field definitions, so the default schema reads like a field list. */

import type { FieldDef, FieldType, PicklistValue } from './types';

type Options = Partial<Omit<FieldDef, 'name' | 'label' | 'type'>>;

export function field(name: string, label: string, type: FieldType, options: Options = {}): FieldDef {
  const textual = ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist'].includes(type);
  return {
    name,
    label,
    type,
    length: textual ? 255 : type === 'id' || type === 'reference' ? 18 : 0,
    precision: 0,
    scale: 0,
    nillable: true,
    createable: true,
    updateable: true,
    defaultedOnCreate: false,
    externalId: false,
    unique: false,
    idLookup: false,
    caseSensitive: false,
    custom: name.endsWith('__c'),
    calculated: false,
    nameField: false,
    restrictedPicklist: false,
    picklistValues: [],
    referenceTo: [],
    relationshipName: null,
    ...options,
  };
}

export const text = (name: string, label: string, length: number, options: Options = {}): FieldDef =>
  field(name, label, 'string', { length, ...options });

export const textarea = (name: string, label: string, length: number, options: Options = {}): FieldDef =>
  field(name, label, 'textarea', { length, ...options });

export const checkbox = (name: string, label: string, options: Options = {}): FieldDef =>
  field(name, label, 'boolean', {
    nillable: false,
    defaultedOnCreate: true,
    defaultValue: false,
    ...options,
  });

export const readOnly: Options = { createable: false, updateable: false };

export function values(list: string[], defaultValue?: string): PicklistValue[] {
  return list.map((value) => ({ value, label: value, active: true, defaultValue: value === defaultValue }));
}

export const picklist = (name: string, label: string, list: string[], options: Options = {}): FieldDef =>
  field(name, label, 'picklist', { picklistValues: values(list), ...options });

export const lookup = (
  name: string,
  label: string,
  target: string,
  relationshipName: string,
  options: Options = {},
) => field(name, label, 'reference', { referenceTo: [target], relationshipName, ...options });

export const numberField = (
  name: string,
  label: string,
  type: 'int' | 'double' | 'currency' | 'percent',
  precision: number,
  scale: number,
  options: Options = {},
): FieldDef => field(name, label, type, { precision, scale, ...options });

/** Fields every object has: the id, the recycle-bin flag and the audit stamps. */
export function systemFields(): FieldDef[] {
  const audit = { ...readOnly, nillable: false, defaultedOnCreate: true };
  return [
    field('Id', `Record ID`, 'id', { ...readOnly, nillable: false, defaultedOnCreate: true, idLookup: true }),
    checkbox('IsDeleted', 'Deleted', readOnly),
    field('CreatedDate', 'Created Date', 'datetime', audit),
    lookup('CreatedById', 'Created By ID', 'User', 'CreatedBy', audit),
    field('LastModifiedDate', 'Last Modified Date', 'datetime', audit),
    lookup('LastModifiedById', 'Last Modified By ID', 'User', 'LastModifiedBy', audit),
    field('SystemModstamp', 'System Modstamp', 'datetime', audit),
  ];
}

export function address(prefix: string, label: string, componentNames: Record<string, string>): FieldDef {
  return field(`${prefix}Address`, label, 'address', { ...readOnly, addressComponents: componentNames });
}

/** The bookkeeping fields the bridge expects on Lead, Contact, Account and Opportunity. */
export function hubSpotFields(): FieldDef[] {
  return [
    text('HubSpot_Id__c', 'HubSpot Id', 32, { externalId: true, unique: true, idLookup: true }),
    checkbox('HubSpot_Deleted__c', 'HubSpot Deleted'),
  ];
}
