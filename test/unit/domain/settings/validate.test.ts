import type { SettingsInput } from '../../../../src/domain/settings/schema';
import {
  defaultCompaniesInput,
  defaultDealsInput,
  defaultSettingsInput,
} from '../../../../src/domain/settings/defaults';
import type { SettingsMessage } from '../../../../src/domain/settings/validate';
import { validateSettings } from '../../../../src/domain/settings/validate';
import { liveMetadata } from '../factories';

type ContactsInput = SettingsInput['objects']['contacts'];
type FieldInput = ContactsInput['fields'][number];

/**
 * The shipped settings with companies and deals off: the metadata these tests check against is the
 * contacts' (Lead, Contact, contact properties). The shipped defaults as a whole are checked against the
 * emulators' live metadata in test/e2e/changes/settings-api.test.ts.
 */
function settingsWith(patch: (contacts: ContactsInput, document: SettingsInput) => void): SettingsInput {
  const document = structuredClone(defaultSettingsInput);
  document.objects.companies = { ...defaultCompaniesInput, enabled: false };
  document.objects.deals = { ...defaultDealsInput, enabled: false };
  patch(document.objects.contacts, document);
  return document;
}

function field(contacts: ContactsInput, key: string): FieldInput {
  const found = contacts.fields.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`no field ${key}`);
  return found;
}

function codes(messages: readonly SettingsMessage[]): string[] {
  return messages.map((message) => `${message.severity}:${message.fieldKey ?? '-'}:${message.code}`);
}

describe('validateSettings', () => {
  it('accepts the shipped contact settings against standard metadata without a single message', () => {
    const result = validateSettings(
      settingsWith(() => undefined),
      liveMetadata(),
    );
    expect(result.messages).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.settings?.objects.contacts.fields.length).toBeGreaterThan(10);
  });

  it.each<[string, (contacts: ContactsInput) => void, string, RegExp]>([
    [
      'a HubSpot property that does not exist',
      (contacts) => (field(contacts, 'jobtitle').hubspotProperty = 'job_title'),
      'error:jobtitle:hubspot_property_missing',
      /HubSpot has no contact property "job_title"\. Create it in HubSpot or remove this mapping\./,
    ],
    [
      'a rule that writes to a read-only HubSpot property',
      (contacts) => (field(contacts, 'email_opt_out').rule = 'two_way'),
      'error:email_opt_out:hubspot_property_read_only',
      /"Email opt-out": the rule "two_way" writes to HubSpot, but the property "hs_email_optout" is read-only/,
    ],
    [
      'a Salesforce field that does not exist',
      (contacts) => (field(contacts, 'jobtitle').salesforceFields = { Lead: 'JobTitle', Contact: 'Title' }),
      'error:jobtitle:salesforce_field_missing',
      /Salesforce Lead has no field "JobTitle"/,
    ],
    [
      'a rule that writes to a read-only Salesforce field',
      (contacts) =>
        contacts.fields.push({
          key: 'modified',
          hubspotProperty: 'createdate',
          salesforceFields: { Lead: 'LastModifiedDate' },
          rule: 'salesforce',
          transform: { kind: 'datetime' },
        }),
      'error:modified:hubspot_property_read_only',
      /read-only/,
    ],
    [
      'a Salesforce field that cannot be edited',
      (contacts) =>
        contacts.fields.push({
          key: 'modified',
          hubspotProperty: 'createdate',
          salesforceFields: { Lead: 'LastModifiedDate' },
          rule: 'hubspot',
          transform: { kind: 'datetime' },
        }),
      'error:modified:salesforce_field_read_only',
      /Lead\.LastModifiedDate cannot be edited by the connected user/,
    ],
    [
      'a HubSpot type the transform cannot convert',
      (contacts) => (field(contacts, 'jobtitle').transform = { kind: 'number' }),
      'error:jobtitle:hubspot_type_mismatch',
      /the transform "number" needs a number property, but "jobtitle" is of type string/,
    ],
    [
      'a Salesforce type the transform cannot convert',
      (contacts) =>
        contacts.fields.push({
          key: 'employees',
          hubspotProperty: 'num_employees',
          salesforceFields: { Lead: 'Description', Contact: null },
          rule: 'two_way',
          transform: { kind: 'number' },
        }),
      'error:employees:salesforce_type_mismatch',
      /needs a number, currency or percent field, but Lead\.Description is of type textarea/,
    ],
    [
      'a value map naming an option HubSpot does not have',
      (contacts) => {
        const transform = field(contacts, 'lifecyclestage').transform;
        if (transform.kind === 'picklist') transform.options[0]!.hubspot.push('prospect');
      },
      'error:lifecyclestage:picklist_value_unknown',
      /names the HubSpot option "prospect", which "lifecyclestage" does not have/,
    ],
    [
      'a value map naming a Salesforce value that does not exist',
      (contacts) => {
        const transform = field(contacts, 'lifecyclestage').transform;
        if (transform.kind === 'picklist') transform.options[0]!.salesforce = ['Open'];
      },
      'error:lifecyclestage:picklist_value_unknown',
      /names the Salesforce value "Open", which Lead\.Status does not have/,
    ],
    [
      'a Salesforce field the creation needs and nothing sends',
      (contacts) => (field(contacts, 'lastname').rule = 'salesforce'),
      'error:-:required_field_unmapped',
      /Salesforce requires LastName on every new Lead, but no mapping sends it from HubSpot/,
    ],
    [
      'a scope condition on a missing property',
      (contacts) =>
        (contacts.scope = { anyOf: [{ allOf: [{ property: 'sync_me', operator: 'eq', value: 'yes' }] }] }),
      'error:-:condition_property_missing',
      /The sync scope tests the HubSpot property "sync_me", which does not exist/,
    ],
    [
      'a cross-id field Salesforce does not have',
      (contacts) =>
        (contacts.crossId = { salesforceField: { Lead: 'HubSpotId__c', Contact: 'HubSpot_Id__c' } }),
      'error:-:cross_id_field_missing',
      /Salesforce Lead has no field "HubSpotId__c" to hold the HubSpot id/,
    ],
  ])('rejects %s', (_name, patch, code, message) => {
    const result = validateSettings(settingsWith(patch), liveMetadata());
    expect(result.valid).toBe(false);
    expect(codes(result.messages)).toContain(code);
    expect(result.messages.map((m) => m.message).join('\n')).toMatch(message);
  });

  it.each<[string, (contacts: ContactsInput) => void, string, RegExp]>([
    [
      'a HubSpot option with no mapping',
      (contacts) => {
        const transform = field(contacts, 'lifecyclestage').transform;
        if (transform.kind === 'picklist')
          transform.options = transform.options.filter((group) => !group.hubspot.includes('other'));
      },
      'warning:lifecyclestage:picklist_value_unmapped',
      /the HubSpot option "other" has no Lead\.Status value in the value map/,
    ],
    [
      'a Salesforce value with no mapping',
      (contacts) => {
        const transform = field(contacts, 'lifecyclestage').transform;
        if (transform.kind === 'picklist')
          transform.options = transform.options.filter((group) => !group.hubspot.includes('other'));
      },
      'warning:lifecyclestage:picklist_value_unmapped',
      /the Salesforce value "Closed - Not Converted" of Lead\.Status has no HubSpot option/,
    ],
  ])(
    'warns about %s, and still accepts the settings (the card says so on each record with it)',
    (_name, patch, code, message) => {
      const result = validateSettings(settingsWith(patch), liveMetadata());
      expect(result.valid).toBe(true);
      expect(codes(result.messages)).toContain(code);
      expect(result.messages.map((m) => m.message).join('\n')).toMatch(message);
    },
  );

  it('checks a restricted Salesforce picklist when values pass through', () => {
    const metadata = liveMetadata();
    const status = metadata.salesforce.Lead!.find((candidate) => candidate.name === 'Status')!;
    const restricted = { ...status, restrictedPicklist: true };
    const result = validateSettings(
      settingsWith((contacts) => {
        contacts.fields.push({
          key: 'lead_status',
          hubspotProperty: 'hs_lead_status',
          salesforceFields: { Lead: 'Status', Contact: null },
          rule: 'hubspot',
          transform: {
            kind: 'picklist',
            passThrough: true,
            options: [{ hubspot: ['NEW'], salesforce: ['Open - Not Contacted'] }],
          },
        });
        contacts.fields = contacts.fields.filter((candidate) => candidate.key !== 'lifecyclestage');
      }),
      {
        ...metadata,
        salesforce: {
          ...metadata.salesforce,
          Lead: metadata.salesforce.Lead!.map((f) => (f.name === 'Status' ? restricted : f)),
        },
      },
    );
    expect(codes(result.messages)).toEqual(['error:lead_status:restricted_picklist_unmapped']);
    expect(result.messages[0]?.message).toContain(
      'the HubSpot option "OPEN" would pass through unchanged, but Lead.Status is a restricted picklist',
    );
  });

  it('checks deals once they are on, against the deal properties and the Opportunity fields', () => {
    const result = validateSettings(
      settingsWith((_contacts, document) => {
        document.objects.deals = { ...structuredClone(defaultDealsInput), enabled: true };
      }),
      liveMetadata(),
    );
    expect(codes(result.messages)).toEqual([
      'warning:-:hubspot_metadata_missing',
      'warning:-:salesforce_metadata_missing',
    ]);
    expect(result.valid).toBe(true);
  });

  it('checks companies once they are on, against the company properties and the Account fields', () => {
    const result = validateSettings(
      settingsWith((_contacts, document) => {
        document.objects.companies = { ...structuredClone(defaultCompaniesInput), enabled: true };
      }),
      liveMetadata(),
    );
    // Neither side's metadata for companies is in this set: said, and nothing refused.
    expect(codes(result.messages)).toEqual([
      'warning:-:hubspot_metadata_missing',
      'warning:-:salesforce_metadata_missing',
    ]);
    expect(result.valid).toBe(true);
  });

  it('warns, and still accepts, when metadata could not be read', () => {
    const result = validateSettings(
      settingsWith(() => undefined),
      {
        hubspot: {},
        salesforce: { Lead: liveMetadata().salesforce.Lead! },
      },
    );
    expect(result.valid).toBe(true);
    expect(codes(result.messages)).toEqual([
      'warning:-:hubspot_metadata_missing',
      'warning:-:salesforce_metadata_missing',
    ]);
  });

  it('ties a malformed field to its key', () => {
    const result = validateSettings(
      settingsWith((contacts) => ((field(contacts, 'phone') as { rule: string }).rule = 'mine')),
      liveMetadata(),
    );
    expect(result.valid).toBe(false);
    expect(result.settings).toBeNull();
    expect(result.messages[0]).toMatchObject({
      severity: 'error',
      object: 'contacts',
      fieldKey: 'phone',
      code: 'invalid_document',
    });
  });

  it('checks only objects that are on', () => {
    const result = validateSettings(
      settingsWith((contacts) => {
        contacts.enabled = false;
        field(contacts, 'jobtitle').hubspotProperty = 'nope';
      }),
      liveMetadata(),
    );
    expect(result.messages).toEqual([]);
  });
});
