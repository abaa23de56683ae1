import { indexOwners } from '../../../src/domain/transforms/owner';
import type { HubspotRecord, Link, SalesforceRecord } from '../../../src/domain/records';
import { defaultSettings } from '../../../src/domain/settings/defaults';
import { matchesShadows } from '../../../src/domain/echo';

const settings = defaultSettings();
const owners = indexOwners({
  hubspotOwners: [{ id: '7', email: 'rep@x.com' }],
  salesforceUsers: [{ id: '005000000000001AAA', email: 'rep@x.com', isActive: true }],
});
const link: Link = {
  id: 'l1',
  hubspot: { objectType: 'contacts', id: '101' },
  salesforce: { type: 'Lead', id: '00Q000000000001AAA' },
  state: 'active',
  tombstone: null,
};
const shadows = {
  firstname: 'Ana',
  lastname: 'Ng',
  email: 'ana@acme.com',
  phone: '+14155552671',
  mobilephone: null,
  jobtitle: null,
  company: 'Acme',
  address: null,
  city: null,
  state: null,
  zip: null,
  country: null,
  lifecyclestage: 'lead',
  owner: 'rep@x.com',
  email_opt_out: false,
};

const hubspot: HubspotRecord = {
  objectType: 'contacts',
  id: '101',
  properties: {
    firstname: 'Ana',
    lastname: 'Ng',
    email: 'ANA@acme.com',
    phone: '(415) 555-2671',
    mobilephone: null,
    jobtitle: '',
    company: 'Acme ',
    address: null,
    city: null,
    state: null,
    zip: null,
    country: null,
    lifecyclestage: 'subscriber',
    hubspot_owner_id: '7',
    hs_email_optout: null,
    salesforce_record_id: '00Q000000000001AAA',
  },
  propertyTimestampsMs: {},
  updatedAtMs: 1,
  archived: false,
};

const salesforce: SalesforceRecord = {
  type: 'Lead',
  id: '00Q000000000001AAA',
  fields: {
    FirstName: 'Ana',
    LastName: 'Ng',
    Email: 'ana@acme.com',
    Phone: '+14155552671',
    MobilePhone: null,
    Title: null,
    Company: 'Acme',
    Street: null,
    City: null,
    State: null,
    PostalCode: null,
    Country: null,
    Status: 'Open - Not Contacted',
    OwnerId: '005000000000001AAA',
    HasOptedOutOfEmail: false,
    HubSpot_Id__c: '101',
  },
  lastModifiedAtMs: 1,
  systemModstampMs: 1,
  lastModifiedById: null,
  isDeleted: false,
  masterRecordId: null,
  conversion: null,
};

const check = (
  changed: Parameters<typeof matchesShadows>[0]['changed'],
  overrides: Partial<Parameters<typeof matchesShadows>[0]> = {},
) => matchesShadows({ settings, link, changed, shadows, owners, ...overrides });

describe('the echo test', () => {
  it('holds when every mapped value equals its shadow once normalized', () => {
    expect(check({ side: 'hubspot', record: hubspot })).toBe(true);
    expect(check({ side: 'salesforce', record: salesforce })).toBe(true);
  });

  it.each([
    [
      'a changed value',
      { side: 'hubspot', record: { ...hubspot, properties: { ...hubspot.properties, city: 'Oslo' } } },
    ],
    [
      'a value not read',
      {
        side: 'hubspot',
        record: {
          ...hubspot,
          properties: Object.fromEntries(
            Object.entries(hubspot.properties).filter(([key]) => key !== 'city'),
          ),
        },
      },
    ],
    ['an archived record', { side: 'hubspot', record: { ...hubspot, archived: true } }],
    ['a merge survivor', { side: 'hubspot', record: { ...hubspot, id: '202' } }],
    [
      'a cross-id pointing elsewhere',
      {
        side: 'hubspot',
        record: { ...hubspot, properties: { ...hubspot.properties, salesforce_record_id: null } },
      },
    ],
    [
      'an owner the bridge cannot represent',
      {
        side: 'hubspot',
        record: { ...hubspot, properties: { ...hubspot.properties, hubspot_owner_id: '999' } },
      },
    ],
    [
      'a converted Lead',
      {
        side: 'salesforce',
        record: {
          ...salesforce,
          conversion: {
            convertedContactId: '003000000000001AAA',
            convertedAccountId: null,
            convertedOpportunityId: null,
            convertedDate: null,
          },
        },
      },
    ],
    ['a deleted record', { side: 'salesforce', record: { ...salesforce, isDeleted: true } }],
    [
      'a missing HubSpot id',
      {
        side: 'salesforce',
        record: { ...salesforce, fields: { ...salesforce.fields, HubSpot_Id__c: null } },
      },
    ],
  ] as const)('does not hold for %s', (_, changed) => {
    expect(check(changed as never)).toBe(false);
  });

  it('does not hold for a field never synced or a link that is not active', () => {
    const { city: _city, ...withoutCity } = shadows;
    expect(check({ side: 'hubspot', record: hubspot }, { shadows: withoutCity })).toBe(false);
    expect(check({ side: 'hubspot', record: hubspot }, { link: { ...link, state: 'tombstoned' } })).toBe(
      false,
    );
  });
});
