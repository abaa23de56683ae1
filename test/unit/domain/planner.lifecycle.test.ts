import type { PlanContext, PlanInput, SyncPlan } from '../../../src/domain/planner';
import { planSync } from '../../../src/domain/planner';
import type { Settings } from '../../../src/domain/settings/schema';
import {
  CONTACT_ID,
  LEAD_ID,
  REP_OWNER_ID,
  REP_USER_ID,
  activeLink,
  hubspotContact,
  owners,
  salesforceRecord,
} from './factories';
import { buildSettings, syncedHubspot, syncedLead } from './syncFixtures';

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

function plan(
  input: PlanInput,
  settings: Settings = buildSettings(),
  extra: Partial<PlanContext> = {},
): SyncPlan {
  return planSync(input, { settings, nowMs: NOW, owners, ...extra });
}

const newContact = hubspotContact({
  id: '900',
  properties: {
    firstname: 'Bo',
    lastname: 'Diaz',
    email: 'bo@acme.com',
    company: 'Acme',
    lifecyclestage: 'marketingqualifiedlead',
    hubspot_owner_id: REP_OWNER_ID,
  },
});

const converted = {
  convertedContactId: CONTACT_ID,
  convertedAccountId: '001000000000001AAA',
  convertedOpportunityId: null,
  convertedDate: '2026-05-30',
};

describe('planner: a new HubSpot contact', () => {
  it('becomes a Lead by default, created by upsert on the HubSpot id', () => {
    const result = plan({ kind: 'unlinked_hubspot', hubspot: newContact, candidates: [] });
    expect(result.outcome).toBe('created');
    expect(result.salesforceWrite).toEqual({
      kind: 'create',
      type: 'Lead',
      fields: {
        FirstName: 'Bo',
        LastName: 'Diaz',
        Email: 'bo@acme.com',
        Company: 'Acme',
        Status: 'Working - Contacted',
        OwnerId: REP_USER_ID,
        HasOptedOutOfEmail: false,
        HubSpot_Id__c: '900',
      },
      upsertBy: { field: 'HubSpot_Id__c', value: '900' },
    });
    expect(result.linkChanges).toEqual([
      {
        kind: 'link_created',
        created: 'salesforce',
        hubspot: { objectType: 'contacts', id: '900' },
        salesforce: { type: 'Lead', id: null },
      },
    ]);
    expect(result.shadowUpdates.every((update) => update.requiresWrites.join() === 'salesforce')).toBe(true);
    // One audit line per value sent, with its reason, then the create itself.
    expect(result.audit.map((entry) => entry.action)).toEqual([
      ...Array(7).fill('field_written'),
      'record_created',
    ]);
    expect(result.audit[0]).toMatchObject({
      fieldKey: 'firstname',
      direction: 'to_salesforce',
      reason: 'sent_on_create',
      after: 'Bo',
    });
  });

  it('becomes a Contact when a creation rule holds', () => {
    const settings = buildSettings({
      patch: (contacts) => {
        contacts.createInSalesforce = {
          default: 'Lead',
          rules: [
            {
              when: {
                anyOf: [
                  {
                    allOf: [
                      {
                        property: 'lifecyclestage',
                        operator: 'in',
                        values: ['customer', 'marketingqualifiedlead'],
                      },
                    ],
                  },
                ],
              },
              createAs: 'Contact',
            },
          ],
        };
      },
    });
    const result = plan({ kind: 'unlinked_hubspot', hubspot: newContact, candidates: [] }, settings);
    expect(result.salesforceWrite?.kind === 'create' && result.salesforceWrite.type).toBe('Contact');
    const fields = result.salesforceWrite?.fields ?? {};
    expect(fields).not.toHaveProperty('Company');
    expect(fields).not.toHaveProperty('Status');
  });

  it('is not created when the creation rule says none', () => {
    const settings = buildSettings({
      patch: (contacts) => (contacts.createInSalesforce = { default: 'none', rules: [] }),
    });
    expect(plan({ kind: 'unlinked_hubspot', hubspot: newContact, candidates: [] }, settings).outcome).toBe(
      'not_created',
    );
  });

  it('gives a Lead without a company the placeholder Company, as Web-to-Lead does', () => {
    const result = plan({
      kind: 'unlinked_hubspot',
      hubspot: hubspotContact({ id: '901', properties: { lastname: 'Diaz', email: 'x@y.com' } }),
      candidates: [],
    });
    expect(result.outcome).toBe('created');
    expect(result.salesforceWrite?.fields).toMatchObject({ LastName: 'Diaz', Company: '[not provided]' });
    expect(result.shadowUpdates.map((shadow) => shadow.key)).not.toContain('company');
  });

  it('waits, with a failure a person can act on, when a required field is blank', () => {
    const result = plan({
      kind: 'unlinked_hubspot',
      hubspot: hubspotContact({ id: '901', properties: { company: 'Diaz & Co', email: 'x@y.com' } }),
      candidates: [],
    });
    expect(result.outcome).toBe('blocked');
    expect(result.salesforceWrite).toBeNull();
    expect(result.linkChanges).toEqual([]);
    expect(result.shadowUpdates).toEqual([]);
    expect(result.failures).toEqual([
      expect.objectContaining({
        category: 'required_field_missing',
        retryable: false,
        message:
          'Salesforce requires LastName to create a Lead, and the value is blank. Fill it in HubSpot, then press Retry.',
      }),
    ]);
  });

  it('uses the required fields the caller read from describe', () => {
    const result = plan({ kind: 'unlinked_hubspot', hubspot: newContact, candidates: [] }, buildSettings(), {
      salesforceRequiredFields: { Lead: ['LastName', 'Company', 'Title'] },
    });
    expect(result.failures[0]?.details).toEqual({ fields: ['Title'] });
  });

  it('links to the Contact with its email instead of creating, and syncs at once', () => {
    const existing = salesforceRecord({
      type: 'Contact',
      fields: { Email: 'BO@acme.com', FirstName: 'Bob', LastName: null },
      lastModifiedAtMs: 500,
    });
    const result = plan({ kind: 'unlinked_hubspot', hubspot: newContact, candidates: [existing] });
    expect(result.outcome).toBe('linked');
    expect(result.linkChanges).toEqual([
      {
        kind: 'link',
        hubspot: { objectType: 'contacts', id: '900' },
        salesforce: { type: 'Contact', id: CONTACT_ID },
        basis: 'email',
      },
    ]);
    // First sync: both non-blank and different → the newer wins (HubSpot, 1000 > 500); a blank is filled.
    expect(result.salesforceWrite?.kind === 'update' && result.salesforceWrite.fields).toMatchObject({
      FirstName: 'Bo',
      LastName: 'Diaz',
      HubSpot_Id__c: '900',
    });
    expect(result.hubspotWrite?.kind === 'update' && result.hubspotWrite.properties).toMatchObject({
      salesforce_record_id: CONTACT_ID,
    });
  });

  it('waits for a person when two Contacts have its email', () => {
    const a = salesforceRecord({
      type: 'Contact',
      id: '003000000000001AAA',
      fields: { Email: 'bo@acme.com' },
    });
    const b = salesforceRecord({
      type: 'Contact',
      id: '003000000000002AAA',
      fields: { Email: 'bo@acme.com' },
    });
    const result = plan({ kind: 'unlinked_hubspot', hubspot: newContact, candidates: [a, b] });
    expect(result.outcome).toBe('awaiting_match');
    expect(result.salesforceWrite).toBeNull();
    expect(result.pendingMatch).toEqual({
      side: 'hubspot',
      subjectId: '900',
      reason: 'ambiguous',
      basis: 'email',
      candidates: [
        { type: 'Contact', id: a.id },
        { type: 'Contact', id: b.id },
      ],
    });
  });

  it('is neither created nor matched outside the scope', () => {
    const settings = buildSettings({
      patch: (contacts) =>
        (contacts.scope = {
          anyOf: [{ allOf: [{ property: 'country', operator: 'eq', value: 'Germany' }] }],
        }),
    });
    expect(plan({ kind: 'unlinked_hubspot', hubspot: newContact, candidates: [] }, settings).outcome).toBe(
      'out_of_scope',
    );
  });
});

describe('planner: a new Salesforce record', () => {
  const newLead = salesforceRecord({
    type: 'Lead',
    id: '00Q000000000042AAA',
    fields: {
      FirstName: 'Cy',
      LastName: 'Ng',
      Email: 'cy@acme.com',
      Company: 'Acme',
      Status: 'Open - Not Contacted',
    },
  });

  it('creates a HubSpot contact, upserting on the Salesforce id', () => {
    const result = plan({ kind: 'unlinked_salesforce', salesforce: newLead, candidates: [] });
    expect(result.outcome).toBe('created');
    expect(result.hubspotWrite).toEqual({
      kind: 'create',
      objectType: 'contacts',
      properties: {
        firstname: 'Cy',
        lastname: 'Ng',
        email: 'cy@acme.com',
        company: 'Acme',
        lifecyclestage: 'lead',
        hubspot_owner_id: REP_OWNER_ID,
        salesforce_record_id: newLead.id,
      },
      upsertBy: { property: 'salesforce_record_id', value: newLead.id },
    });
  });

  it('is not created in HubSpot when that is off for its object', () => {
    const settings = buildSettings({
      patch: (contacts) => (contacts.createInHubspot = { Lead: false, Contact: true }),
    });
    expect(plan({ kind: 'unlinked_salesforce', salesforce: newLead, candidates: [] }, settings).outcome).toBe(
      'not_created',
    );
  });

  it('is not created when the values it would get fall outside the scope', () => {
    const settings = buildSettings({
      patch: (contacts) =>
        (contacts.scope = {
          anyOf: [{ allOf: [{ property: 'lifecyclestage', operator: 'eq', value: 'customer' }] }],
        }),
    });
    const result = plan({ kind: 'unlinked_salesforce', salesforce: newLead, candidates: [] }, settings);
    expect(result.outcome).toBe('out_of_scope');
    expect(result.hubspotWrite).toBeNull();
  });

  it('links to the HubSpot contact with its email', () => {
    const existing = hubspotContact({
      id: '77',
      properties: {
        email: 'CY@acme.com',
        firstname: 'Cy',
        lastname: 'Ng',
        company: 'Acme',
        lifecyclestage: 'lead',
        hubspot_owner_id: REP_OWNER_ID,
        hs_email_optout: 'false',
      },
    });
    const result = plan({ kind: 'unlinked_salesforce', salesforce: newLead, candidates: [existing] });
    expect(result.outcome).toBe('linked');
    expect(result.linkChanges[0]).toEqual({
      kind: 'link',
      hubspot: { objectType: 'contacts', id: '77' },
      salesforce: { type: 'Lead', id: newLead.id },
      basis: 'email',
    });
    expect(result.hubspotWrite?.kind === 'update' && result.hubspotWrite.properties).toEqual({
      salesforce_record_id: newLead.id,
    });
  });

  it('ignores a converted Lead: the Contact it became syncs instead', () => {
    expect(
      plan({ kind: 'unlinked_salesforce', salesforce: { ...newLead, conversion: converted }, candidates: [] })
        .outcome,
    ).toBe('skipped');
  });
});

describe('planner: lifecycle of a link', () => {
  const linked = (overrides: Partial<Extract<PlanInput, { kind: 'linked' }>> = {}): PlanInput => ({
    kind: 'linked',
    link: activeLink(),
    shadows: {},
    hubspot: syncedHubspot,
    salesforce: syncedLead,
    ...overrides,
  });

  it('moves the link to the Contact when the Lead is converted, and writes nothing', () => {
    const result = plan(
      linked({
        salesforce: { ...syncedLead, conversion: converted },
        hubspot: { ...syncedHubspot, properties: { ...syncedHubspot.properties, firstname: 'Changed' } },
      }),
    );
    expect(result.outcome).toBe('lead_converted');
    expect(result.hubspotWrite).toBeNull();
    expect(result.salesforceWrite).toBeNull();
    expect(result.linkChanges).toEqual([
      {
        kind: 'lead_converted',
        linkId: 'link-1',
        leadId: LEAD_ID,
        contactId: CONTACT_ID,
        accountId: converted.convertedAccountId,
        opportunityId: null,
      },
    ]);
  });

  it('then syncs with the Contact, updating the Salesforce id kept in HubSpot', () => {
    const contact = salesforceRecord({
      type: 'Contact',
      fields: {
        FirstName: 'Ana',
        LastName: 'Lopez',
        Email: 'ana@acme.com',
        Phone: '+14155552671',
        Title: 'CTO',
        HubSpot_Id__c: '512',
      },
    });
    const result = plan(
      linked({
        link: activeLink({ salesforce: { type: 'Contact', id: CONTACT_ID } }),
        salesforce: contact,
        shadows: { firstname: 'Ana', lastname: 'Lopez' },
      }),
    );
    expect(result.hubspotWrite?.kind === 'update' && result.hubspotWrite.properties).toMatchObject({
      salesforce_record_id: CONTACT_ID,
    });
  });

  it.each([
    ['archived in HubSpot', { hubspot: { ...syncedHubspot, archived: true } }, 'hubspot'],
    ['gone from HubSpot', { hubspot: null }, 'hubspot'],
    ['deleted in Salesforce', { salesforce: { ...syncedLead, isDeleted: true } }, 'salesforce'],
    ['deleted on both', { hubspot: null, salesforce: null }, 'hubspot'],
  ] as const)('tombstones the link when %s, and deletes nothing', (_name, overrides, side) => {
    const result = plan(linked(overrides));
    expect(result.outcome).toBe('tombstoned');
    expect(result.hubspotWrite).toBeNull();
    expect(result.salesforceWrite).toBeNull();
    expect(result.linkChanges).toEqual([
      { kind: 'tombstone', linkId: 'link-1', deletedSide: side, atMs: NOW },
    ]);
  });

  it('moves the link to the survivor of a Salesforce merge', () => {
    const result = plan(
      linked({ salesforce: { ...syncedLead, isDeleted: true, masterRecordId: '00Q000000000077AAA' } }),
    );
    expect(result.linkChanges).toEqual([
      { kind: 'merge', linkId: 'link-1', side: 'salesforce', survivorId: '00Q000000000077AAA' },
    ]);
  });

  it('moves the link to the survivor of a HubSpot merge', () => {
    const result = plan(linked({ hubspot: { ...syncedHubspot, id: '4242' } }));
    expect(result.linkChanges).toEqual([
      { kind: 'merge', linkId: 'link-1', side: 'hubspot', survivorId: '4242' },
    ]);
  });

  const tombstoned = activeLink({
    state: 'tombstoned',
    tombstone: { deletedSide: 'hubspot', atMs: NOW - 3 * DAY },
  });

  it('keeps a tombstoned link quiet while the record stays deleted, so nothing is re-created', () => {
    const result = plan(
      linked({
        link: tombstoned,
        hubspot: { ...syncedHubspot, archived: true },
        salesforce: { ...syncedLead, fields: { ...syncedLead.fields, Title: 'VP' } },
      }),
    );
    expect(result.outcome).toBe('tombstoned');
    expect(result.linkChanges).toEqual([]);
    expect(result.audit).toEqual([]);
    expect(result.hubspotWrite).toBeNull();
  });

  it('restores the link when the record is restored inside the grace period, and syncs', () => {
    const result = plan(
      linked({
        link: tombstoned,
        shadows: { jobtitle: 'CTO' },
        salesforce: { ...syncedLead, fields: { ...syncedLead.fields, Title: 'VP' } },
      }),
    );
    expect(result.outcome).toBe('restored');
    expect(result.linkChanges).toEqual([{ kind: 'restore', linkId: 'link-1', restoredSide: 'hubspot' }]);
    expect(result.hubspotWrite?.kind === 'update' && result.hubspotWrite.properties).toMatchObject({
      jobtitle: 'VP',
    });
  });

  it('follows the conversion of a Lead restored and converted while its link was tombstoned', () => {
    const deletedInSalesforce = activeLink({
      state: 'tombstoned',
      tombstone: { deletedSide: 'salesforce', atMs: NOW - DAY },
    });
    const result = plan(
      linked({ link: deletedInSalesforce, salesforce: { ...syncedLead, conversion: converted } }),
    );
    expect(result.outcome).toBe('lead_converted');
    expect(result.linkChanges).toEqual([
      {
        kind: 'lead_converted',
        linkId: 'link-1',
        leadId: LEAD_ID,
        contactId: CONTACT_ID,
        accountId: converted.convertedAccountId,
        opportunityId: null,
      },
    ]);
    expect(result.salesforceWrite).toBeNull();
    expect(result.hubspotWrite).toBeNull();
  });

  it('moves the link to the HubSpot survivor when a record is restored after its contact was merged', () => {
    const deletedInSalesforce = activeLink({
      state: 'tombstoned',
      tombstone: { deletedSide: 'salesforce', atMs: NOW - DAY },
    });
    const result = plan(linked({ link: deletedInSalesforce, hubspot: { ...syncedHubspot, id: '4242' } }));
    expect(result.outcome).toBe('merged');
    expect(result.linkChanges).toEqual([
      { kind: 'merge', linkId: 'link-1', side: 'hubspot', survivorId: '4242' },
    ]);
    expect(result.salesforceWrite).toBeNull();
    expect(result.hubspotWrite).toBeNull();
  });

  it('keeps a tombstoned link quiet while its record stays deleted, even after its contact was merged', () => {
    const deletedInSalesforce = activeLink({
      state: 'tombstoned',
      tombstone: { deletedSide: 'salesforce', atMs: NOW - DAY },
    });
    const result = plan(
      linked({
        link: deletedInSalesforce,
        hubspot: { ...syncedHubspot, id: '4242' },
        salesforce: { ...syncedLead, isDeleted: true },
      }),
    );
    expect(result.outcome).toBe('tombstoned');
    expect(result.linkChanges).toEqual([]);
  });

  it('leaves the link tombstoned when the restore comes after the grace period', () => {
    const old = activeLink({
      state: 'tombstoned',
      tombstone: { deletedSide: 'hubspot', atMs: NOW - 31 * DAY },
    });
    const result = plan(linked({ link: old }));
    expect(result.outcome).toBe('tombstoned');
    expect(result.linkChanges).toEqual([]);
    expect(result.audit.map((entry) => entry.reason)).toEqual(['restored_after_grace_period']);
  });

  it('does not touch a record that left the scope', () => {
    const settings = buildSettings({
      patch: (contacts) =>
        (contacts.scope = { anyOf: [{ allOf: [{ property: 'country', operator: 'has_value' }] }] }),
    });
    const result = plan(
      linked({ salesforce: { ...syncedLead, fields: { ...syncedLead.fields, Title: 'VP' } } }),
      settings,
    );
    expect(result.outcome).toBe('out_of_scope');
    expect(result.hubspotWrite).toBeNull();
  });

  it('plans nothing while paused, and nothing for an object that is off', () => {
    const paused = buildSettings({ patch: (_contacts, document) => (document.paused = true) });
    expect(plan(linked(), paused).outcome).toBe('paused');
    const off = buildSettings({ patch: (contacts) => (contacts.enabled = false) });
    expect(plan(linked(), off).outcome).toBe('object_disabled');
  });
});
