import { salesforcePrivacyWrite } from '../../../src/domain/privacy';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SalesforceFieldDescribe } from '../../../src/domain/settings/metadata';
import { SettingsSchema } from '../../../src/domain/settings/schema';

const settingsWith = (salesforceRecord: 'keep' | 'mark' | 'clear') =>
  SettingsSchema.parse({ ...defaultSettingsInput, privacy: { salesforceRecord } });

const field = (name: string, overrides: Partial<SalesforceFieldDescribe> = {}): SalesforceFieldDescribe =>
  ({
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
    ...overrides,
  }) as SalesforceFieldDescribe;

const describe_ = [
  field('FirstName'),
  field('LastName', { nillable: false }),
  field('Email', { type: 'email' }),
  field('Title'),
  field('Phone', { type: 'phone' }),
  field('HasOptedOutOfEmail', { type: 'boolean', nillable: false }),
  field('OwnerId', { type: 'reference', nillable: false }),
];

describe('salesforcePrivacyWrite', () => {
  it('writes nothing to keep the record', () => {
    expect(
      salesforcePrivacyWrite({
        settings: settingsWith('keep'),
        type: 'Contact',
        describe: describe_,
        flagField: 'HubSpot_Deleted__c',
      }),
    ).toBeNull();
  });

  it('marks with the checkbox the org has, and leaves the mark to the bridge without one', () => {
    const settings = settingsWith('mark');
    expect(
      salesforcePrivacyWrite({
        settings,
        type: 'Contact',
        describe: describe_,
        flagField: 'HubSpot_Deleted__c',
      }),
    ).toEqual({ HubSpot_Deleted__c: true });
    expect(
      salesforcePrivacyWrite({ settings, type: 'Contact', describe: describe_, flagField: null }),
    ).toBeNull();
  });

  it('clears the mapped fields that may be blank, never a required one, a checkbox or a lookup, and marks', () => {
    const written = salesforcePrivacyWrite({
      settings: settingsWith('clear'),
      type: 'Contact',
      describe: describe_,
      flagField: 'HubSpot_Deleted__c',
    });
    expect(written).toMatchObject({
      FirstName: null,
      Email: null,
      Title: null,
      Phone: null,
      HubSpot_Deleted__c: true,
    });
    expect(written).not.toHaveProperty('LastName');
    expect(written).not.toHaveProperty('HasOptedOutOfEmail');
    expect(written).not.toHaveProperty('OwnerId');
    // Without the describe nothing is known to be clearable: only the mark.
    expect(
      salesforcePrivacyWrite({
        settings: settingsWith('clear'),
        type: 'Contact',
        describe: undefined,
        flagField: 'HubSpot_Deleted__c',
      }),
    ).toEqual({ HubSpot_Deleted__c: true });
  });
});

describe('privacy settings', () => {
  it('mark the Salesforce record and keep audit values a year and webhook payloads a week by default', () => {
    expect(SettingsSchema.parse(defaultSettingsInput).privacy).toEqual({
      salesforceRecord: 'mark',
      auditValueRetentionDays: 365,
      webhookPayloadRetentionDays: 7,
    });
    expect(
      SettingsSchema.safeParse({ ...defaultSettingsInput, privacy: { webhookPayloadRetentionDays: 0 } })
        .success,
    ).toBe(false);
  });
});
