/**
 * Which HubSpot property types and Salesforce field types each transform can convert, and which
 * directions each ownership rule writes. Static facts as data, read by validation and by docs.
 */
import { assertNever } from '../result';
import type { HubspotPropertyDefinition, SalesforceFieldDescribe } from './metadata';
import type { OwnershipRule, TransformKind } from './schema';

export const hubspotTypeFits: Record<TransformKind, (property: HubspotPropertyDefinition) => boolean> = {
  text: (p) => p.type === 'string' || p.type === 'phone_number',
  email: (p) => p.type === 'string',
  domain: (p) => p.type === 'string',
  phone: (p) => p.type === 'string' || p.type === 'phone_number',
  number: (p) => p.type === 'number',
  boolean: (p) => p.type === 'bool' || p.fieldType === 'booleancheckbox',
  // A date-time property holds a day too (a deal's close date): its UTC day, written as midnight UTC.
  date: (p) => p.type === 'date' || p.type === 'datetime',
  datetime: (p) => p.type === 'datetime',
  picklist: (p) => (p.type === 'enumeration' && p.fieldType !== 'checkbox') || p.type === 'string',
  multiselect: (p) => p.type === 'enumeration' && p.fieldType === 'checkbox',
  // A deal's stage: its options are every pipeline's stages.
  stages: (p) => p.name === 'dealstage',
  owner: (p) =>
    p.type === 'enumeration' &&
    (p.referencedObjectType === 'OWNER' || p.externalOptions || p.name === 'hubspot_owner_id'),
  // Not a property: the record's primary company association, read and written through the associations API.
  association: () => false,
};

export const hubspotTypeNeeded: Record<TransformKind, string> = {
  text: 'a single-line or multi-line text property',
  email: 'a text property',
  domain: 'a text property',
  phone: 'a text or phone number property',
  number: 'a number property',
  boolean: 'a single checkbox property',
  date: 'a date picker property',
  datetime: 'a date and time property',
  picklist: 'a dropdown select or radio select property',
  multiselect: 'a multiple checkboxes property',
  stages: 'the deal stage property (dealstage)',
  owner: 'the HubSpot owner property',
  association: 'the primary company association (association.primary_company)',
};

const salesforceTypes: Record<Exclude<TransformKind, 'owner' | 'association'>, readonly string[]> = {
  text: ['string', 'textarea', 'url', 'email', 'phone', 'combobox', 'encryptedstring'],
  email: ['email', 'string'],
  domain: ['url', 'string'],
  phone: ['phone', 'string'],
  number: ['double', 'int', 'long', 'currency', 'percent'],
  boolean: ['boolean'],
  date: ['date'],
  datetime: ['datetime'],
  picklist: ['picklist', 'combobox', 'string'],
  multiselect: ['multipicklist'],
  stages: ['picklist'],
};

export function salesforceTypeFits(kind: TransformKind, field: SalesforceFieldDescribe): boolean {
  if (kind === 'owner') return field.type === 'reference' && field.referenceTo.includes('User');
  if (kind === 'association') return field.type === 'reference' && field.referenceTo.includes('Account');
  return salesforceTypes[kind].includes(field.type);
}

export const salesforceTypeNeeded: Record<TransformKind, string> = {
  text: 'a text, text area, URL, email or phone field',
  email: 'an email or text field',
  domain: 'a URL or text field',
  phone: 'a phone or text field',
  number: 'a number, currency or percent field',
  boolean: 'a checkbox field',
  date: 'a date field',
  datetime: 'a date/time field',
  picklist: 'a picklist or text field',
  multiselect: 'a multi-select picklist field',
  stages: 'the Opportunity stage picklist (StageName)',
  owner: 'a lookup to User (such as OwnerId)',
  association: 'a lookup to Account (AccountId)',
};

/** Which systems a rule may write to (`on_create` only when the record is created). */
export function writesTo(rule: OwnershipRule): { hubspot: boolean; salesforce: boolean } {
  switch (rule) {
    case 'hubspot':
      return { hubspot: false, salesforce: true };
    case 'salesforce':
      return { hubspot: true, salesforce: false };
    case 'two_way':
    case 'review':
    case 'prefer_hubspot_unless_blank':
    case 'prefer_salesforce_unless_blank':
    case 'on_create':
      return { hubspot: true, salesforce: true };
    case 'none':
      return { hubspot: false, salesforce: false };
    default:
      return assertNever(rule, 'ownership rule');
  }
}
