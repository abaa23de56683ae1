import { defaultSettings, defaultSettingsInput } from '../../../../src/domain/settings/defaults';
import { CURRENT_SCHEMA_VERSION, SettingsSchema } from '../../../../src/domain/settings/schema';

function withContacts(patch: (contacts: Record<string, unknown>) => void): unknown {
  const document = structuredClone(defaultSettingsInput) as {
    objects: { contacts: Record<string, unknown> };
  };
  patch(document.objects.contacts);
  return document;
}

function messages(document: unknown): string[] {
  const result = SettingsSchema.safeParse(document);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('shipped default settings', () => {
  const settings = defaultSettings();

  it('sync contacts with Leads and Contacts, companies with Accounts and deals with Opportunities', () => {
    expect(settings.objects.contacts.enabled).toBe(true);
    expect(settings.objects.companies).toMatchObject({
      enabled: true,
      createInSalesforce: { default: 'Account', rules: [] },
      createInHubspot: { Account: true },
      crossId: { hubspotProperty: 'salesforce_record_id', salesforceField: { Account: 'HubSpot_Id__c' } },
    });
    expect(settings.objects.companies.fields.map((field) => field.key)).toEqual(
      expect.arrayContaining(['name', 'domain', 'industry', 'numberofemployees', 'annualrevenue', 'owner']),
    );
    expect(settings.objects.deals).toMatchObject({
      enabled: true,
      createInSalesforce: { default: 'Opportunity', rules: [] },
      crossId: { hubspotProperty: 'salesforce_record_id', salesforceField: { Opportunity: 'HubSpot_Id__c' } },
    });
    expect(settings.objects.deals.fields.map((field) => [field.key, field.rule])).toEqual(
      expect.arrayContaining([
        ['amount', 'review'],
        ['closedate', 'review'],
        ['dealstage', 'review'],
      ]),
    );
    expect(settings.objects.contacts.createInSalesforce).toEqual({ default: 'Lead', rules: [] });
    expect(settings.paused).toBe(false);
  });

  it('cover the standard contact fields', () => {
    const keys = settings.objects.contacts.fields.map((field) => field.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'firstname',
        'lastname',
        'email',
        'phone',
        'mobilephone',
        'jobtitle',
        'company',
        'address',
        'city',
        'state',
        'zip',
        'country',
        'lifecyclestage',
        'owner',
        'email_opt_out',
      ]),
    );
  });

  it('map company to Leads only: a Contact has no company field of its own', () => {
    const company = settings.objects.contacts.fields.find((field) => field.key === 'company');
    expect(company?.salesforceFields).toEqual({ Lead: 'Company', Contact: null });
  });

  it('map lifecycle stage to Lead Status through a value map', () => {
    const stage = settings.objects.contacts.fields.find((field) => field.key === 'lifecyclestage');
    expect(stage?.transform.kind).toBe('picklist');
    expect(stage?.salesforceFields).toEqual({ Lead: 'Status', Contact: null });
  });

  it('fill in the operational defaults', () => {
    expect(settings.polling).toEqual({ hubspotIntervalMs: 60_000, salesforceIntervalMs: 60_000 });
    expect(settings.apiBudget).toEqual({ salesforceDailyPercent: 25, hubspotCallsPer10s: 90 });
    expect(settings.deletes).toEqual({
      policy: 'keep_flagged',
      graceDays: 30,
      salesforceFlag: 'when_present',
      salesforceFlagField: null,
      brake: { maxPerHour: 50, linkedPercent: 5, minPerHour: 10 },
    });
    expect(settings.phoneDefaultCountry).toBe('US');
  });

  it('leave the settings to super admins until roles are named', () => {
    expect(settings.access).toEqual({ settingsRoleIds: [] });
  });
});

describe('settings schema', () => {
  it.each([
    [
      'a key used twice',
      withContacts((contacts) =>
        (contacts.fields as unknown[]).push({
          key: 'email',
          hubspotProperty: 'work_email',
          salesforceFields: { Lead: 'Work_Email__c' },
          rule: 'two_way',
          transform: { kind: 'email' },
        }),
      ),
      'the field key "email" is used by more than one mapping',
    ],
    [
      'a HubSpot property mapped twice',
      withContacts((contacts) =>
        (contacts.fields as unknown[]).push({
          key: 'email2',
          hubspotProperty: 'email',
          salesforceFields: { Lead: 'Other__c' },
          rule: 'two_way',
          transform: { kind: 'email' },
        }),
      ),
      'the HubSpot property "email" is mapped more than once',
    ],
    [
      'a Salesforce field mapped twice',
      withContacts((contacts) =>
        (contacts.fields as unknown[]).push({
          key: 'work_email',
          hubspotProperty: 'work_email',
          salesforceFields: { Contact: 'Email' },
          rule: 'two_way',
          transform: { kind: 'email' },
        }),
      ),
      'the Salesforce field Contact.Email is mapped more than once',
    ],
    [
      'a mapping with no Salesforce field',
      withContacts((contacts) =>
        (contacts.fields as unknown[]).push({
          key: 'nowhere',
          hubspotProperty: 'nowhere',
          salesforceFields: { Lead: null, Contact: null },
          rule: 'two_way',
          transform: { kind: 'text' },
        }),
      ),
      'names no Salesforce field for any object',
    ],
    [
      'a value listed twice in a value map',
      withContacts((contacts) =>
        (contacts.fields as unknown[]).push({
          key: 'rating',
          hubspotProperty: 'rating',
          salesforceFields: { Lead: 'Rating' },
          rule: 'two_way',
          transform: {
            kind: 'picklist',
            options: [
              { hubspot: ['hot'], salesforce: ['Hot'] },
              { hubspot: ['HOT'], salesforce: ['Warm'] },
            ],
          },
        }),
      ),
      'the HubSpot value "HOT" appears more than once in the value map',
    ],
    [
      'an Account field on a contact mapping',
      withContacts((contacts) =>
        (contacts.fields as unknown[]).push({
          key: 'acct',
          hubspotProperty: 'acct',
          salesforceFields: { Account: 'Name' },
          rule: 'two_way',
          transform: { kind: 'text' },
        }),
      ),
      'salesforceFields',
    ],
    [
      'an unknown rule',
      withContacts((contacts) => ((contacts.fields as { rule: string }[])[0]!.rule = 'hubspot_wins')),
      'rule',
    ],
  ])('rejects %s', (_name, document, expected) => {
    expect(messages(document).join('\n')).toContain(expected);
  });

  it('rejects an unknown phone country', () => {
    expect(messages({ ...defaultSettingsInput, phoneDefaultCountry: 'XX' }).join()).toContain(
      'two-letter country code',
    );
  });

  it('rejects a poll interval under 15 seconds', () => {
    expect(messages({ ...defaultSettingsInput, polling: { hubspotIntervalMs: 1000 } })).toHaveLength(1);
  });

  it('fills every default into a minimal document', () => {
    const settings = SettingsSchema.parse({
      schemaVersion: CURRENT_SCHEMA_VERSION,
      objects: {
        contacts: {
          enabled: true,
          fields: [],
          createInSalesforce: { default: 'Contact' },
          createInHubspot: {},
          crossId: { salesforceField: {} },
        },
      },
    });
    expect(settings.objects.contacts.crossId.hubspotProperty).toBe('salesforce_record_id');
    expect(settings.objects.contacts.scope).toBeNull();
    expect(settings.objects.companies.crossId.hubspotProperty).toBe('salesforce_account_id');
    expect(settings.objects.contacts.createInSalesforce.rules).toEqual([]);
  });
});
