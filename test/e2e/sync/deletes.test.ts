/**
 * Deletes through both emulators: each way, with and without the Salesforce delete checkbox; restores and
 * undeletes inside the grace period; the policy when it ends (keep, archive, and the open-deal and
 * open-opportunity guards); an admin relinking after it. Each test checks both systems and the links.
 */
import * as deleteExpiries from '../../../src/db/deleteExpiries';
import * as links from '../../../src/db/links';
import { DAY_MS } from '../../../src/domain/deletes';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import { runDeleteExpiry } from '../../../src/sync/deleteExpiry';
import { relinkRecord } from '../../../src/sync/deletesApi';
import { recordSyncStatus } from '../../../src/sync/recordStatus';
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

const admin = { userId: '77', email: 'admin@acme.com' };

describe.each(testDialects)('deletes (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator);
  });
  afterEach(() => h.destroy());

  const withDeletes = (deletes: NonNullable<SettingsInput['deletes']>) =>
    h.saveSettings({ ...defaultSettingsInput, deletes });

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

  /** A HubSpot contact linked to a Salesforce Contact (made in Salesforce, then synced). */
  async function linkedContact(email = 'cam@acme.com') {
    const account = await salesforceEmulator.control.createRecord('Account', { Name: 'Acme' });
    const created = await salesforceEmulator.control.createRecord('Contact', {
      LastName: 'Cam',
      Email: email,
      AccountId: account.id,
    });
    await h.markSalesforce('Contact', created.id);
    await h.drain();
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, created.id);
    if (!link) throw new Error('not linked');
    return { contactId: link.hubspotId, sfContactId: created.id, accountId: account.id, link };
  }

  const hubspotRecord = (id: string) => hubspotEmulator.control.record(h.portalId, 'contacts', id);
  const linkOf = (id: string) => links.findById(h.testDb.db, h.installationId, id);
  const liveContacts = async () =>
    (await hubspotEmulator.control.records(h.portalId, 'contacts')).results.filter((r) => !r.archived);

  /** The bridge's clock moves past the grace period (the CRMs' clocks stay: their tokens stay valid). */
  function passGracePeriod(days = 31) {
    h.clock.advance(days * DAY_MS);
  }

  const expire = async () => {
    const summary = await runDeleteExpiry({
      db: h.testDb.db,
      now: h.clock.now,
      logger: h.logger,
      clients: h.deps.clients,
    });
    // Every tombstone due was judged: no call failed.
    expect(summary).toMatchObject({ errors: 0, skipped: 0 });
    return summary;
  };

  it('marks the Lead with its checkbox when the HubSpot contact is deleted, and re-creates nothing afterwards', async () => {
    const { contactId, leadId, link } = await linkedLead();
    await hubspotEmulator.control.asUser(h.portalId).archive('contacts', contactId);
    await h.markHubspot(contactId, { hint: 'deleted' });
    await h.drain();
    expect(await linkOf(link.id)).toMatchObject({ state: 'tombstoned', tombstonedSide: 'hubspot' });
    const lead = await salesforceEmulator.control.getRecord(leadId);
    expect(lead).toMatchObject({ IsDeleted: false, HubSpot_Deleted__c: true });

    // Later edits, polls and replays of the delete bring nothing back and write nothing.
    await salesforceEmulator.control.updateRecord(leadId, { Title: 'Still here' });
    await h.resetCalls();
    await h.markSalesforce('Lead', leadId);
    await h.markHubspot(contactId, { hint: 'deleted' });
    await h.drain();
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
    expect(await liveContacts()).toHaveLength(0);
    expect(await linkOf(link.id)).toMatchObject({ state: 'tombstoned' });
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, leadId)).toBeNull();

    const status = await recordSyncStatus(
      { db: h.testDb.db, now: h.clock.now, metadata: h.deps.metadata },
      h.installationId,
      {
        side: 'salesforce',
        objectType: 'Lead',
        recordId: leadId,
      },
    );
    expect(status.deletion).toMatchObject({
      deletedSide: 'hubspot',
      markedIn: 'salesforce_field',
      graceEndsAt: expect.any(Number),
    });
  });

  it('keeps the mark in the bridge when the org has no delete checkbox, writing nothing to the Lead', async () => {
    await salesforceEmulator.control.removeField('Lead', 'HubSpot_Deleted__c');
    await salesforceEmulator.control.removeField('Contact', 'HubSpot_Deleted__c');
    const { contactId, leadId, link } = await linkedLead();
    await hubspotEmulator.control.asUser(h.portalId).archive('contacts', contactId);
    await h.markHubspot(contactId, { hint: 'deleted' });
    await h.resetCalls();
    await h.drain();
    expect(writeCalls(await h.calls()).salesforce).toBe(0);
    expect(await linkOf(link.id)).toMatchObject({ state: 'tombstoned', tombstonedSide: 'hubspot' });
    const lead = await salesforceEmulator.control.getRecord(leadId);
    expect(lead.IsDeleted).toBe(false);
    expect(lead).not.toHaveProperty('HubSpot_Deleted__c');

    const status = await recordSyncStatus(
      { db: h.testDb.db, now: h.clock.now, metadata: h.deps.metadata },
      h.installationId,
      {
        side: 'salesforce',
        objectType: 'Lead',
        recordId: leadId,
      },
    );
    expect(status.deletion).toMatchObject({ deletedSide: 'hubspot', markedIn: 'bridge' });

    // A Lead edit does not re-create the contact.
    await salesforceEmulator.control.updateRecord(leadId, { Title: 'Edited' });
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(await liveContacts()).toHaveLength(0);
  });

  it.each([true, false])(
    'flags the HubSpot contact when its Salesforce Contact is deleted (org has the checkbox: %s)',
    async (withCheckbox) => {
      if (!withCheckbox) {
        await salesforceEmulator.control.removeField('Lead', 'HubSpot_Deleted__c');
        await salesforceEmulator.control.removeField('Contact', 'HubSpot_Deleted__c');
      }
      const { contactId, sfContactId, link } = await linkedContact();
      await salesforceEmulator.control.deleteRecord(sfContactId);
      await h.markSalesforce('Contact', sfContactId);
      await h.drain();
      expect(await linkOf(link.id)).toMatchObject({ state: 'tombstoned', tombstonedSide: 'salesforce' });
      const contact = await hubspotRecord(contactId);
      expect(contact.archived).toBe(false);
      expect(contact.properties.salesforce_sync_status).toBe('deleted_in_salesforce');
      expect(contact.properties.salesforce_deleted_at).toBeTruthy();

      // A HubSpot edit re-creates nothing in Salesforce.
      await hubspotEmulator.control.asUser(h.portalId).update('contacts', contactId, { jobtitle: 'Gone' });
      await h.resetCalls();
      await h.markHubspot(contactId);
      await h.drain();
      expect(writeCalls(await h.calls()).salesforce).toBe(0);
      expect((await salesforceEmulator.control.getRecord(sfContactId)).IsDeleted).toBe(true);
    },
  );

  it('revives the link on a HubSpot restore inside the grace period, clears the mark, and syncs what changed meanwhile', async () => {
    const { contactId, leadId, link } = await linkedLead();
    await hubspotEmulator.control.asUser(h.portalId).archive('contacts', contactId);
    await h.markHubspot(contactId, { hint: 'deleted' });
    await h.drain();
    expect((await salesforceEmulator.control.getRecord(leadId)).HubSpot_Deleted__c).toBe(true);

    h.clock.advance(10 * DAY_MS);
    await salesforceEmulator.control.updateRecord(leadId, { Title: 'Changed while deleted' });
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    await hubspotEmulator.control.asUser(h.portalId).restore('contacts', contactId);
    await h.markHubspot(contactId, { hint: 'restored' });
    await h.drain();

    expect(await linkOf(link.id)).toMatchObject({ state: 'active' });
    const lead = await salesforceEmulator.control.getRecord(leadId);
    expect(lead.HubSpot_Deleted__c).toBe(false);
    const contact = await hubspotRecord(contactId);
    expect(contact.properties.jobtitle).toBe('Changed while deleted');
    expect(contact.properties.salesforce_sync_status).toBe('synced');
  });

  it('revives the link on a Salesforce undelete inside the grace period, clears HubSpot’s flag, and syncs edits made meanwhile', async () => {
    const { contactId, sfContactId, link } = await linkedContact();
    await salesforceEmulator.control.deleteRecord(sfContactId);
    await h.markSalesforce('Contact', sfContactId);
    await h.drain();
    h.clock.advance(5 * DAY_MS);
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contactId, { jobtitle: 'Meanwhile' });
    await h.markHubspot(contactId);
    await h.drain();
    await salesforceEmulator.control.undeleteRecord(sfContactId);
    await h.markSalesforce('Contact', sfContactId);
    await h.drain();

    expect(await linkOf(link.id)).toMatchObject({ state: 'active' });
    const contact = await hubspotRecord(contactId);
    expect(contact.properties.salesforce_sync_status).toBe('synced');
    expect(contact.properties.salesforce_deleted_at ?? '').toBe('');
    expect((await salesforceEmulator.control.getRecord(sfContactId)).Title).toBe('Meanwhile');
  });

  it('keeps the other record, marked, when the grace period ends under the default policy', async () => {
    const { contactId, leadId, link } = await linkedLead();
    await hubspotEmulator.control.asUser(h.portalId).archive('contacts', contactId);
    await h.markHubspot(contactId, { hint: 'deleted' });
    await h.drain();

    expect((await expire()).decided).toEqual({});
    passGracePeriod();
    // Nothing is decided while an admin has paused sync.
    const pause = (paused: boolean) =>
      h.testDb.db('installations').where({ id: h.installationId }).update({ paused_by_admin: paused });
    await pause(true);
    expect((await expire()).decided).toEqual({});
    await pause(false);
    expect((await expire()).decided).toEqual({ kept: 1 });
    // A second run decides nothing again.
    expect((await expire()).decided).toEqual({});

    expect(await linkOf(link.id)).toMatchObject({ state: 'tombstoned' });
    expect(await salesforceEmulator.control.getRecord(leadId)).toMatchObject({
      IsDeleted: false,
      HubSpot_Deleted__c: true,
    });
    const tombstonedAt = (await linkOf(link.id))?.tombstonedAt as number;
    expect(await deleteExpiries.findForTombstone(h.testDb.db, link.id, tombstonedAt)).toMatchObject({
      outcome: 'kept',
    });
    const audit = await h.testDb
      .db('audit_entries')
      .where({ link_id: link.id, action: 'delete_grace_ended' });
    expect(audit).toHaveLength(1);

    // A restore after the grace period does not revive the link on its own…
    await hubspotEmulator.control.asUser(h.portalId).restore('contacts', contactId);
    await h.markHubspot(contactId, { hint: 'restored' });
    await h.drain();
    expect(await linkOf(link.id)).toMatchObject({ state: 'tombstoned' });

    // …an admin relinks the pair from the card, and both sync again with the marks cleared.
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contactId, { jobtitle: 'Back' });
    const relinked = await relinkRecord(
      { db: h.testDb.db, now: h.clock.now },
      h.installationId,
      { side: 'hubspot', objectType: 'contacts', recordId: contactId },
      admin,
    );
    expect(relinked.ok).toBe(true);
    await h.drain();
    expect(await linkOf(link.id)).toMatchObject({ state: 'active' });
    expect(await salesforceEmulator.control.getRecord(leadId)).toMatchObject({
      HubSpot_Deleted__c: false,
      Title: 'Back',
    });
    expect((await hubspotRecord(contactId)).properties.salesforce_sync_status).toBe('synced');
    const relinkAudit = await h.testDb
      .db('audit_entries')
      .where({ link_id: link.id, action: 'link_restored_by_admin' });
    expect(relinkAudit).toEqual([expect.objectContaining({ actor: 'hubspot-user:77' })]);
  });

  it('archives the other record under archive_counterpart: a Lead to the recycle bin, a HubSpot contact archived', async () => {
    await withDeletes({ policy: 'archive_counterpart' });
    const lead = await linkedLead('lee@acme.com');
    const contact = await linkedContact('cam@acme.com');
    await hubspotEmulator.control.asUser(h.portalId).archive('contacts', lead.contactId);
    await h.markHubspot(lead.contactId, { hint: 'deleted' });
    await salesforceEmulator.control.deleteRecord(contact.sfContactId);
    await h.markSalesforce('Contact', contact.sfContactId);
    await h.drain();

    passGracePeriod();
    expect((await expire()).decided).toEqual({ archived: 2 });
    expect((await salesforceEmulator.control.getRecord(lead.leadId)).IsDeleted).toBe(true);
    expect((await hubspotRecord(contact.contactId)).archived).toBe(true);
    expect(await linkOf(lead.link.id)).toMatchObject({ state: 'tombstoned' });
    expect(await linkOf(contact.link.id)).toMatchObject({ state: 'tombstoned' });
    const audit = await h.testDb.db('audit_entries').where({ action: 'counterpart_archived' });
    expect(audit.map((row: { record_side: string }) => row.record_side).sort()).toEqual([
      'hubspot',
      'salesforce',
    ]);

    // The bridge's own archive is not a new delete: nothing changes when its events come in.
    await h.markHubspot(contact.contactId, { hint: 'deleted' });
    await h.markSalesforce('Lead', lead.leadId);
    await h.drain();
    expect((await expire()).decided).toEqual({});
  });

  it('never archives a Salesforce Contact with an open opportunity, nor a HubSpot contact with an open deal; closed ones do not hold it back', async () => {
    await withDeletes({ policy: 'archive_counterpart' });
    // A HubSpot contact deleted while its Salesforce Contact has an open opportunity.
    const withOpportunity = await linkedContact('opp@acme.com');
    const opportunity = await salesforceEmulator.control.createRecord('Opportunity', {
      Name: 'Big one',
      StageName: 'Prospecting',
      CloseDate: '2027-03-01',
      AccountId: withOpportunity.accountId,
    });
    await salesforceEmulator.control.createRecord('OpportunityContactRole', {
      OpportunityId: opportunity.id,
      ContactId: withOpportunity.sfContactId,
    });
    await hubspotEmulator.control.asUser(h.portalId).archive('contacts', withOpportunity.contactId);
    await h.markHubspot(withOpportunity.contactId, { hint: 'deleted' });
    // A Salesforce Lead deleted while its HubSpot contact has an open deal.
    const withDeal = await linkedLead('deal@acme.com');
    await hubspotEmulator.control
      .asUser(h.portalId)
      .create('deals', { dealname: 'Renewal', dealstage: 'appointmentscheduled', pipeline: 'default' }, [
        { toObjectType: 'contacts', toObjectId: withDeal.contactId },
      ]);
    await salesforceEmulator.control.deleteRecord(withDeal.leadId);
    await h.markSalesforce('Lead', withDeal.leadId);
    // Closed ones do not count: a Contact whose only opportunity is won, a contact whose only deal is lost.
    const closedOpportunity = await linkedContact('won@acme.com');
    const won = await salesforceEmulator.control.createRecord('Opportunity', {
      Name: 'Done deal',
      StageName: 'Closed Won',
      CloseDate: '2026-11-01',
      AccountId: closedOpportunity.accountId,
    });
    await salesforceEmulator.control.createRecord('OpportunityContactRole', {
      OpportunityId: won.id,
      ContactId: closedOpportunity.sfContactId,
    });
    await hubspotEmulator.control.asUser(h.portalId).archive('contacts', closedOpportunity.contactId);
    await h.markHubspot(closedOpportunity.contactId, { hint: 'deleted' });
    const closedDeal = await linkedLead('lost@acme.com');
    await hubspotEmulator.control
      .asUser(h.portalId)
      .create('deals', { dealname: 'Lost one', dealstage: 'closedlost', pipeline: 'default' }, [
        { toObjectType: 'contacts', toObjectId: closedDeal.contactId },
      ]);
    await salesforceEmulator.control.deleteRecord(closedDeal.leadId);
    await h.markSalesforce('Lead', closedDeal.leadId);
    await h.drain();

    passGracePeriod();
    expect((await expire()).decided).toEqual({ kept_open_deals: 2, archived: 2 });
    expect((await salesforceEmulator.control.getRecord(closedOpportunity.sfContactId)).IsDeleted).toBe(true);
    expect((await hubspotRecord(closedDeal.contactId)).archived).toBe(true);
    expect((await salesforceEmulator.control.getRecord(withOpportunity.sfContactId)).IsDeleted).toBe(false);
    expect((await hubspotRecord(withDeal.contactId)).archived).toBe(false);
    expect((await hubspotRecord(withDeal.contactId)).properties.salesforce_sync_status).toBe(
      'deleted_in_salesforce',
    );
    const audit = await h.testDb
      .db('audit_entries')
      .where({ action: 'delete_grace_ended', installation_id: h.installationId });
    expect(audit.map((row: { reason: string }) => row.reason)).toEqual([
      'kept_open_deals',
      'kept_open_deals',
    ]);
  });
});
