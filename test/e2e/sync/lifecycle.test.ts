/**
 * Lifecycle events through both emulators: a linked Lead converted in Salesforce (seen on a read, or only
 * through Salesforce refusing the write), deletes that tombstone instead of propagating and restores that
 * revive, merges on either side moving the link to the survivor, and a GDPR deletion purging what is stored.
 */
import * as links from '../../../src/db/links';
import * as shadows from '../../../src/db/shadows';
import { toSalesforceRecord } from '../../../src/connectors/salesforce/records';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { testDialects } from '../../support/db';
import { startHubSpot, startSalesforce } from '../../support/syncEmulators';
import { createHarness, writeCalls, type Harness } from '../../support/syncHarness';

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

describe.each(testDialects)('lifecycle (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator);
  });
  afterEach(() => h.destroy());

  async function linkedLead(email = 'lee@acme.com') {
    const contact = await hubspotEmulator.control
      .asUser(h.portalId)
      .create('contacts', { email, lastname: 'Lee', company: 'Acme', jobtitle: 'Dev' });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    if (!link) throw new Error('not linked');
    return { contactId: contact.id, leadId: link.salesforceId, link };
  }

  const hubspotProps = async (id: string) =>
    (await hubspotEmulator.control.record(h.portalId, 'contacts', id)).properties;

  it('follows a converted Lead to its Contact and never writes to the Lead again', async () => {
    const { contactId, leadId, link } = await linkedLead();
    const converted = await salesforceEmulator.control.convertLead(leadId, { createOpportunity: false });
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    const active = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contactId);
    expect(active).toMatchObject({
      salesforceObjectType: 'Contact',
      salesforceId: converted.contactId,
      origin: 'converted',
    });
    expect(await links.findById(h.testDb.db, h.installationId, link.id)).toMatchObject({
      state: 'superseded',
    });
    expect(await hubspotProps(contactId)).toMatchObject({
      salesforce_record_id: converted.contactId,
      salesforce_object_type: 'Contact',
      salesforce_sync_status: 'synced',
    });
    expect((await salesforceEmulator.control.getRecord(converted.contactId)).HubSpot_Id__c).toBe(contactId);

    // A later HubSpot edit goes to the Contact.
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contactId, { jobtitle: 'Lead Dev' });
    await h.markHubspot(contactId);
    await h.drain();
    expect((await salesforceEmulator.control.getRecord(converted.contactId)).Title).toBe('Lead Dev');
  });

  it('treats CANNOT_UPDATE_CONVERTED_LEAD as news of a conversion, not as a failure', async () => {
    const lag = (await salesforceEmulator.control.now()) - h.clock.now();
    if (lag > 0) h.clock.advance(lag);
    const { contactId, leadId } = await linkedLead();
    // Two minutes later a rep touches the Lead, and a poll reads it just before it is converted: a copy
    // newer than the last sync, so the worker trusts it and only learns of the conversion from the write.
    await salesforceEmulator.control.advanceClock(120_000);
    await hubspotEmulator.control.advanceClock(120_000);
    h.clock.advance(120_000);
    await salesforceEmulator.control.updateRecord(
      leadId,
      { Description: 'Called twice' },
      { asUser: 'rep@sandbox.example' },
    );
    const stale = await h.salesforce.sobject('Lead').retrieve(leadId);
    const converted = await salesforceEmulator.control.convertLead(leadId, { createOpportunity: false });
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contactId, { jobtitle: 'Architect' });
    const staleRecord = toSalesforceRecord('Lead', {
      ...(stale as Record<string, unknown>),
      IsConverted: false,
    });
    await h.resetCalls();
    await h.markSalesforce('Lead', leadId, { record: staleRecord });
    await h.markHubspot(contactId);
    await h.drain();
    expect((await salesforceEmulator.control.getRecord(converted.contactId)).Title).toBe('Architect');
    expect(await h.testDb.db('failures').where({ state: 'open' })).toEqual([]);
    // The refused write to the Lead, then the write to the Contact, then the converted Account's HubSpot id
    // once its company is created (companies sync by default): three collection calls.
    expect((await h.calls()).salesforce['PATCH /services/data/vXX.X/composite/sobjects']).toBe(3);
    const actions = (await h.testDb.db('audit_entries').select('action')).map(
      (row: { action: string }) => row.action,
    );
    expect(actions).toContain('lead_converted');
  });

  it('tombstones the link when the Salesforce record is deleted, flags HubSpot, and revives on undelete', async () => {
    const { contactId, leadId, link } = await linkedLead();
    await salesforceEmulator.control.deleteRecord(leadId);
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(await links.findById(h.testDb.db, h.installationId, link.id)).toMatchObject({
      state: 'tombstoned',
      tombstonedSide: 'salesforce',
    });
    const flagged = await hubspotProps(contactId);
    expect(flagged.salesforce_sync_status).toBe('deleted_in_salesforce');
    expect(flagged.salesforce_deleted_at).toBeTruthy();
    // A HubSpot edit while tombstoned re-creates nothing.
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contactId, { jobtitle: 'Gone' });
    await h.markHubspot(contactId);
    await h.resetCalls();
    await h.drain();
    expect(writeCalls(await h.calls()).salesforce).toBe(0);

    await salesforceEmulator.control.undeleteRecord(leadId);
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(await links.findById(h.testDb.db, h.installationId, link.id)).toMatchObject({ state: 'active' });
    const revived = await hubspotProps(contactId);
    expect(revived.salesforce_sync_status).toBe('synced');
    expect(revived.salesforce_deleted_at ?? '').toBe('');
    expect((await salesforceEmulator.control.getRecord(leadId)).Title).toBe('Gone');
  });

  it('tombstones when the HubSpot contact is archived, without deleting the Lead', async () => {
    const { contactId, leadId, link } = await linkedLead();
    await hubspotEmulator.control.asUser(h.portalId).archive('contacts', contactId);
    await h.markHubspot(contactId);
    await h.drain();
    expect(await links.findById(h.testDb.db, h.installationId, link.id)).toMatchObject({
      state: 'tombstoned',
    });
    expect((await salesforceEmulator.control.getRecord(leadId)).IsDeleted).toBe(false);
    // The Lead changing does not bring the contact back.
    await salesforceEmulator.control.updateRecord(leadId, { Title: 'Still here' });
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(
      (await hubspotEmulator.control.records(h.portalId, 'contacts')).results.filter((r) => !r.archived),
    ).toHaveLength(0);
  });

  it('moves the link to the survivor of a HubSpot merge', async () => {
    const { contactId, leadId } = await linkedLead();
    const other = await hubspotEmulator.control
      .asUser(h.portalId)
      .create('contacts', { email: 'other@acme.com' });
    const merged = await hubspotEmulator.control.asUser(h.portalId).merge('contacts', contactId, other.id);
    await h.mark(
      { side: 'hubspot', objectType: 'contacts', recordId: contactId },
      { hint: 'merged', event: { survivorId: merged.id } },
    );
    await h.drain();
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, leadId)).toMatchObject({
      hubspotId: merged.id,
    });
    expect((await hubspotProps(merged.id)).salesforce_record_id).toBe(leadId);
    expect((await salesforceEmulator.control.getRecord(leadId)).HubSpot_Id__c).toBe(merged.id);
  });

  it('moves the link to the master of a Salesforce merge', async () => {
    const sfContact = await salesforceEmulator.control.createRecord('Contact', {
      LastName: 'Loser',
      Email: 'l@m.com',
    });
    await h.markSalesforce('Contact', sfContact.id);
    await h.drain();
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, sfContact.id);
    const master = await salesforceEmulator.control.createRecord('Contact', {
      LastName: 'Master',
      Email: 'm@m.com',
    });
    await salesforceEmulator.control.merge({
      type: 'Contact',
      masterId: master.id,
      mergeIds: [sfContact.id],
    });
    await h.markSalesforce('Contact', sfContact.id);
    await h.drain();
    expect(
      await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', link?.hubspotId as string),
    ).toMatchObject({
      salesforceId: master.id,
    });
    expect(await links.findById(h.testDb.db, h.installationId, link?.id as string)).toMatchObject({
      state: 'merged',
    });
  });

  it('purges what is stored about a person deleted for privacy, and blocks re-creation', async () => {
    const { contactId, leadId, link } = await linkedLead();
    expect((await shadows.forLink(h.testDb.db, h.installationId, link.id)).size).toBeGreaterThan(0);
    await hubspotEmulator.control.asUser(h.portalId).gdprDelete({ objectId: contactId });
    await h.mark(
      { side: 'hubspot', objectType: 'contacts', recordId: contactId },
      { hint: 'privacy_deleted' },
    );
    await h.drain();
    expect(await links.findById(h.testDb.db, h.installationId, link.id)).toMatchObject({ state: 'purged' });
    expect((await shadows.forLink(h.testDb.db, h.installationId, link.id)).size).toBe(0);
    await salesforceEmulator.control.updateRecord(leadId, { Title: 'Changed' });
    await h.markSalesforce('Lead', leadId);
    await h.resetCalls();
    await h.drain();
    expect(writeCalls(await h.calls()).hubspot).toBe(0);
  });
});
