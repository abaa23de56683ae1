/** Property and property-group definitions, and their wire shapes. */
import { isoOf } from '../clock';

export type PropertyType =
  'bool' | 'date' | 'datetime' | 'enumeration' | 'number' | 'phone_number' | 'string';

export const PROPERTY_TYPES: PropertyType[] = [
  'bool',
  'date',
  'datetime',
  'enumeration',
  'number',
  'phone_number',
  'string',
];

export const FIELD_TYPES = [
  'booleancheckbox',
  'calculation_equation',
  'checkbox',
  'date',
  'file',
  'html',
  'number',
  'phonenumber',
  'radio',
  'select',
  'text',
  'textarea',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Which field types make sense for each property type (HubSpot rejects the other combinations). */
export const FIELD_TYPES_BY_TYPE: Record<PropertyType, FieldType[]> = {
  bool: ['booleancheckbox', 'calculation_equation'],
  date: ['date', 'calculation_equation'],
  datetime: ['date', 'calculation_equation'],
  enumeration: ['booleancheckbox', 'checkbox', 'radio', 'select', 'calculation_equation'],
  number: ['number', 'calculation_equation'],
  phone_number: ['phonenumber'],
  string: ['text', 'textarea', 'html', 'file', 'phonenumber', 'calculation_equation'],
};

export interface PropertyOption {
  label: string;
  value: string;
  hidden: boolean;
  displayOrder: number;
  description?: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: FieldType;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  calculated: boolean;
  externalOptions: boolean;
  hubspotDefined: boolean;
  /** Values only HubSpot sets (hs_object_id, last-modified dates, merge bookkeeping). */
  readOnlyValue: boolean;
  showCurrencySymbol?: boolean;
  /** `OWNER` for hubspot_owner_id: values must be owner ids. */
  referencedObjectType?: string;
  archived: boolean;
  archivedAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
  createdUserId: string | null;
  updatedUserId: string | null;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export function propertyToWire(definition: PropertyDefinition): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    name: definition.name,
    label: definition.label,
    type: definition.type,
    fieldType: definition.fieldType,
    description: definition.description,
    groupName: definition.groupName,
    options: definition.options.map((option) => ({ ...option })),
    displayOrder: definition.displayOrder,
    calculated: definition.calculated,
    externalOptions: definition.externalOptions,
    hasUniqueValue: definition.hasUniqueValue,
    hidden: definition.hidden,
    hubspotDefined: definition.hubspotDefined,
    formField: definition.formField,
    archived: definition.archived,
    createdAt: isoOf(definition.createdAtMs),
    updatedAt: isoOf(definition.updatedAtMs),
    modificationMetadata: {
      archivable: !definition.hubspotDefined,
      readOnlyDefinition: definition.hubspotDefined,
      readOnlyValue: definition.readOnlyValue,
    },
  };
  if (definition.showCurrencySymbol !== undefined) wire.showCurrencySymbol = definition.showCurrencySymbol;
  if (definition.referencedObjectType !== undefined)
    wire.referencedObjectType = definition.referencedObjectType;
  if (definition.createdUserId !== null) wire.createdUserId = definition.createdUserId;
  if (definition.updatedUserId !== null) wire.updatedUserId = definition.updatedUserId;
  if (definition.archivedAtMs !== null) wire.archivedAt = isoOf(definition.archivedAtMs);
  return wire;
}

export function groupToWire(group: PropertyGroup): Record<string, unknown> {
  return { name: group.name, label: group.label, displayOrder: group.displayOrder, archived: group.archived };
}
