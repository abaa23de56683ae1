/**
 * The HubSpot-defined properties and groups every portal starts with: a realistic subset of the real ones,
 * with their real internal names, types and option values.
 */
import type { ObjectType } from './object-types';
import type {
  FieldType,
  PropertyDefinition,
  PropertyGroup,
  PropertyOption,
  PropertyType,
} from './property-model';

interface Spec {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: FieldType;
  group: string;
  options?: Array<[value: string, label: string]>;
  readOnly?: boolean;
  calculated?: boolean;
  hidden?: boolean;
  currency?: boolean;
  referencedObjectType?: string;
  formField?: boolean;
}

const text = (name: string, label: string, group: string, extra: Partial<Spec> = {}): Spec => ({
  name,
  label,
  type: 'string',
  fieldType: 'text',
  group,
  ...extra,
});

const ownerProperty = (group: string): Spec => ({
  name: 'hubspot_owner_id',
  label: 'Owner',
  type: 'enumeration',
  fieldType: 'select',
  group,
  referencedObjectType: 'OWNER',
});

const calculatedDate = (name: string, label: string, group: string): Spec => ({
  name,
  label,
  type: 'datetime',
  fieldType: 'date',
  group,
  readOnly: true,
  calculated: false,
});

const LIFECYCLE_STAGES: Array<[string, string]> = [
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
];

export const COMPANY_INDUSTRIES: Array<[string, string]> = [
  ['ACCOUNTING', 'Accounting'],
  ['AIRLINES_AVIATION', 'Airlines/Aviation'],
  ['APPAREL_FASHION', 'Apparel & Fashion'],
  ['AUTOMOTIVE', 'Automotive'],
  ['BANKING', 'Banking'],
  ['BIOTECHNOLOGY', 'Biotechnology'],
  ['COMPUTER_SOFTWARE', 'Computer Software'],
  ['CONSTRUCTION', 'Construction'],
  ['CONSUMER_GOODS', 'Consumer Goods'],
  ['EDUCATION_MANAGEMENT', 'Education Management'],
  ['FINANCIAL_SERVICES', 'Financial Services'],
  ['FOOD_BEVERAGES', 'Food & Beverages'],
  ['HOSPITAL_HEALTH_CARE', 'Hospital & Health Care'],
  ['HOSPITALITY', 'Hospitality'],
  ['INFORMATION_TECHNOLOGY_AND_SERVICES', 'Information Technology and Services'],
  ['INSURANCE', 'Insurance'],
  ['INTERNET', 'Internet'],
  ['MACHINERY', 'Machinery'],
  ['MANAGEMENT_CONSULTING', 'Management Consulting'],
  ['MARKETING_AND_ADVERTISING', 'Marketing and Advertising'],
  ['MEDICAL_DEVICES', 'Medical Devices'],
  ['NONPROFIT_ORGANIZATION_MANAGEMENT', 'Nonprofit Organization Management'],
  ['OIL_ENERGY', 'Oil & Energy'],
  ['PHARMACEUTICALS', 'Pharmaceuticals'],
  ['REAL_ESTATE', 'Real Estate'],
  ['RETAIL', 'Retail'],
  ['TELECOMMUNICATIONS', 'Telecommunications'],
  ['TRANSPORTATION_TRUCKING_RAILROAD', 'Transportation/Trucking/Railroad'],
  ['UTILITIES', 'Utilities'],
];

export const DEAL_STAGES: Array<[string, string]> = [
  ['appointmentscheduled', 'Appointment Scheduled'],
  ['qualifiedtobuy', 'Qualified To Buy'],
  ['presentationscheduled', 'Presentation Scheduled'],
  ['decisionmakerboughtin', 'Decision Maker Bought-In'],
  ['contractsent', 'Contract Sent'],
  ['closedwon', 'Closed Won'],
  ['closedlost', 'Closed Lost'],
];

const SPECS: Record<ObjectType, Spec[]> = {
  contacts: [
    text('email', 'Email', 'contactinformation'),
    text('firstname', 'First Name', 'contactinformation'),
    text('lastname', 'Last Name', 'contactinformation'),
    text('salutation', 'Salutation', 'contactinformation'),
    text('phone', 'Phone Number', 'contactinformation', { fieldType: 'phonenumber' }),
    text('mobilephone', 'Mobile Phone Number', 'contactinformation', { fieldType: 'phonenumber' }),
    text('company', 'Company Name', 'contactinformation'),
    text('jobtitle', 'Job Title', 'contactinformation'),
    text('website', 'Website URL', 'contactinformation'),
    text('address', 'Street Address', 'contactinformation'),
    text('city', 'City', 'contactinformation'),
    text('state', 'State/Region', 'contactinformation'),
    text('zip', 'Postal Code', 'contactinformation'),
    text('country', 'Country/Region', 'contactinformation'),
    text('industry', 'Industry', 'contactinformation'),
    {
      name: 'lifecyclestage',
      label: 'Lifecycle Stage',
      type: 'enumeration',
      fieldType: 'radio',
      group: 'contactinformation',
      options: LIFECYCLE_STAGES,
    },
    {
      name: 'hs_lead_status',
      label: 'Lead Status',
      type: 'enumeration',
      fieldType: 'radio',
      group: 'sales_properties',
      options: [
        ['NEW', 'New'],
        ['OPEN', 'Open'],
        ['IN_PROGRESS', 'In Progress'],
        ['OPEN_DEAL', 'Open Deal'],
        ['UNQUALIFIED', 'Unqualified'],
        ['ATTEMPTED_TO_CONTACT', 'Attempted to Contact'],
        ['CONNECTED', 'Connected'],
        ['BAD_TIMING', 'Bad Timing'],
      ],
    },
    {
      name: 'hs_email_optout',
      label: 'Unsubscribed from all email',
      type: 'bool',
      fieldType: 'booleancheckbox',
      group: 'emailinformation',
      options: [
        ['true', 'Yes'],
        ['false', 'No'],
      ],
    },
    text('message', 'Message', 'contactinformation', { fieldType: 'textarea' }),
    ownerProperty('sales_properties'),
    {
      name: 'createdate',
      label: 'Create Date',
      type: 'datetime',
      fieldType: 'date',
      group: 'contactinformation',
    },
    calculatedDate('lastmodifieddate', 'Last Modified Date', 'contactinformation'),
    {
      // HubSpot's own: the id of the contact's primary company, kept as the primary association moves.
      name: 'associatedcompanyid',
      label: 'Primary Associated Company ID',
      type: 'number',
      fieldType: 'number',
      group: 'contactinformation',
      readOnly: true,
    },
    {
      name: 'hs_object_id',
      label: 'Record ID',
      type: 'number',
      fieldType: 'number',
      group: 'contactinformation',
      readOnly: true,
    },
    text('hs_additional_emails', 'Additional email addresses', 'contactinformation', {
      fieldType: 'textarea',
      readOnly: true,
    }),
    text('hs_calculated_merged_vids', 'Merged Contact IDs', 'contactinformation', {
      readOnly: true,
      calculated: true,
      hidden: true,
    }),
    text('hs_merged_object_ids', 'Merged Contact IDs', 'contactinformation', {
      readOnly: true,
      calculated: true,
      hidden: true,
    }),
  ],
  companies: [
    text('name', 'Company name', 'companyinformation'),
    text('domain', 'Company Domain Name', 'companyinformation'),
    text('website', 'Website URL', 'companyinformation'),
    text('phone', 'Phone Number', 'companyinformation', { fieldType: 'phonenumber' }),
    text('address', 'Street Address', 'companyinformation'),
    text('city', 'City', 'companyinformation'),
    text('state', 'State/Region', 'companyinformation'),
    text('zip', 'Postal Code', 'companyinformation'),
    text('country', 'Country/Region', 'companyinformation'),
    {
      name: 'industry',
      label: 'Industry',
      type: 'enumeration',
      fieldType: 'select',
      group: 'companyinformation',
      options: COMPANY_INDUSTRIES,
    },
    {
      name: 'numberofemployees',
      label: 'Number of Employees',
      type: 'number',
      fieldType: 'number',
      group: 'companyinformation',
    },
    {
      name: 'annualrevenue',
      label: 'Annual Revenue',
      type: 'number',
      fieldType: 'number',
      group: 'companyinformation',
      currency: true,
    },
    text('description', 'Description', 'companyinformation', { fieldType: 'textarea' }),
    {
      name: 'type',
      label: 'Type',
      type: 'enumeration',
      fieldType: 'select',
      group: 'companyinformation',
      options: [
        ['PROSPECT', 'Prospect'],
        ['PARTNER', 'Partner'],
        ['RESELLER', 'Reseller'],
        ['VENDOR', 'Vendor'],
        ['OTHER', 'Other'],
      ],
    },
    {
      name: 'lifecyclestage',
      label: 'Lifecycle Stage',
      type: 'enumeration',
      fieldType: 'radio',
      group: 'companyinformation',
      options: LIFECYCLE_STAGES,
    },
    ownerProperty('companyinformation'),
    {
      name: 'createdate',
      label: 'Create Date',
      type: 'datetime',
      fieldType: 'date',
      group: 'companyinformation',
    },
    calculatedDate('hs_lastmodifieddate', 'Last Modified Date', 'companyinformation'),
    {
      name: 'hs_object_id',
      label: 'Record ID',
      type: 'number',
      fieldType: 'number',
      group: 'companyinformation',
      readOnly: true,
    },
    text('hs_merged_object_ids', 'Merged Company IDs', 'companyinformation', {
      readOnly: true,
      calculated: true,
      hidden: true,
    }),
  ],
  deals: [
    text('dealname', 'Deal Name', 'dealinformation'),
    {
      name: 'amount',
      label: 'Amount',
      type: 'number',
      fieldType: 'number',
      group: 'dealinformation',
      currency: true,
    },
    { name: 'closedate', label: 'Close Date', type: 'datetime', fieldType: 'date', group: 'dealinformation' },
    {
      name: 'dealstage',
      label: 'Deal Stage',
      type: 'enumeration',
      fieldType: 'radio',
      group: 'dealinformation',
      options: DEAL_STAGES,
    },
    {
      name: 'pipeline',
      label: 'Pipeline',
      type: 'enumeration',
      fieldType: 'select',
      group: 'dealinformation',
      options: [['default', 'Sales Pipeline']],
    },
    {
      // The account's currencies (HubSpot lists the company currency and any added ones).
      name: 'deal_currency_code',
      label: 'Currency',
      type: 'enumeration',
      fieldType: 'select',
      group: 'dealinformation',
      options: [
        ['USD', 'US Dollar'],
        ['EUR', 'Euro'],
        ['GBP', 'British Pound'],
      ],
    },
    {
      name: 'dealtype',
      label: 'Deal Type',
      type: 'enumeration',
      fieldType: 'radio',
      group: 'dealinformation',
      options: [
        ['newbusiness', 'New Business'],
        ['existingbusiness', 'Existing Business'],
      ],
    },
    {
      name: 'hs_priority',
      label: 'Priority',
      type: 'enumeration',
      fieldType: 'radio',
      group: 'dealinformation',
      options: [
        ['low', 'Low'],
        ['medium', 'Medium'],
        ['high', 'High'],
      ],
    },
    text('description', 'Deal Description', 'dealinformation', { fieldType: 'textarea' }),
    ownerProperty('dealinformation'),
    {
      name: 'createdate',
      label: 'Create Date',
      type: 'datetime',
      fieldType: 'date',
      group: 'dealinformation',
    },
    calculatedDate('hs_lastmodifieddate', 'Last Modified Date', 'dealinformation'),
    {
      // HubSpot's own: how many contacts the deal is associated with, kept as they are added and removed.
      name: 'num_associated_contacts',
      label: 'Number of Associated Contacts',
      type: 'number',
      fieldType: 'number',
      group: 'dealinformation',
      readOnly: true,
      calculated: true,
    },
    {
      // HubSpot's own: whether the deal's stage is a closed one (won or lost), kept on every write.
      name: 'hs_is_closed',
      label: 'Is Deal Closed?',
      type: 'bool',
      fieldType: 'booleancheckbox',
      group: 'dealinformation',
      options: [
        ['true', 'Yes'],
        ['false', 'No'],
      ],
      readOnly: true,
      calculated: true,
    },
    {
      name: 'hs_object_id',
      label: 'Record ID',
      type: 'number',
      fieldType: 'number',
      group: 'dealinformation',
      readOnly: true,
    },
    text('hs_merged_object_ids', 'Merged Deal IDs', 'dealinformation', {
      readOnly: true,
      calculated: true,
      hidden: true,
    }),
  ],
};

const GROUPS: Record<ObjectType, Array<[name: string, label: string]>> = {
  contacts: [
    ['contactinformation', 'Contact information'],
    ['emailinformation', 'Email information'],
    ['sales_properties', 'Sales properties'],
  ],
  companies: [['companyinformation', 'Company information']],
  deals: [['dealinformation', 'Deal information']],
};

export function defaultGroups(objectType: ObjectType): PropertyGroup[] {
  return GROUPS[objectType].map(([name, label], index) => ({
    name,
    label,
    displayOrder: index,
    archived: false,
  }));
}

export function defaultProperties(objectType: ObjectType, nowMs: number): PropertyDefinition[] {
  return SPECS[objectType].map((spec, index) => ({
    name: spec.name,
    label: spec.label,
    type: spec.type,
    fieldType: spec.fieldType,
    groupName: spec.group,
    description: '',
    options: (spec.options ?? []).map(([value, label], order): PropertyOption => ({
      label,
      value,
      hidden: false,
      displayOrder: order,
    })),
    displayOrder: index,
    hasUniqueValue: false,
    hidden: spec.hidden ?? false,
    formField: spec.formField ?? !spec.readOnly,
    calculated: spec.calculated ?? false,
    externalOptions: spec.referencedObjectType !== undefined,
    hubspotDefined: true,
    readOnlyValue: spec.readOnly ?? false,
    ...(spec.currency ? { showCurrencySymbol: true } : {}),
    ...(spec.referencedObjectType ? { referencedObjectType: spec.referencedObjectType } : {}),
    archived: false,
    archivedAtMs: null,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
    createdUserId: null,
    updatedUserId: null,
  }));
}
