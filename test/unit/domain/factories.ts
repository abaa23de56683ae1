/**
 * Small builders for domain tests: records, links, owners and live metadata shaped like what the two
 * APIs return.
 */
import type { HubspotRecord, Link, SalesforceRecord } from '../../../src/domain/records';
import type {
  HubspotPropertyDefinition,
  LiveMetadata,
  SalesforceFieldDescribe,
} from '../../../src/domain/settings/metadata';
import { indexOwners } from '../../../src/domain/transforms/owner';

export const REP_OWNER_ID = '101';
export const REP_USER_ID = '005000000000001AAA';
export const LEAD_ID = '00Q000000000001AAA';
export const CONTACT_ID = '003000000000001AAA';

export const owners = indexOwners({
  hubspotOwners: [
    { id: REP_OWNER_ID, email: 'rep@example.com' },
    { id: '102', email: 'boss@example.com' },
  ],
  salesforceUsers: [
    { id: REP_USER_ID, email: 'rep@example.com', isActive: true },
    { id: '005000000000002AAA', email: 'boss@example.com', isActive: true },
  ],
});

/** Every property the shipped contact mappings read, blank, plus the cross-id. */
export const blankContactProperties: Record<string, string | null> = {
  firstname: null,
  lastname: null,
  email: null,
  phone: null,
  mobilephone: null,
  jobtitle: null,
  company: null,
  address: null,
  city: null,
  state: null,
  zip: null,
  country: null,
  lifecyclestage: null,
  hubspot_owner_id: null,
  hs_email_optout: null,
  salesforce_record_id: null,
};

export function hubspotContact(
  overrides: Partial<Omit<HubspotRecord, 'properties'>> & { properties?: Record<string, string | null> } = {},
): HubspotRecord {
  return {
    objectType: 'contacts',
    id: '512',
    propertyTimestampsMs: {},
    updatedAtMs: 1_000,
    archived: false,
    ...overrides,
    properties: { ...blankContactProperties, ...overrides.properties },
  };
}

const blankLeadFields: Record<string, unknown> = {
  FirstName: null,
  LastName: null,
  Email: null,
  Phone: null,
  MobilePhone: null,
  Title: null,
  Company: null,
  Street: null,
  City: null,
  State: null,
  PostalCode: null,
  Country: null,
  Status: null,
  OwnerId: REP_USER_ID,
  HasOptedOutOfEmail: false,
  HubSpot_Id__c: null,
};

const blankContactFields: Record<string, unknown> = {
  FirstName: null,
  LastName: null,
  Email: null,
  Phone: null,
  MobilePhone: null,
  Title: null,
  MailingStreet: null,
  MailingCity: null,
  MailingState: null,
  MailingPostalCode: null,
  MailingCountry: null,
  OwnerId: REP_USER_ID,
  HasOptedOutOfEmail: false,
  HubSpot_Id__c: null,
};

export function salesforceRecord(
  overrides: Partial<Omit<SalesforceRecord, 'fields'>> & { fields?: Record<string, unknown> } = {},
): SalesforceRecord {
  const type = overrides.type ?? 'Lead';
  return {
    type,
    id: type === 'Lead' ? LEAD_ID : CONTACT_ID,
    lastModifiedAtMs: 1_000,
    systemModstampMs: 1_000,
    lastModifiedById: REP_USER_ID,
    isDeleted: false,
    masterRecordId: null,
    conversion: null,
    ...overrides,
    fields: { ...(type === 'Lead' ? blankLeadFields : blankContactFields), ...overrides.fields },
  };
}

export function activeLink(overrides: Partial<Link> = {}): Link {
  return {
    id: 'link-1',
    hubspot: { objectType: 'contacts', id: '512' },
    salesforce: { type: 'Lead', id: LEAD_ID },
    state: 'active',
    tombstone: null,
    ...overrides,
  };
}

const lifecycleOptions = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  'evangelist',
  'other',
];

function hubspotProperty(
  name: string,
  type: string,
  fieldType: string,
  extra: Partial<HubspotPropertyDefinition> = {},
): HubspotPropertyDefinition {
  return {
    name,
    label: name,
    type,
    fieldType,
    options: [],
    calculated: false,
    hasUniqueValue: false,
    externalOptions: false,
    ...extra,
  };
}

export function hubspotContactProperties(): HubspotPropertyDefinition[] {
  const text = (name: string) => hubspotProperty(name, 'string', 'text');
  return [
    ...['firstname', 'lastname', 'jobtitle', 'company', 'address', 'city', 'state', 'zip', 'country'].map(
      text,
    ),
    hubspotProperty('email', 'string', 'text'),
    hubspotProperty('phone', 'string', 'phonenumber'),
    hubspotProperty('mobilephone', 'string', 'phonenumber'),
    hubspotProperty('lifecyclestage', 'enumeration', 'radio', {
      options: lifecycleOptions.map((value) => ({ value, label: value, hidden: false })),
    }),
    hubspotProperty('hubspot_owner_id', 'enumeration', 'select', {
      externalOptions: true,
      referencedObjectType: 'OWNER',
    }),
    hubspotProperty('hs_email_optout', 'bool', 'booleancheckbox', {
      modificationMetadata: { readOnlyValue: true },
    }),
    hubspotProperty('salesforce_record_id', 'string', 'text', { hasUniqueValue: true }),
    hubspotProperty('hs_lead_status', 'enumeration', 'select', {
      options: ['NEW', 'OPEN'].map((value) => ({ value, label: value, hidden: false })),
    }),
    hubspotProperty('createdate', 'datetime', 'date', { modificationMetadata: { readOnlyValue: true } }),
    hubspotProperty('num_employees', 'number', 'number'),
  ];
}

function salesforceField(
  name: string,
  type: string,
  extra: Partial<SalesforceFieldDescribe> = {},
): SalesforceFieldDescribe {
  return {
    name,
    label: name,
    type,
    createable: true,
    updateable: true,
    nillable: true,
    defaultedOnCreate: false,
    calculated: false,
    externalId: false,
    restrictedPicklist: false,
    length: 255,
    scale: 0,
    referenceTo: [],
    picklistValues: [],
    ...extra,
  };
}

const leadStatuses = [
  'Open - Not Contacted',
  'Working - Contacted',
  'Closed - Converted',
  'Closed - Not Converted',
];

function personFields(address: (part: string) => string): SalesforceFieldDescribe[] {
  return [
    salesforceField('Id', 'id', {
      createable: false,
      updateable: false,
      nillable: false,
      defaultedOnCreate: true,
    }),
    salesforceField('FirstName', 'string'),
    salesforceField('LastName', 'string', { nillable: false }),
    salesforceField('Email', 'email'),
    salesforceField('Phone', 'phone'),
    salesforceField('MobilePhone', 'phone'),
    salesforceField('Title', 'string'),
    ...['Street', 'City', 'State', 'PostalCode', 'Country'].map((part) =>
      salesforceField(address(part), part === 'Street' ? 'textarea' : 'string'),
    ),
    salesforceField('OwnerId', 'reference', {
      nillable: false,
      defaultedOnCreate: true,
      referenceTo: ['User', 'Group'],
    }),
    salesforceField('HasOptedOutOfEmail', 'boolean', { nillable: false, defaultedOnCreate: true }),
    salesforceField('HubSpot_Id__c', 'string', { externalId: true }),
    salesforceField('HubSpot_Deleted__c', 'boolean', { nillable: false, defaultedOnCreate: true }),
    salesforceField('LastModifiedDate', 'datetime', {
      createable: false,
      updateable: false,
      nillable: false,
      defaultedOnCreate: true,
    }),
    salesforceField('Score__c', 'double'),
    salesforceField('Description', 'textarea'),
  ];
}

export function salesforceLeadFields(): SalesforceFieldDescribe[] {
  return [
    ...personFields((part) => part),
    salesforceField('Company', 'string', { nillable: false }),
    salesforceField('Status', 'picklist', {
      nillable: false,
      defaultedOnCreate: true,
      picklistValues: leadStatuses.map((value) => ({ value, label: value, active: true })),
    }),
  ];
}

export function salesforceContactFields(): SalesforceFieldDescribe[] {
  return [
    ...personFields((part) => `Mailing${part}`),
    salesforceField('AccountId', 'reference', { referenceTo: ['Account'] }),
  ];
}

export function liveMetadata(): LiveMetadata {
  return {
    hubspot: { contacts: hubspotContactProperties() },
    salesforce: { Lead: salesforceLeadFields(), Contact: salesforceContactFields() },
  };
}
