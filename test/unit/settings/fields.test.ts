import { defaultSettings } from '../../../src/domain/settings/defaults';
import type { SalesforceFieldDescribe } from '../../../src/domain/settings/metadata';
import {
  contactTypeOfId,
  hubspotPropertiesToRead,
  salesforceFieldsToRead,
  settingsForOrg,
} from '../../../src/settings/fields';

const field = (name: string, extra: Partial<SalesforceFieldDescribe> = {}): SalesforceFieldDescribe => ({
  name,
  label: name,
  type: 'string',
  createable: true,
  updateable: true,
  nillable: true,
  defaultedOnCreate: false,
  calculated: false,
  externalId: false,
  restrictedPicklist: false,
  length: 80,
  scale: 0,
  referenceTo: [],
  picklistValues: [],
  ...extra,
});

const leadFields = [
  'FirstName',
  'LastName',
  'Email',
  'Phone',
  'MobilePhone',
  'Title',
  'Company',
  'Street',
  'City',
  'State',
  'PostalCode',
  'Country',
  'Status',
  'OwnerId',
  'HasOptedOutOfEmail',
].map((name) => field(name));

describe('what the sync reads', () => {
  it('reads every mapped property, the cross-id and the app properties from HubSpot', () => {
    const properties = hubspotPropertiesToRead(defaultSettings());
    expect(properties).toEqual(
      expect.arrayContaining(['email', 'hubspot_owner_id', 'salesforce_record_id', 'salesforce_sync_status']),
    );
    expect(new Set(properties).size).toBe(properties.length);
  });

  it('uses the delete checkbox whenever the org has it as an editable checkbox, and says so', () => {
    const checkbox = field('HubSpot_Deleted__c', { type: 'boolean' });
    const withFlag = settingsForOrg(defaultSettings(), { Lead: [checkbox], Contact: [checkbox] });
    expect(withFlag.deletes).toMatchObject({
      salesforceFlag: 'when_present',
      salesforceFlagField: 'HubSpot_Deleted__c',
    });
    expect(salesforceFieldsToRead(withFlag, 'Contact')).toContain('HubSpot_Deleted__c');

    const contactOnly = settingsForOrg(defaultSettings(), { Lead: [], Contact: [checkbox] });
    expect(contactOnly.deletes).toMatchObject({ salesforceFlag: 'off', salesforceFlagField: null });
    expect(salesforceFieldsToRead(contactOnly, 'Contact')).not.toContain('HubSpot_Deleted__c');

    const readOnly = field('HubSpot_Deleted__c', { type: 'boolean', updateable: false });
    expect(
      settingsForOrg(defaultSettings(), { Lead: [readOnly], Contact: [readOnly] }).deletes.salesforceFlag,
    ).toBe('off');
    const turnedOff = defaultSettings();
    const off = { ...turnedOff, deletes: { ...turnedOff.deletes, salesforceFlag: 'off' as const } };
    expect(
      settingsForOrg(off, { Lead: [checkbox], Contact: [checkbox] }).deletes.salesforceFlagField,
    ).toBeNull();
  });

  it('leaves out the fields an org lacks, and upserts only on a real external id', () => {
    const withoutCrossId = settingsForOrg(defaultSettings(), { Lead: leadFields, Contact: [] });
    expect(salesforceFieldsToRead(withoutCrossId, 'Lead')).not.toContain('HubSpot_Id__c');
    expect(withoutCrossId.objects.contacts.crossId.salesforceField.Lead).toBeNull();
    expect(salesforceFieldsToRead(withoutCrossId, 'Contact')).toEqual([]);

    const notExternal = settingsForOrg(defaultSettings(), { Lead: [...leadFields, field('HubSpot_Id__c')] });
    expect(notExternal.objects.contacts.crossId.salesforceField.Lead).toBeNull();
    const external = settingsForOrg(defaultSettings(), {
      Lead: [...leadFields, field('HubSpot_Id__c', { externalId: true })],
    });
    expect(external.objects.contacts.crossId.salesforceField.Lead).toBe('HubSpot_Id__c');
    expect(salesforceFieldsToRead(external, 'Lead')).toContain('HubSpot_Id__c');
  });

  it('tells Leads from Contacts by the id prefix', () => {
    expect(contactTypeOfId('00Q000000000001AAA')).toBe('Lead');
    expect(contactTypeOfId('003000000000001AAA')).toBe('Contact');
    expect(contactTypeOfId('001000000000001AAA')).toBeNull();
  });
});

describe('the deal stage map in an org', () => {
  const opportunityFields = ['Name', 'StageName', 'CloseDate', 'Amount'].map((name) => field(name));
  const withRenewalType = () => {
    const settings = defaultSettings();
    const stage = settings.objects.deals.fields.find((mapping) => mapping.key === 'dealstage');
    if (stage?.transform.kind !== 'stages') throw new Error('the shipped deal stage is not a stage map');
    stage.transform.pipelines.push({
      pipeline: '31415001',
      recordType: 'Renewal',
      stages: [{ hubspot: ['31415002'], salesforce: ['Closed Won'] }],
    });
    return settings;
  };
  const recordTypesOf = (settings: ReturnType<typeof defaultSettings>) => {
    const stage = settings.objects.deals.fields.find((mapping) => mapping.key === 'dealstage');
    return stage?.transform.kind === 'stages' ? stage.transform.pipelines.map((p) => p.recordType) : [];
  };

  it("names each pipeline's record type by this org's RecordTypeId, and reads it with Opportunities", () => {
    const org = settingsForOrg(
      withRenewalType(),
      { Opportunity: [...opportunityFields, field('RecordTypeId', { type: 'reference' })] },
      { Opportunity: [{ id: '012000000000077AAA', developerName: 'renewal' }] },
    );
    expect(recordTypesOf(org)).toEqual([null, '012000000000077AAA']);
    expect(salesforceFieldsToRead(org, 'Opportunity')).toContain('RecordTypeId');
    expect(hubspotPropertiesToRead(org, 'deals')).toContain('pipeline');
  });

  it('drops record types where the org has none, and reads no RecordTypeId', () => {
    const org = settingsForOrg(withRenewalType(), { Opportunity: opportunityFields });
    expect(recordTypesOf(org)).toEqual([null, null]);
    expect(salesforceFieldsToRead(org, 'Opportunity')).not.toContain('RecordTypeId');
    // A single-currency org has no CurrencyIsoCode: the currency mapping is left out.
    expect(salesforceFieldsToRead(org, 'Opportunity')).not.toContain('CurrencyIsoCode');
  });
});
