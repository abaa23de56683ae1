/**
 * The schema every new org starts with: the standard objects a CRM sync touches, their usual
 * standard fields, and the custom fields the bridge expects (HubSpot_Id__c, HubSpot_Deleted__c).
 * Tests change it per org through the control API (add, change or remove fields).
 */

import {
  address,
  checkbox,
  field,
  hubSpotFields,
  lookup,
  numberField,
  picklist,
  readOnly,
  systemFields,
  text,
  textarea,
  values,
} from './fields';
import type { FieldDef, ObjectDef } from './types';

export const LEAD_STATUSES = [
  'Open - Not Contacted',
  'Working - Contacted',
  'Closed - Converted',
  'Closed - Not Converted',
];
/** Lead statuses whose IsConverted flag is true in the LeadStatus table. */
export const CONVERTED_LEAD_STATUSES = ['Closed - Converted'];

export const OPPORTUNITY_STAGES: { name: string; probability: number; closed: boolean; won: boolean }[] = [
  { name: 'Prospecting', probability: 10, closed: false, won: false },
  { name: 'Qualification', probability: 10, closed: false, won: false },
  { name: 'Needs Analysis', probability: 20, closed: false, won: false },
  { name: 'Value Proposition', probability: 50, closed: false, won: false },
  { name: 'Id. Decision Makers', probability: 60, closed: false, won: false },
  { name: 'Perception Analysis', probability: 70, closed: false, won: false },
  { name: 'Proposal/Price Quote', probability: 75, closed: false, won: false },
  { name: 'Negotiation/Review', probability: 90, closed: false, won: false },
  { name: 'Closed Won', probability: 100, closed: true, won: true },
  { name: 'Closed Lost', probability: 0, closed: true, won: false },
];

export const INDUSTRIES = [
  'Agriculture',
  'Apparel',
  'Banking',
  'Biotechnology',
  'Chemicals',
  'Communications',
  'Construction',
  'Consulting',
  'Education',
  'Electronics',
  'Energy',
  'Engineering',
  'Entertainment',
  'Environmental',
  'Finance',
  'Food & Beverage',
  'Government',
  'Healthcare',
  'Hospitality',
  'Insurance',
  'Machinery',
  'Manufacturing',
  'Media',
  'Not For Profit',
  'Recreation',
  'Retail',
  'Shipping',
  'Technology',
  'Telecommunications',
  'Transportation',
  'Utilities',
  'Other',
];

const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'];
const INTERESTS = ['Product Updates', 'Webinars', 'Newsletter', 'Events', 'Partnerships'];

const owner = (): FieldDef =>
  lookup('OwnerId', 'Owner ID', 'User', 'Owner', { nillable: false, defaultedOnCreate: true });
const masterRecord = (type: string): FieldDef =>
  lookup('MasterRecordId', 'Master Record ID', type, 'MasterRecord', readOnly);
const personName = (): FieldDef[] => [
  text('LastName', 'Last Name', 80, { nillable: false }),
  text('FirstName', 'First Name', 40),
  picklist('Salutation', 'Salutation', SALUTATIONS),
  text('Name', 'Full Name', 121, { ...readOnly, calculated: true, nameField: true }),
];
const email = (): FieldDef => field('Email', 'Email', 'email', { length: 80, idLookup: true });
const phone = (name: string, label: string): FieldDef => field(name, label, 'phone', { length: 40 });
const interests = (): FieldDef =>
  field('Interests__c', 'Interests', 'multipicklist', {
    length: 4099,
    picklistValues: values(INTERESTS),
    restrictedPicklist: true,
  });

function addressFields(prefix: string, label: string): FieldDef[] {
  const labelled = (suffix: string): string => (label ? `${label} ${suffix}` : suffix);
  return [
    textarea(`${prefix}Street`, labelled('Street'), 255),
    text(`${prefix}City`, labelled('City'), 40),
    text(`${prefix}State`, labelled('State/Province'), 80),
    text(`${prefix}PostalCode`, labelled('Zip/Postal Code'), 20),
    text(`${prefix}Country`, labelled('Country'), 80),
    address(prefix, labelled('Address'), {
      street: `${prefix}Street`,
      city: `${prefix}City`,
      state: `${prefix}State`,
      postalCode: `${prefix}PostalCode`,
      country: `${prefix}Country`,
    }),
  ];
}

function lead(): ObjectDef {
  return {
    name: 'Lead',
    label: 'Lead',
    labelPlural: 'Leads',
    keyPrefix: '00Q',
    createable: true,
    updateable: true,
    deletable: true,
    mergeable: true,
    fields: [
      ...systemFields(),
      masterRecord('Lead'),
      ...personName(),
      text('Title', 'Title', 128),
      text('Company', 'Company', 255, { nillable: false }),
      ...addressFields('', ''),
      phone('Phone', 'Phone'),
      phone('MobilePhone', 'Mobile Phone'),
      email(),
      field('Website', 'Website', 'url', { length: 255 }),
      textarea('Description', 'Description', 32000),
      picklist('LeadSource', 'Lead Source', LEAD_SOURCES),
      picklist('Status', 'Status', LEAD_STATUSES, {
        nillable: false,
        defaultedOnCreate: true,
        defaultValue: 'Open - Not Contacted',
        restrictedPicklist: true,
        picklistValues: values(LEAD_STATUSES, 'Open - Not Contacted'),
      }),
      picklist('Industry', 'Industry', INDUSTRIES),
      picklist('Rating', 'Rating', ['Hot', 'Warm', 'Cold']),
      numberField('AnnualRevenue', 'Annual Revenue', 'currency', 18, 0),
      numberField('NumberOfEmployees', 'Employees', 'int', 8, 0),
      owner(),
      checkbox('HasOptedOutOfEmail', 'Email Opt Out'),
      checkbox('IsConverted', 'Converted', readOnly),
      field('ConvertedDate', 'Converted Date', 'date', readOnly),
      lookup('ConvertedAccountId', 'Converted Account ID', 'Account', 'ConvertedAccount', readOnly),
      lookup('ConvertedContactId', 'Converted Contact ID', 'Contact', 'ConvertedContact', readOnly),
      lookup(
        'ConvertedOpportunityId',
        'Converted Opportunity ID',
        'Opportunity',
        'ConvertedOpportunity',
        readOnly,
      ),
      checkbox('IsUnreadByOwner', 'Unread By Owner'),
      ...hubSpotFields(),
      interests(),
    ],
    childRelationships: [],
  };
}

function contact(): ObjectDef {
  return {
    name: 'Contact',
    label: 'Contact',
    labelPlural: 'Contacts',
    keyPrefix: '003',
    createable: true,
    updateable: true,
    deletable: true,
    mergeable: true,
    fields: [
      ...systemFields(),
      masterRecord('Contact'),
      lookup('AccountId', 'Account ID', 'Account', 'Account'),
      ...personName(),
      ...addressFields('Mailing', 'Mailing'),
      phone('Phone', 'Business Phone'),
      phone('MobilePhone', 'Mobile Phone'),
      phone('HomePhone', 'Home Phone'),
      email(),
      text('Title', 'Title', 128),
      text('Department', 'Department', 80),
      field('Birthdate', 'Birthdate', 'date'),
      picklist('LeadSource', 'Lead Source', LEAD_SOURCES),
      textarea('Description', 'Contact Description', 32000),
      owner(),
      checkbox('HasOptedOutOfEmail', 'Email Opt Out'),
      checkbox('DoNotCall', 'Do Not Call'),
      ...hubSpotFields(),
      interests(),
    ],
    childRelationships: [
      {
        childSObject: 'OpportunityContactRole',
        field: 'ContactId',
        relationshipName: 'OpportunityContactRoles',
        cascadeDelete: true,
      },
    ],
  };
}

function account(): ObjectDef {
  return {
    name: 'Account',
    label: 'Account',
    labelPlural: 'Accounts',
    keyPrefix: '001',
    createable: true,
    updateable: true,
    deletable: true,
    mergeable: true,
    fields: [
      ...systemFields(),
      masterRecord('Account'),
      text('Name', 'Account Name', 255, { nillable: false, nameField: true }),
      picklist('Type', 'Account Type', [
        'Prospect',
        'Customer - Direct',
        'Customer - Channel',
        'Channel Partner / Reseller',
        'Installation Partner',
        'Technology Partner',
        'Other',
      ]),
      lookup('ParentId', 'Parent Account ID', 'Account', 'Parent'),
      ...addressFields('Billing', 'Billing'),
      phone('Phone', 'Account Phone'),
      field('Website', 'Website', 'url', { length: 255 }),
      picklist('Industry', 'Industry', INDUSTRIES),
      numberField('AnnualRevenue', 'Annual Revenue', 'currency', 18, 0),
      numberField('NumberOfEmployees', 'Employees', 'int', 8, 0),
      textarea('Description', 'Account Description', 32000),
      picklist('AccountSource', 'Account Source', LEAD_SOURCES),
      owner(),
      ...hubSpotFields(),
    ],
    childRelationships: [
      { childSObject: 'Contact', field: 'AccountId', relationshipName: 'Contacts', cascadeDelete: true },
      {
        childSObject: 'Opportunity',
        field: 'AccountId',
        relationshipName: 'Opportunities',
        cascadeDelete: true,
      },
      { childSObject: 'Account', field: 'ParentId', relationshipName: 'ChildAccounts', cascadeDelete: false },
    ],
  };
}

function opportunity(): ObjectDef {
  return {
    name: 'Opportunity',
    label: 'Opportunity',
    labelPlural: 'Opportunities',
    keyPrefix: '006',
    createable: true,
    updateable: true,
    deletable: true,
    mergeable: false,
    fields: [
      ...systemFields(),
      lookup('AccountId', 'Account ID', 'Account', 'Account'),
      text('Name', 'Name', 120, { nillable: false, nameField: true }),
      textarea('Description', 'Description', 32000),
      picklist(
        'StageName',
        'Stage',
        OPPORTUNITY_STAGES.map((s) => s.name),
        {
          nillable: false,
          restrictedPicklist: true,
        },
      ),
      numberField('Amount', 'Amount', 'currency', 18, 2),
      numberField('Probability', 'Probability (%)', 'percent', 3, 0, { defaultedOnCreate: true }),
      field('CloseDate', 'Close Date', 'date', { nillable: false }),
      picklist('Type', 'Opportunity Type', [
        'Existing Customer - Upgrade',
        'Existing Customer - Replacement',
        'Existing Customer - Downgrade',
        'New Customer',
      ]),
      text('NextStep', 'Next Step', 255),
      picklist('LeadSource', 'Lead Source', LEAD_SOURCES),
      checkbox('IsClosed', 'Closed', { ...readOnly, calculated: true }),
      checkbox('IsWon', 'Won', { ...readOnly, calculated: true }),
      owner(),
      ...hubSpotFields(),
    ],
    childRelationships: [
      {
        childSObject: 'OpportunityContactRole',
        field: 'OpportunityId',
        relationshipName: 'OpportunityContactRoles',
        cascadeDelete: true,
      },
    ],
  };
}

function user(): ObjectDef {
  return {
    name: 'User',
    label: 'User',
    labelPlural: 'Users',
    keyPrefix: '005',
    createable: false,
    updateable: false,
    deletable: false,
    mergeable: false,
    fields: [
      ...systemFields().filter((f) => f.name !== 'IsDeleted'),
      text('Username', 'Username', 80, { ...readOnly, nillable: false, unique: true, idLookup: true }),
      text('LastName', 'Last Name', 80, { ...readOnly, nillable: false }),
      text('FirstName', 'First Name', 40, readOnly),
      text('Name', 'Full Name', 121, { ...readOnly, calculated: true, nameField: true }),
      field('Email', 'Email', 'email', { ...readOnly, length: 128, nillable: false }),
      text('Alias', 'Alias', 8, { ...readOnly, nillable: false }),
      checkbox('IsActive', 'Active', readOnly),
      text('Title', 'Title', 80, readOnly),
      text('Department', 'Department', 80, readOnly),
      picklist('UserType', 'User Type', ['Standard'], readOnly),
      picklist(
        'TimeZoneSidKey',
        'Time Zone',
        ['GMT', 'America/Los_Angeles', 'America/New_York', 'Europe/London'],
        readOnly,
      ),
    ],
    childRelationships: [],
  };
}

function opportunityContactRole(): ObjectDef {
  return {
    name: 'OpportunityContactRole',
    label: 'Opportunity Contact Role',
    labelPlural: 'Opportunity Contact Role',
    keyPrefix: '00K',
    createable: true,
    updateable: true,
    deletable: true,
    mergeable: false,
    directDeleteSkipsBin: true,
    fields: [
      ...systemFields(),
      lookup('OpportunityId', 'Opportunity ID', 'Opportunity', 'Opportunity', {
        nillable: false,
        updateable: false,
      }),
      lookup('ContactId', 'Contact ID', 'Contact', 'Contact', { nillable: false }),
      picklist('Role', 'Role', [
        'Business User',
        'Decision Maker',
        'Economic Buyer',
        'Economic Decision Maker',
        'Evaluator',
        'Executive Sponsor',
        'Influencer',
        'Technical Buyer',
        'Other',
      ]),
      checkbox('IsPrimary', 'Primary'),
    ],
    childRelationships: [],
  };
}

/** A fresh copy of the default schema (orgs mutate their own copy). */
export function defaultSchema(): ObjectDef[] {
  return [account(), contact(), lead(), opportunity(), opportunityContactRole(), user()];
}
