/**
 * Creating the counterpart of a new record, through both emulators and the real SDKs: a HubSpot contact
 * becomes a Lead or a Contact by the creation rule; a Salesforce record becomes a HubSpot contact; a
 * required field blocks a create with a sentence; an org without the external-id field still creates once;
 * and the echo of each create costs nothing.
 */
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import * as shadows from '../../../src/db/shadows';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { testDialects } from '../../support/db';
import { startHubSpot, startSalesforce } from '../../support/syncEmulators';
import { createHarness, totalCalls, writeCalls, type Harness } from '../../support/syncHarness';

let hubspotEmulator: HubSpotEmulator;
let salesforceEmulator: SalesforceEmulator;

beforeAll(async () => {
  hubspotEmulator = await startHubSpot();
  salesforceEmulator = await startSalesforce();
});
afterAll(async () => {
  await hubspotEmulator.close();
  await salesforceEmulator.close();
});

describe.each(testDialects)('creating records (%s)', (dialect) => {
  let h: Harness;
  const start = async (options: Parameters<typeof createHarness>[3] = {}) => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator, options);
  };
  afterEach(() => h.destroy());

  async function newHubspotContact(properties: Record<string, string>) {
    return hubspotEmulator.control.asUser(h.portalId).create('contacts', properties);
  }

  it('creates a Lead for a new HubSpot contact, links them, and the echoes cost nothing', async () => {
    await start();
    const contact = await newHubspotContact({
      email: 'Ana@Acme.com',
      firstname: 'Ana',
      lastname: 'Ng',
      company: 'Acme',
      phone: '(415) 555-2671',
    });
    await h.markHubspot(contact.id);
    await h.resetCalls();
    await h.drain();

    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    expect(link).toMatchObject({ salesforceObjectType: 'Lead', origin: 'created_in_salesforce' });
    const lead = await salesforceEmulator.control.getRecord(link?.salesforceId as string);
    expect(lead).toMatchObject({
      FirstName: 'Ana',
      LastName: 'Ng',
      Company: 'Acme',
      Email: 'ana@acme.com',
      Phone: '+14155552671',
      HubSpot_Id__c: contact.id,
    });
    const stored = await hubspotEmulator.control.record(h.portalId, 'contacts', contact.id);
    expect(stored.properties).toMatchObject({
      salesforce_record_id: lead.Id,
      salesforce_object_type: 'Lead',
      salesforce_sync_status: 'synced',
    });
    expect(stored.properties.salesforce_record_url).toContain(`/lightning/r/Lead/${lead.Id as string}/view`);
    // Salesforce's defaults for the new Lead (its owner, its status) came back in the same sync.
    const admin = (await hubspotEmulator.control.portal(h.portalId)).users.find(
      (user) => user.email === 'admin@default.example',
    );
    expect(stored.properties.hubspot_owner_id).toBe(admin?.ownerId);
    expect(stored.properties.lifecyclestage).toBe('lead');
    const shadowed = await shadows.forLink(h.testDb.db, h.installationId, link?.id as string);
    expect(shadowed.get('email')?.value).toBe('ana@acme.com');
    expect(shadowed.get('phone')?.value).toBe('+14155552671');
    // One Salesforce upsert, one HubSpot update carrying the new id and the app properties.
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 1, salesforce: 1 });

    // The create and the id written back come back as changes: nothing is read on the other side or written.
    await h.resetCalls();
    await h.markHubspot(contact.id);
    await h.markSalesforce('Lead', lead.Id as string);
    const [summary] = await h.drain();
    expect(summary).toMatchObject({ echoes: 1, synced: 0 });
    const calls = totalCalls(await h.calls());
    // Each changed side is read once (no payload was handed over); the other side is not read.
    expect(calls).toEqual({ hubspot: 1, salesforce: 1 });
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it('settles an echo carried by a poll without a single API call', async () => {
    await start();
    const contact = await newHubspotContact({ email: 'bo@acme.com', lastname: 'Bo', company: 'Acme' });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    const read = await h.hubspot.crm.contacts.batchApi.read({
      inputs: [{ id: contact.id }],
      properties: [
        'email',
        'firstname',
        'lastname',
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
        'hubspot_owner_id',
        'hs_email_optout',
        'salesforce_record_id',
      ],
      propertiesWithHistory: [],
    });
    const wire = read.results[0];
    await h.resetCalls();
    await h.markHubspot(contact.id, {
      record: {
        objectType: 'contacts',
        id: contact.id,
        properties: Object.fromEntries(
          Object.entries(wire?.properties ?? {}).map(([k, v]) => [k, v ?? null]),
        ),
        propertyTimestampsMs: {},
        updatedAtMs: Date.now(),
        archived: false,
      },
    });
    const [summary] = await h.drain();
    expect(summary).toMatchObject({ echoes: 1 });
    expect(totalCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
    expect(link).not.toBeNull();
  });

  it('creates a Contact when a creation rule says so', async () => {
    await start({
      settings: (defaults) => {
        defaults.objects.contacts.createInSalesforce = {
          default: 'Lead',
          rules: [
            {
              when: {
                anyOf: [{ allOf: [{ property: 'lifecyclestage', operator: 'eq', value: 'customer' }] }],
              },
              createAs: 'Contact',
            },
          ],
        };
        return defaults;
      },
    });
    const customer = await newHubspotContact({
      email: 'c@acme.com',
      lastname: 'Cust',
      lifecyclestage: 'customer',
    });
    const prospect = await newHubspotContact({ email: 'p@acme.com', lastname: 'Pros', company: 'Acme' });
    await h.markHubspot(customer.id);
    await h.markHubspot(prospect.id);
    await h.resetCalls();
    await h.drain();
    const customerLink = await links.findActiveByHubspot(
      h.testDb.db,
      h.installationId,
      'contacts',
      customer.id,
    );
    const prospectLink = await links.findActiveByHubspot(
      h.testDb.db,
      h.installationId,
      'contacts',
      prospect.id,
    );
    expect(customerLink?.salesforceObjectType).toBe('Contact');
    expect(prospectLink?.salesforceObjectType).toBe('Lead');
    // Both contacts in one HubSpot call; one upsert per Salesforce object.
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 1, salesforce: 2 });
  });

  it('creates a HubSpot contact for a new Salesforce Contact, upserting on the Salesforce id', async () => {
    await start();
    const { id } = await salesforceEmulator.control.createRecord(
      'Contact',
      { FirstName: 'Cy', LastName: 'Lo', Email: 'cy@globex.com', Title: 'CTO' },
      { asUser: 'rep@sandbox.example' },
    );
    await h.markSalesforce('Contact', id);
    await h.drain();
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, id);
    expect(link).toMatchObject({ origin: 'created_in_hubspot', salesforceObjectType: 'Contact' });
    const created = await hubspotEmulator.control.record(h.portalId, 'contacts', link?.hubspotId as string);
    expect(created.properties).toMatchObject({
      email: 'cy@globex.com',
      firstname: 'Cy',
      lastname: 'Lo',
      jobtitle: 'CTO',
      salesforce_record_id: id,
      salesforce_object_type: 'Contact',
      salesforce_sync_status: 'synced',
    });
    // The owner is the rep in both systems (matched by email).
    const rep = (await hubspotEmulator.control.portal(h.portalId)).users.find(
      (user) => user.email === 'rep@sandbox.example',
    );
    expect(created.properties.hubspot_owner_id).toBe(rep?.ownerId);
    expect((await hubspotEmulator.control.records(h.portalId, 'contacts')).results).toHaveLength(1);
  });

  it('creates a Lead for a contact without a company, its Company "[not provided]", which never reaches HubSpot', async () => {
    await start();
    const contact = await newHubspotContact({
      email: 'solo@example.com',
      firstname: 'Solo',
      lastname: 'Rider',
    });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    expect(link).toMatchObject({ salesforceObjectType: 'Lead' });
    const leadId = link?.salesforceId as string;
    expect(await salesforceEmulator.control.getRecord(leadId)).toMatchObject({
      Company: '[not provided]',
      LastName: 'Rider',
    });

    // The echo of the create, from both sides: the placeholder reads as blank, nothing is written.
    await h.resetCalls();
    await h.markHubspot(contact.id);
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
    expect(
      (await hubspotEmulator.control.record(h.portalId, 'contacts', contact.id)).properties.company ?? null,
    ).toBe(null);

    // A company filled in later replaces the placeholder; cleared again, the placeholder comes back.
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contact.id, { company: 'Solo Inc.' });
    await h.markHubspot(contact.id);
    await h.drain();
    expect((await salesforceEmulator.control.getRecord(leadId)).Company).toBe('Solo Inc.');
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contact.id, { company: '' });
    await h.markHubspot(contact.id);
    await h.drain();
    expect((await salesforceEmulator.control.getRecord(leadId)).Company).toBe('[not provided]');
    expect(
      await failures.findUnresolved(h.testDb.db, h.installationId, {
        side: 'hubspot',
        objectType: 'contacts',
        recordId: contact.id,
      }),
    ).toBeNull();
  });

  it('blocks a create Salesforce would refuse, with a sentence saying which field to fill in', async () => {
    await start();
    const contact = await newHubspotContact({ email: 'nolast@acme.com', firstname: 'No', company: 'Acme' });
    await h.markHubspot(contact.id);
    await h.resetCalls();
    await h.drain();
    expect(await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id)).toBeNull();
    const failure = await failures.findUnresolved(h.testDb.db, h.installationId, {
      side: 'hubspot',
      objectType: 'contacts',
      recordId: contact.id,
    });
    expect(failure).toMatchObject({ kind: 'quarantine', category: 'required_field_missing' });
    expect(failure?.message).toBe(
      'Salesforce requires LastName to create a Lead, and the value is blank. Fill it in HubSpot, then press Retry.',
    );
    expect(writeCalls(await h.calls()).salesforce).toBe(0);
    const stored = await hubspotEmulator.control.record(h.portalId, 'contacts', contact.id);
    expect(stored.properties.salesforce_sync_status).toBe('error');

    // Filled in: the next sync creates the Lead and resolves the failure.
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contact.id, { lastname: 'Last' });
    await h.markHubspot(contact.id);
    await h.drain();
    expect(
      await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id),
    ).not.toBeNull();
    expect(
      await failures.findUnresolved(h.testDb.db, h.installationId, {
        side: 'hubspot',
        objectType: 'contacts',
        recordId: contact.id,
      }),
    ).toBeNull();
  });

  it('creates once in an org without the external-id field, linking in the same breath', async () => {
    await start();
    await salesforceEmulator.control.removeField('Lead', 'HubSpot_Id__c');
    await salesforceEmulator.control.removeField('Contact', 'HubSpot_Id__c');
    const contact = await newHubspotContact({ email: 'noext@acme.com', lastname: 'Ext', company: 'Acme' });
    await h.markHubspot(contact.id);
    await h.drain();
    await h.markHubspot(contact.id);
    await h.drain();
    const leads = await h.salesforce.query<{ Id: string }>(
      "SELECT Id FROM Lead WHERE Email = 'noext@acme.com'",
    );
    expect(leads.records).toHaveLength(1);
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    expect(link?.salesforceId).toBe(leads.records[0]?.Id);
  });
});
