/**
 * A linked Lead and HubSpot contact that agree on every mapped field, and settings with a few custom
 * mappings so every transform kind is exercised.
 */
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { OwnershipRule, Settings, SettingsInput } from '../../../src/domain/settings/schema';
import { SettingsSchema } from '../../../src/domain/settings/schema';
import { TwoCrms } from './crmModel';
import {
  LEAD_ID,
  REP_OWNER_ID,
  REP_USER_ID,
  activeLink,
  hubspotContact,
  salesforceRecord,
} from './factories';

type ContactsInput = SettingsInput['objects']['contacts'];
type FieldInput = ContactsInput['fields'][number];

const both = (field: string) => ({ Lead: field, Contact: field });

export const customFields: FieldInput[] = [
  {
    key: 'score',
    hubspotProperty: 'score',
    salesforceFields: both('Score__c'),
    rule: 'two_way',
    transform: { kind: 'number', decimalPlaces: 2 },
  },
  {
    key: 'birthday',
    hubspotProperty: 'birthday',
    salesforceFields: both('Birthdate__c'),
    rule: 'two_way',
    transform: { kind: 'date' },
  },
  {
    key: 'last_meeting',
    hubspotProperty: 'last_meeting',
    salesforceFields: both('Last_Meeting__c'),
    rule: 'two_way',
    transform: { kind: 'datetime' },
  },
  {
    key: 'interests',
    hubspotProperty: 'interests',
    salesforceFields: both('Interests__c'),
    rule: 'two_way',
    transform: {
      kind: 'multiselect',
      options: [{ hubspot: ['sailing'], salesforce: ['Sailing'] }],
      passThrough: true,
    },
  },
];

export function buildSettings(
  options: {
    rules?: Record<string, OwnershipRule>;
    patch?: (contacts: ContactsInput, document: SettingsInput) => void;
  } = {},
): Settings {
  const document = structuredClone(defaultSettingsInput);
  const contacts = document.objects.contacts;
  contacts.fields.push(...structuredClone(customFields));
  for (const [key, rule] of Object.entries(options.rules ?? {})) {
    const field = contacts.fields.find((candidate) => candidate.key === key);
    if (!field) throw new Error(`no field ${key}`);
    field.rule = rule;
  }
  options.patch?.(contacts, document);
  return SettingsSchema.parse(document);
}

export const syncedHubspot = hubspotContact({
  properties: {
    firstname: 'Ana',
    lastname: 'Lopez',
    email: 'ana@acme.com',
    phone: '+14155552671',
    jobtitle: 'CTO',
    company: 'Acme',
    lifecyclestage: 'lead',
    hubspot_owner_id: REP_OWNER_ID,
    hs_email_optout: 'false',
    salesforce_record_id: LEAD_ID,
    score: '1',
    birthday: '2000-01-01',
    last_meeting: String(Date.UTC(2025, 0, 1)),
    interests: 'sailing',
  },
  updatedAtMs: 10_000,
});

export const syncedLead = salesforceRecord({
  type: 'Lead',
  fields: {
    FirstName: 'Ana',
    LastName: 'Lopez',
    Email: 'ana@acme.com',
    Phone: '+14155552671',
    Title: 'CTO',
    Company: 'Acme',
    Status: 'Open - Not Contacted',
    OwnerId: REP_USER_ID,
    HasOptedOutOfEmail: false,
    HubSpot_Id__c: '512',
    Score__c: 1,
    Birthdate__c: '2000-01-01',
    Last_Meeting__c: '2025-01-01T00:00:00.000+0000',
    Interests__c: 'Sailing',
  },
  lastModifiedAtMs: 10_000,
  systemModstampMs: 10_000,
});

export const modelOptions = {
  hubspotFormats: { birthday: 'date', last_meeting: 'datetime' },
  salesforceDateTimes: ['Last_Meeting__c'],
} as const;

/** A pair that has been linked and synced once, so every field has a shadow. */
export function syncedPair(settings: Settings): TwoCrms {
  const crms = new TwoCrms(activeLink(), syncedHubspot, syncedLead, modelOptions);
  const first = crms.plan(settings);
  if (first.hubspotWrite || first.salesforceWrite) throw new Error('the fixture pair should already agree');
  crms.apply(first);
  return crms;
}
