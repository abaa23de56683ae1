/**
 * The settings a new installation starts with: contacts sync both ways with Leads and Contacts, companies
 * with Accounts and deals with Opportunities, with their associations, as admins moving from HubSpot's own
 * connector expect; the standard fields mapped with sensible rules; new HubSpot contacts become Leads. Each
 * object can be turned off on the settings page.
 *
 * Why these rules:
 * - names, email, phones, title, address, company: `two_way`, the most recent edit wins; this is what
 *   people expect of "sync" and what HubSpot's own connector does.
 * - owner: `two_way` too; a cleared HubSpot owner is never written (every Salesforce record has an owner).
 * - lifecycle stage ⇄ Lead Status: `two_way` through a value map; Contacts have no Lead Status.
 * - email opt-out: `hubspot`. HubSpot keeps the subscription status (its API does not let an app set it),
 *   so Salesforce mirrors it.
 */
import { CONTACT_ROLES_FIELD, CONTACTS_PROPERTY, PRIMARY_COMPANY_PROPERTY } from '../transforms/association';
import type { FieldMapping, Settings, SettingsInput } from './schema';
import { CURRENT_SCHEMA_VERSION, SettingsSchema } from './schema';

type ContactFieldInput = SettingsInput['objects']['contacts']['fields'][number];

function both(field: string): { Lead: string; Contact: string } {
  return { Lead: field, Contact: field };
}

const contactFields: ContactFieldInput[] = [
  {
    key: 'firstname',
    label: 'First name',
    hubspotProperty: 'firstname',
    salesforceFields: both('FirstName'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'lastname',
    label: 'Last name',
    hubspotProperty: 'lastname',
    salesforceFields: both('LastName'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'email',
    label: 'Email',
    hubspotProperty: 'email',
    salesforceFields: both('Email'),
    rule: 'two_way',
    transform: { kind: 'email' },
  },
  {
    key: 'phone',
    label: 'Phone',
    hubspotProperty: 'phone',
    salesforceFields: both('Phone'),
    rule: 'two_way',
    transform: { kind: 'phone' },
  },
  {
    key: 'mobilephone',
    label: 'Mobile phone',
    hubspotProperty: 'mobilephone',
    salesforceFields: both('MobilePhone'),
    rule: 'two_way',
    transform: { kind: 'phone' },
  },
  {
    key: 'jobtitle',
    label: 'Job title',
    hubspotProperty: 'jobtitle',
    salesforceFields: both('Title'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  // A Contact's company is its Account's name: it syncs with companies, not as a Contact field.
  {
    key: 'company',
    label: 'Company name',
    hubspotProperty: 'company',
    salesforceFields: { Lead: 'Company', Contact: null },
    rule: 'two_way',
    // A Lead needs a Company: a contact without one gets what Salesforce's own Web-to-Lead writes.
    transform: { kind: 'text', salesforceBlank: '[not provided]' },
  },
  {
    key: 'address',
    label: 'Street address',
    hubspotProperty: 'address',
    salesforceFields: { Lead: 'Street', Contact: 'MailingStreet' },
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'city',
    label: 'City',
    hubspotProperty: 'city',
    salesforceFields: { Lead: 'City', Contact: 'MailingCity' },
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'state',
    label: 'State/Region',
    hubspotProperty: 'state',
    salesforceFields: { Lead: 'State', Contact: 'MailingState' },
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'zip',
    label: 'Postal code',
    hubspotProperty: 'zip',
    salesforceFields: { Lead: 'PostalCode', Contact: 'MailingPostalCode' },
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'country',
    label: 'Country',
    hubspotProperty: 'country',
    salesforceFields: { Lead: 'Country', Contact: 'MailingCountry' },
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'lifecyclestage',
    label: 'Lifecycle stage / Lead Status',
    hubspotProperty: 'lifecyclestage',
    salesforceFields: { Lead: 'Status', Contact: null },
    rule: 'two_way',
    transform: {
      kind: 'picklist',
      options: [
        { hubspot: ['lead', 'subscriber'], salesforce: ['Open - Not Contacted'] },
        { hubspot: ['salesqualifiedlead', 'marketingqualifiedlead'], salesforce: ['Working - Contacted'] },
        { hubspot: ['opportunity', 'customer', 'evangelist'], salesforce: ['Closed - Converted'] },
        { hubspot: ['other'], salesforce: ['Closed - Not Converted'] },
      ],
    },
  },
  {
    key: 'owner',
    label: 'Owner',
    hubspotProperty: 'hubspot_owner_id',
    salesforceFields: both('OwnerId'),
    rule: 'two_way',
    transform: { kind: 'owner' },
  },
  {
    // A Contact's Account ⇄ the contact's primary company (Leads have no Account). Syncs while companies do.
    key: 'primary_company',
    label: 'Company (Account)',
    hubspotProperty: PRIMARY_COMPANY_PROPERTY,
    salesforceFields: { Contact: 'AccountId' },
    rule: 'two_way',
    transform: { kind: 'association', to: 'companies' },
  },
  {
    key: 'email_opt_out',
    label: 'Email opt-out',
    hubspotProperty: 'hs_email_optout',
    salesforceFields: both('HasOptedOutOfEmail'),
    rule: 'hubspot',
    transform: { kind: 'boolean' },
  },
];

type CompanyFieldInput = SettingsInput['objects']['companies'] extends infer C
  ? C extends { fields: Array<infer F> }
    ? F
    : never
  : never;

function account(field: string): { Account: string } {
  return { Account: field };
}

/**
 * HubSpot's company industries ⇄ Salesforce's standard Account Industry values. The first value of each
 * side is the one written there. Salesforce's `Other` has no HubSpot counterpart, and HubSpot knows many
 * more industries than Salesforce: a value in no group is not written, the record's card says so, and the
 * settings page lists such values as notes until the admin extends the map.
 */
const industryOptions = [
  { hubspot: ['FINANCIAL_SERVICES', 'ACCOUNTING'], salesforce: ['Finance'] },
  { hubspot: ['BANKING'], salesforce: ['Banking'] },
  { hubspot: ['BIOTECHNOLOGY', 'PHARMACEUTICALS'], salesforce: ['Biotechnology', 'Chemicals'] },
  { hubspot: ['APPAREL_FASHION'], salesforce: ['Apparel'] },
  { hubspot: ['CONSTRUCTION', 'REAL_ESTATE'], salesforce: ['Construction'] },
  { hubspot: ['EDUCATION_MANAGEMENT'], salesforce: ['Education'] },
  { hubspot: ['FOOD_BEVERAGES'], salesforce: ['Food & Beverage', 'Agriculture'] },
  { hubspot: ['HOSPITAL_HEALTH_CARE', 'MEDICAL_DEVICES'], salesforce: ['Healthcare'] },
  { hubspot: ['HOSPITALITY'], salesforce: ['Hospitality', 'Recreation'] },
  {
    hubspot: ['COMPUTER_SOFTWARE', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'INTERNET'],
    salesforce: ['Technology', 'Electronics'],
  },
  { hubspot: ['INSURANCE'], salesforce: ['Insurance'] },
  { hubspot: ['MANAGEMENT_CONSULTING'], salesforce: ['Consulting'] },
  { hubspot: ['MACHINERY', 'AUTOMOTIVE'], salesforce: ['Machinery', 'Manufacturing', 'Engineering'] },
  { hubspot: ['MARKETING_AND_ADVERTISING'], salesforce: ['Media', 'Entertainment'] },
  { hubspot: ['NONPROFIT_ORGANIZATION_MANAGEMENT'], salesforce: ['Not For Profit', 'Government'] },
  { hubspot: ['OIL_ENERGY', 'UTILITIES'], salesforce: ['Energy', 'Utilities', 'Environmental'] },
  { hubspot: ['RETAIL', 'CONSUMER_GOODS'], salesforce: ['Retail'] },
  { hubspot: ['TELECOMMUNICATIONS'], salesforce: ['Telecommunications', 'Communications'] },
  {
    hubspot: ['TRANSPORTATION_TRUCKING_RAILROAD', 'AIRLINES_AVIATION'],
    salesforce: ['Transportation', 'Shipping'],
  },
];

const companyFields: CompanyFieldInput[] = [
  {
    key: 'name',
    label: 'Company name',
    hubspotProperty: 'name',
    salesforceFields: account('Name'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'domain',
    label: 'Domain / Website',
    hubspotProperty: 'domain',
    salesforceFields: account('Website'),
    rule: 'two_way',
    transform: { kind: 'domain' },
  },
  {
    key: 'industry',
    label: 'Industry',
    hubspotProperty: 'industry',
    salesforceFields: account('Industry'),
    rule: 'two_way',
    transform: { kind: 'picklist', options: industryOptions },
  },
  {
    key: 'numberofemployees',
    label: 'Employees',
    hubspotProperty: 'numberofemployees',
    salesforceFields: account('NumberOfEmployees'),
    rule: 'two_way',
    transform: { kind: 'number', decimalPlaces: 0 },
  },
  {
    key: 'annualrevenue',
    label: 'Annual revenue',
    hubspotProperty: 'annualrevenue',
    salesforceFields: account('AnnualRevenue'),
    rule: 'two_way',
    transform: { kind: 'number', decimalPlaces: 0 },
  },
  {
    key: 'phone',
    label: 'Phone',
    hubspotProperty: 'phone',
    salesforceFields: account('Phone'),
    rule: 'two_way',
    transform: { kind: 'phone' },
  },
  {
    key: 'address',
    label: 'Street address',
    hubspotProperty: 'address',
    salesforceFields: account('BillingStreet'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'city',
    label: 'City',
    hubspotProperty: 'city',
    salesforceFields: account('BillingCity'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'state',
    label: 'State/Region',
    hubspotProperty: 'state',
    salesforceFields: account('BillingState'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'zip',
    label: 'Postal code',
    hubspotProperty: 'zip',
    salesforceFields: account('BillingPostalCode'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'country',
    label: 'Country',
    hubspotProperty: 'country',
    salesforceFields: account('BillingCountry'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'description',
    label: 'Description',
    hubspotProperty: 'description',
    salesforceFields: account('Description'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'owner',
    label: 'Owner',
    hubspotProperty: 'hubspot_owner_id',
    salesforceFields: account('OwnerId'),
    rule: 'two_way',
    transform: { kind: 'owner' },
  },
];

/**
 * Companies ⇄ Accounts, on for a new installation: matched by the stored cross-ids, then
 * by web domain; new companies become Accounts and new Accounts companies.
 */
export const defaultCompaniesInput = {
  enabled: true,
  fields: companyFields,
  scope: null,
  createInSalesforce: { default: 'Account' as const, rules: [] },
  createInHubspot: { Account: true },
  crossId: { hubspotProperty: 'salesforce_record_id', salesforceField: account('HubSpot_Id__c') },
} satisfies SettingsInput['objects']['companies'];

type DealFieldInput = SettingsInput['objects']['deals'] extends infer D
  ? D extends { fields: Array<infer F> }
    ? F
    : never
  : never;

function opportunity(field: string): { Opportunity: string } {
  return { Opportunity: field };
}

/**
 * HubSpot's default sales pipeline ⇄ Salesforce's standard Opportunity stages. A deal in another pipeline
 * has stages this map does not name: its stage is not written and its card says so until an admin adds
 * that pipeline's stage map.
 */
const defaultPipelineStages = [
  { hubspot: ['appointmentscheduled'], salesforce: ['Prospecting'] },
  { hubspot: ['qualifiedtobuy'], salesforce: ['Qualification'] },
  { hubspot: ['presentationscheduled'], salesforce: ['Needs Analysis', 'Value Proposition'] },
  { hubspot: ['decisionmakerboughtin'], salesforce: ['Id. Decision Makers', 'Perception Analysis'] },
  { hubspot: ['contractsent'], salesforce: ['Proposal/Price Quote', 'Negotiation/Review'] },
  { hubspot: ['closedwon'], salesforce: ['Closed Won'] },
  { hubspot: ['closedlost'], salesforce: ['Closed Lost'] },
];

/** Amount, close date and stage are critical: when both sides changed them, a person decides (`review`). */
const dealFields: DealFieldInput[] = [
  {
    key: 'dealname',
    label: 'Deal name',
    hubspotProperty: 'dealname',
    salesforceFields: opportunity('Name'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'amount',
    label: 'Amount',
    hubspotProperty: 'amount',
    salesforceFields: opportunity('Amount'),
    rule: 'review',
    transform: { kind: 'number', decimalPlaces: 2 },
  },
  {
    // The amount's currency: only where the org is multi-currency (elsewhere Opportunity has no
    // CurrencyIsoCode, and the mapping is left out). HubSpot's options are the account's currencies.
    key: 'currency',
    label: 'Currency',
    hubspotProperty: 'deal_currency_code',
    salesforceFields: opportunity('CurrencyIsoCode'),
    rule: 'review',
    transform: { kind: 'picklist', options: [], passThrough: true },
  },
  {
    key: 'closedate',
    label: 'Close date',
    hubspotProperty: 'closedate',
    salesforceFields: opportunity('CloseDate'),
    rule: 'review',
    transform: { kind: 'date' },
  },
  {
    key: 'dealstage',
    label: 'Deal stage',
    hubspotProperty: 'dealstage',
    salesforceFields: opportunity('StageName'),
    rule: 'review',
    transform: {
      kind: 'stages',
      pipelines: [
        { pipeline: 'default', label: 'Sales Pipeline', recordType: null, stages: defaultPipelineStages },
      ],
    },
  },
  {
    key: 'dealtype',
    label: 'Deal type',
    hubspotProperty: 'dealtype',
    salesforceFields: opportunity('Type'),
    rule: 'two_way',
    transform: {
      kind: 'picklist',
      options: [
        { hubspot: ['newbusiness'], salesforce: ['New Customer'] },
        {
          hubspot: ['existingbusiness'],
          salesforce: [
            'Existing Customer - Upgrade',
            'Existing Customer - Replacement',
            'Existing Customer - Downgrade',
          ],
        },
      ],
    },
  },
  {
    key: 'description',
    label: 'Description',
    hubspotProperty: 'description',
    salesforceFields: opportunity('Description'),
    rule: 'two_way',
    transform: { kind: 'text' },
  },
  {
    key: 'owner',
    label: 'Owner',
    hubspotProperty: 'hubspot_owner_id',
    salesforceFields: opportunity('OwnerId'),
    rule: 'two_way',
    transform: { kind: 'owner' },
  },
  {
    // The Opportunity's Account ⇄ the deal's primary company. Syncs while companies do.
    key: 'primary_company',
    label: 'Company (Account)',
    hubspotProperty: PRIMARY_COMPANY_PROPERTY,
    salesforceFields: opportunity('AccountId'),
    rule: 'two_way',
    transform: { kind: 'association', to: 'companies' },
  },
  {
    // The deal's contacts ⇄ the Opportunity's contact roles. Syncs while contacts do.
    key: 'contacts',
    label: 'Contacts (contact roles)',
    hubspotProperty: CONTACTS_PROPERTY,
    salesforceFields: opportunity(CONTACT_ROLES_FIELD),
    rule: 'two_way',
    transform: { kind: 'association', to: 'contacts' },
  },
];

/**
 * Deals ⇄ Opportunities, on for a new installation: matched by the stored cross-ids only
 * (a deal has no natural key); new deals become Opportunities and new Opportunities deals.
 */
export const defaultDealsInput = {
  enabled: true,
  fields: dealFields,
  scope: null,
  createInSalesforce: { default: 'Opportunity' as const, rules: [] },
  createInHubspot: { Opportunity: true },
  crossId: { hubspotProperty: 'salesforce_record_id', salesforceField: opportunity('HubSpot_Id__c') },
} satisfies SettingsInput['objects']['deals'];

export const defaultSettingsInput: SettingsInput = {
  schemaVersion: CURRENT_SCHEMA_VERSION,
  objects: {
    contacts: {
      enabled: true,
      fields: contactFields,
      scope: null,
      createInSalesforce: { default: 'Lead', rules: [] },
      createInHubspot: { Lead: true, Contact: true },
      crossId: { hubspotProperty: 'salesforce_record_id', salesforceField: both('HubSpot_Id__c') },
    },
    companies: defaultCompaniesInput,
    deals: defaultDealsInput,
  },
};

/** A fresh copy of the shipped defaults, every default filled in. */
export function defaultSettings(): Settings {
  return SettingsSchema.parse(defaultSettingsInput);
}

export function findMapping(settings: Settings, key: string): FieldMapping | undefined {
  return settings.objects.contacts.fields.find((field) => field.key === key);
}
