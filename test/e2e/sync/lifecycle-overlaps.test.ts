/**
 * Lifecycle events that overlap, as people make them and the soak met them:
 *
 * - The survivor of a HubSpot merge has a new id. HubSpot's merge webhook names it, and the poll finds it
 *   as a contact modified just now; either way it reaches the worker unlinked while the link still names
 *   the contact merged into it. It takes that link over instead of being matched: no question for a person
 *   about a Salesforce record "linked elsewhere", and no second Salesforce record when the linked one is in
 *   the recycle bin at that moment. The link it takes over keeps what the pair last synced, so an edit
 *   made on the survivor is not undone by a Salesforce record changed later in another field.
 * - A linked Lead converted: the poll finds the Lead changed and its Contact new at once. The Contact's unit
 *   matches the HubSpot contact, still linked to the Lead, while the Lead's unit moves that link to it; the
 *   question it would leave for a person ("linked elsewhere") is moot and not asked; asked before the
 *   Lead's unit saw the conversion, it is settled when the link moves.
 * - A Lead deleted (its link tombstoned), restored and converted before the bridge saw the restore: the
 *   link follows the conversion to the Contact, whether the Contact was already matched to the same HubSpot
 *   contact or not, instead of trying to come back and never settling.
 * - A contact deleted in HubSpot after its Lead converted: the link is tombstoned without marking the Lead
 *   deleted (Salesforce refuses every write to a converted Lead, and retrying the mark never settled).
 */
import * as links from '../../../src/db/links';
import * as pendingMatches from '../../../src/db/pendingMatches';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { testDialects } from '../../support/db';
import { startHubSpot, startSalesforce } from '../../support/syncEmulators';
import { createHarness, type Harness } from '../../support/syncHarness';

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

describe.each(testDialects)('overlapping lifecycle events (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator);
  });
  afterEach(() => h.destroy());

  const linksOf = async (hubspotId: string) =>
    (
      await links.listForRecord(h.testDb.db, h.installationId, {
        side: 'hubspot',
        objectType: 'contacts',
        recordId: hubspotId,
      })
    ).map((link) => ({ salesforceId: link.salesforceId, state: link.state }));

  /** A contact linked to the Lead the bridge made for it, then merged with a new duplicate. */
  async function mergedLinkedContact(email: string) {
    const person = hubspotEmulator.control.asUser(h.portalId);
    const contact = await person.create('contacts', { email, lastname: 'Lee', company: 'Acme' });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    if (!link) throw new Error('not linked');
    const duplicate = await person.create('contacts', { email: `copy.${email}`, lastname: 'Lee' });
    const survivor = await person.merge('contacts', contact.id, duplicate.id);
    return {
      contactId: contact.id,
      duplicateId: duplicate.id,
      survivorId: survivor.id,
      leadId: link.salesforceId,
    };
  }

  it('a merge survivor marked as the merge webhook marks it takes over the link', async () => {
    const { contactId, duplicateId, survivorId, leadId } = await mergedLinkedContact('lee@acme.com');
    await h.markHubspot(survivorId, {
      hint: 'merged',
      event: { survivorId, mergedIds: [contactId, duplicateId] },
    });
    await h.drain();

    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, leadId)).toMatchObject({
      hubspotId: survivorId,
    });
    expect(
      await pendingMatches.findOpen(h.testDb.db, h.installationId, {
        side: 'hubspot',
        objectType: 'contacts',
        recordId: survivorId,
      }),
    ).toBeNull();
    expect((await salesforceEmulator.control.getRecord(leadId)).HubSpot_Id__c).toBe(survivorId);
  });

  it('a merge survivor found while its Lead is in the recycle bin creates no second Lead, and relinks on the restore', async () => {
    const { survivorId, leadId } = await mergedLinkedContact('ada@acme.com');
    await salesforceEmulator.control.deleteRecord(leadId);
    // Found by the poll: no hint, no merged ids but those the survivor lists itself.
    await h.markHubspot(survivorId);
    await h.drain();
    expect(await linksOf(survivorId)).toEqual([{ salesforceId: leadId, state: 'tombstoned' }]);

    await salesforceEmulator.control.undeleteRecord(leadId);
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(await linksOf(survivorId)).toEqual([{ salesforceId: leadId, state: 'active' }]);
  });

  it('a merge survivor whose merged-away contact has a tombstoned link creates no second Lead, and relinks on the restore', async () => {
    const person = hubspotEmulator.control.asUser(h.portalId);
    const contact = await person.create('contacts', {
      email: 'ida@acme.com',
      lastname: 'Lee',
      company: 'Acme',
    });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    if (!link) throw new Error('not linked');
    const leadId = link.salesforceId;
    // The delete is seen first: the link is tombstoned while it still names the contact.
    await salesforceEmulator.control.deleteRecord(leadId);
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(await linksOf(contact.id)).toEqual([{ salesforceId: leadId, state: 'tombstoned' }]);

    const duplicate = await person.create('contacts', { email: 'copy.ida@acme.com', lastname: 'Lee' });
    const survivor = await person.merge('contacts', contact.id, duplicate.id);
    await h.markHubspot(survivor.id, {
      hint: 'merged',
      event: { survivorId: survivor.id, mergedIds: [contact.id, duplicate.id] },
    });
    await h.drain();
    expect(await linksOf(survivor.id)).toEqual([]);
    expect((await h.salesforce.query('SELECT Id FROM Lead')).totalSize).toBe(0);

    await salesforceEmulator.control.undeleteRecord(leadId);
    await h.markSalesforce('Lead', leadId);
    await h.drain();
    expect(await linksOf(survivor.id)).toEqual([{ salesforceId: leadId, state: 'active' }]);
    expect(
      (await h.salesforce.query<{ Id: string }>('SELECT Id FROM Lead')).records.map((lead) => lead.Id),
    ).toEqual([leadId]);
  });

  it('a converted Lead and the Contact it became, marked together, leave no question for a person', async () => {
    const lead = await salesforceEmulator.control.createRecord('Lead', {
      LastName: 'Lee',
      Company: 'Acme',
      Email: 'noa@acme.com',
    });
    await h.markSalesforce('Lead', lead.id);
    await h.drain();
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, lead.id);
    if (!link) throw new Error('not linked');
    const { contactId } = await salesforceEmulator.control.convertLead(lead.id, { createOpportunity: false });
    // The poll finds both: the Lead changed, the Contact new.
    await h.markSalesforce('Lead', lead.id);
    await h.markSalesforce('Contact', contactId);
    // Bounded, not a loop: the converted Account syncs too (companies sync by default) and wakes the
    // contact whose company waited for it.
    await h.drain({ maxBatches: 8 });

    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, contactId)).toMatchObject({
      hubspotId: link.hubspotId,
    });
    expect(await pendingMatches.listOpen(h.testDb.db, h.installationId)).toEqual([]);
  });

  it("a converted Lead's Contact synced before the Lead has its question settled by the conversion", async () => {
    const lead = await salesforceEmulator.control.createRecord('Lead', {
      LastName: 'Lee',
      Company: 'Acme',
      Email: 'ida@acme.com',
    });
    await h.markSalesforce('Lead', lead.id);
    await h.drain();
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, lead.id);
    if (!link) throw new Error('not linked');
    const { contactId } = await salesforceEmulator.control.convertLead(lead.id, { createOpportunity: false });
    await h.markSalesforce('Contact', contactId);
    await h.drain();
    // Its HubSpot match is still the Lead's: a question, until the conversion is seen.
    expect((await pendingMatches.listOpen(h.testDb.db, h.installationId)).length).toBe(1);
    await h.markSalesforce('Lead', lead.id);
    await h.drain({ maxBatches: 5 });

    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, contactId)).toMatchObject({
      hubspotId: link.hubspotId,
    });
    expect(await pendingMatches.listOpen(h.testDb.db, h.installationId)).toEqual([]);
  });

  it('the survivor keeps what the pair last synced: its own edit beats a Salesforce record changed later in another field', async () => {
    const person = hubspotEmulator.control.asUser(h.portalId);
    const contact = await person.create('contacts', {
      email: 'eva@acme.com',
      lastname: 'Lee',
      company: 'Acme',
      city: 'Lyon',
    });
    await h.markHubspot(contact.id);
    await h.drain();
    const leadId = (await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id))
      ?.salesforceId as string;
    const duplicate = await person.create('contacts', { email: 'copy.eva@acme.com', lastname: 'Lee' });
    const survivor = await person.merge('contacts', contact.id, duplicate.id);
    await person.update('contacts', survivor.id, { city: 'Paris' });
    // Salesforce dates a change per record: its record is now newer than HubSpot's city, for its title.
    await salesforceEmulator.control.advanceClock(60_000);
    await salesforceEmulator.control.updateRecord(leadId, { Title: 'VP' });
    await h.markHubspot(survivor.id, {
      hint: 'merged',
      event: { survivorId: survivor.id, mergedIds: [contact.id, duplicate.id] },
    });
    await h.markSalesforce('Lead', leadId);
    await h.drain({ maxBatches: 5 });

    const lead = await salesforceEmulator.control.getRecord(leadId);
    const properties = (await hubspotEmulator.control.record(h.portalId, 'contacts', survivor.id)).properties;
    expect([lead.City, lead.Title, properties.city, properties.jobtitle]).toEqual([
      'Paris',
      'VP',
      'Paris',
      'VP',
    ]);
  });

  /** A Lead made in Salesforce and linked, deleted (tombstoned), then restored and converted. */
  async function convertedWhileTombstoned(email: string) {
    const lead = await salesforceEmulator.control.createRecord('Lead', {
      LastName: 'Lee',
      Company: 'Acme',
      Email: email,
    });
    await h.markSalesforce('Lead', lead.id);
    await h.drain();
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, lead.id);
    if (!link) throw new Error('not linked');
    await salesforceEmulator.control.deleteRecord(lead.id);
    await h.markSalesforce('Lead', lead.id);
    await h.drain();
    expect(await linksOf(link.hubspotId)).toEqual([{ salesforceId: lead.id, state: 'tombstoned' }]);
    await salesforceEmulator.control.undeleteRecord(lead.id);
    const { contactId } = await salesforceEmulator.control.convertLead(lead.id, { createOpportunity: false });
    return { leadId: lead.id, contactId, hubspotId: link.hubspotId };
  }

  it('a Lead converted while tombstoned, its Contact already matched to the same contact, ends superseded', async () => {
    const { leadId, contactId, hubspotId } = await convertedWhileTombstoned('kim@acme.com');
    await h.markSalesforce('Contact', contactId);
    await h.drain();
    await h.markSalesforce('Lead', leadId);
    // Bounded, not a loop (with the converted Account's company, which syncs by default).
    await h.drain({ maxBatches: 6 });

    expect(await linksOf(hubspotId)).toEqual([
      { salesforceId: contactId, state: 'active' },
      { salesforceId: leadId, state: 'superseded' },
    ]);
    expect(await h.testDb.db('dirty').whereNot({ state: 'done' })).toEqual([]);
  });

  it('a Lead converted while tombstoned and seen first moves its link to the Contact', async () => {
    const { leadId, contactId, hubspotId } = await convertedWhileTombstoned('max@acme.com');
    await h.markSalesforce('Lead', leadId);
    await h.drain({ maxBatches: 6 });
    await h.markSalesforce('Contact', contactId);
    await h.drain();

    expect(
      await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', hubspotId),
    ).toMatchObject({
      salesforceId: contactId,
      origin: 'converted',
    });
    expect((await salesforceEmulator.control.getRecord(contactId)).HubSpot_Id__c).toBe(hubspotId);
  });
  it('a contact deleted in HubSpot after its Lead converted is tombstoned, and the converted Lead is not written to', async () => {
    const person = hubspotEmulator.control.asUser(h.portalId);
    const contact = await person.create('contacts', {
      email: 'eve@acme.com',
      lastname: 'Lee',
      company: 'Acme',
    });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    if (!link) throw new Error('not linked');
    await salesforceEmulator.control.convertLead(link.salesforceId, { createOpportunity: false });
    const converted = await salesforceEmulator.control.getRecord(link.salesforceId);
    await person.archive('contacts', contact.id);
    await h.markHubspot(contact.id, { hint: 'deleted', event: {} });
    await h.markSalesforce('Lead', link.salesforceId);
    await h.drain();

    expect(await linksOf(contact.id)).toEqual([{ salesforceId: link.salesforceId, state: 'tombstoned' }]);
    expect(await salesforceEmulator.control.getRecord(link.salesforceId)).toEqual(converted);
  });
});
