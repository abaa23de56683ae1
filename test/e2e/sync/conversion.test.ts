/**
 * Lead conversion meeting other records, through both emulators and the real SDKs:
 *
 * - A linked Lead converted into a Contact that already syncs with another HubSpot contact: neither link
 *   silently wins. The Lead's link ends (`duplicate`), both HubSpot contacts' cards show the other records as
 *   possible duplicates of one person, nothing is written to the converted Lead, nothing fails and no
 *   Salesforce record is created for the contact meanwhile; merging the two contacts in HubSpot settles it.
 * - A HubSpot edit racing the conversion (its write to the Lead answered CANNOT_UPDATE_CONVERTED_LEAD) ends
 *   on the converted Contact, with nothing written to the Lead and no duplicate anywhere.
 */
import { toSalesforceRecord } from '../../../src/connectors/salesforce/records';
import * as links from '../../../src/db/links';
import * as pendingMatches from '../../../src/db/pendingMatches';
import * as engine from '../../../src/sync/engineApi';
import { testDialects } from '../../support/db';
import { suiteEmulators } from '../../support/syncEmulators';
import { createHarness, writeCalls, type Harness } from '../../support/syncHarness';

const emulators = suiteEmulators();
const REP = 'rep@sandbox.example';

describe.each(testDialects)('lead conversion (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    await emulators.salesforce.control.reset();
    h = await createHarness(dialect, emulators.hubspot, emulators.salesforce);
  });
  afterEach(() => h.destroy());

  const contactRef = (recordId: string) => ({ side: 'hubspot', objectType: 'contacts', recordId }) as const;
  const cardOf = (hubspotId: string) =>
    engine.recordSyncStatus(
      { db: h.testDb.db, now: h.clock.now, clients: h.deps.clients },
      h.installationId,
      contactRef(hubspotId),
    );
  const countOf = async (type: 'Lead' | 'Contact') =>
    (await h.salesforce.query<{ Id: string }>(`SELECT Id FROM ${type}`)).records.length;
  const liveContacts = async () =>
    (await emulators.hubspot.control.records(h.portalId, 'contacts')).results.filter(
      (record) => !record.archived,
    );

  /** A HubSpot contact linked to the Lead the bridge made for it. */
  async function contactWithLead(email: string) {
    const contact = await emulators.hubspot.control
      .asUser(h.portalId)
      .create('contacts', { email, lastname: 'Lee', company: 'Acme', jobtitle: 'Dev' });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    if (link?.salesforceObjectType !== 'Lead') throw new Error('not linked to a Lead');
    return { hubspotId: contact.id, leadId: link.salesforceId, linkId: link.id };
  }

  /** A Salesforce Contact (of an Account) and the HubSpot contact the bridge made for it. */
  async function contactWithContact(email: string) {
    const account = await emulators.salesforce.control.createRecord('Account', { Name: 'Acme' });
    const contact = await emulators.salesforce.control.createRecord(
      'Contact',
      { LastName: 'Lee', FirstName: 'Kim', Email: email, AccountId: account.id },
      { asUser: REP },
    );
    await h.markSalesforce('Contact', contact.id);
    await h.drain();
    const link = await links.findActiveBySalesforce(h.testDb.db, h.installationId, contact.id);
    if (!link) throw new Error('Contact not linked');
    return { hubspotId: link.hubspotId, contactId: contact.id, accountId: account.id, linkId: link.id };
  }

  /** Both, then the Lead converted into that existing Contact. */
  async function convertedIntoLinkedContact() {
    const lead = await contactWithLead('kim.lee@acme.com');
    const other = await contactWithContact('kim@acme.com');
    await emulators.salesforce.control.convertLead(lead.leadId, {
      accountId: other.accountId,
      contactId: other.contactId,
      createOpportunity: false,
    });
    return { lead, other, convertedLead: await emulators.salesforce.control.getRecord(lead.leadId) };
  }

  async function expectPossibleDuplicates(
    lead: { hubspotId: string },
    other: { hubspotId: string; contactId: string },
  ) {
    const card = await cardOf(lead.hubspotId);
    expect(card.link).toBeNull();
    expect(card.failures).toEqual([]);
    expect(card.summary.message).toContain('merge them in HubSpot');
    expect(card.possibleDuplicates.map((duplicate) => duplicate.record)).toEqual([
      { side: 'salesforce', objectType: 'Contact', recordId: other.contactId },
      contactRef(other.hubspotId),
    ]);
    expect(card.possibleDuplicates[0]?.whatToDo).toContain('Merge them in HubSpot');
    const otherCard = await cardOf(other.hubspotId);
    expect(otherCard.link).toMatchObject({ state: 'active', salesforce: { recordId: other.contactId } });
    expect(otherCard.possibleDuplicates.map((duplicate) => duplicate.record)).toEqual([
      contactRef(lead.hubspotId),
    ]);
    expect(otherCard.possibleDuplicates[0]?.whatToDo).toContain('Merge them in HubSpot');
  }

  it('a Lead converted into a Contact linked to another contact flags both contacts as possible duplicates, until they are merged', async () => {
    const { lead, other, convertedLead } = await convertedIntoLinkedContact();
    await h.resetCalls();
    await h.markSalesforce('Lead', lead.leadId);
    await h.drain();

    // The Lead's link ended without a failure; the Contact's link stayed where it was.
    expect(await links.findById(h.testDb.db, h.installationId, lead.linkId)).toMatchObject({
      state: 'duplicate',
      supersededByLinkId: other.linkId,
    });
    expect(await links.findById(h.testDb.db, h.installationId, other.linkId)).toMatchObject({
      state: 'active',
    });
    expect(await h.testDb.db('failures').whereNull('resolved_at')).toEqual([]);
    await expectPossibleDuplicates(lead, other);
    expect(writeCalls(await h.calls()).salesforce).toBe(0);

    // An edit to the contact, and the Lead polled again: nothing is written to the Lead, nothing created.
    await emulators.hubspot.control
      .asUser(h.portalId)
      .update('contacts', lead.hubspotId, { jobtitle: 'Architect' });
    await h.markHubspot(lead.hubspotId);
    await h.markSalesforce('Lead', lead.leadId);
    await h.drain();
    expect(writeCalls(await h.calls()).salesforce).toBe(0);
    expect(await emulators.salesforce.control.getRecord(lead.leadId)).toEqual(convertedLead);
    expect([await countOf('Lead'), await countOf('Contact')]).toEqual([1, 1]);
    expect(await h.testDb.db('dirty').whereNot({ state: 'done' })).toEqual([]);
    await expectPossibleDuplicates(lead, other);

    // The person merges the two contacts in HubSpot: the survivor syncs with the Contact.
    const survivor = await emulators.hubspot.control
      .asUser(h.portalId)
      .merge('contacts', other.hubspotId, lead.hubspotId);
    await h.markHubspot(survivor.id, {
      hint: 'merged',
      event: { survivorId: survivor.id, mergedIds: [other.hubspotId, lead.hubspotId] },
    });
    await h.drain();
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, other.contactId)).toMatchObject({
      hubspotId: survivor.id,
    });
    expect((await emulators.salesforce.control.getRecord(other.contactId)).HubSpot_Id__c).toBe(survivor.id);
    expect(await pendingMatches.listOpen(h.testDb.db, h.installationId)).toEqual([]);
    expect((await cardOf(survivor.id)).possibleDuplicates).toEqual([]);
    expect(await emulators.salesforce.control.getRecord(lead.leadId)).toEqual(convertedLead);
    expect([await countOf('Lead'), await countOf('Contact')]).toEqual([1, 1]);
    expect(await liveContacts()).toHaveLength(1);
    expect(await h.testDb.db('failures').whereNull('resolved_at')).toEqual([]);
  });

  it('the merge settles it when only a later change of the merged-away contact reaches the worker', async () => {
    const { lead, other } = await convertedIntoLinkedContact();
    await h.markSalesforce('Lead', lead.leadId);
    await h.drain();
    await expectPossibleDuplicates(lead, other);

    // The Lead's contact is the one kept; the worker hears only of its old id (a late event, a Sync now).
    const survivor = await emulators.hubspot.control
      .asUser(h.portalId)
      .merge('contacts', lead.hubspotId, other.hubspotId);
    await h.resetCalls();
    await h.markHubspot(lead.hubspotId);
    await h.drain();
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, other.contactId)).toMatchObject({
      hubspotId: survivor.id,
    });
    expect(await pendingMatches.listOpen(h.testDb.db, h.installationId)).toEqual([]);
    expect([await countOf('Lead'), await countOf('Contact')]).toEqual([1, 1]);
    expect(await liveContacts()).toHaveLength(1);
    const card = await cardOf(survivor.id);
    expect(card.link).toMatchObject({ state: 'active', salesforce: { recordId: other.contactId } });
    expect(card.possibleDuplicates).toEqual([]);
  });

  /**
   * The contact is edited while its Lead converts, and the worker holds a copy of the Lead read just before
   * the conversion: it learns of the conversion only from Salesforce refusing the write.
   */
  async function editRacingConversion(
    lead: { hubspotId: string; leadId: string },
    convert: () => Promise<unknown>,
  ) {
    await emulators.salesforce.control.advanceClock(120_000);
    await emulators.hubspot.control.advanceClock(120_000);
    h.clock.advance(120_000);
    await emulators.salesforce.control.updateRecord(
      lead.leadId,
      { Description: 'Called twice' },
      { asUser: REP },
    );
    const stale = await h.salesforce.sobject('Lead').retrieve(lead.leadId);
    await convert();
    const convertedLead = await emulators.salesforce.control.getRecord(lead.leadId);
    await emulators.hubspot.control
      .asUser(h.portalId)
      .update('contacts', lead.hubspotId, { jobtitle: 'Architect' });
    const staleRecord = toSalesforceRecord('Lead', {
      ...(stale as Record<string, unknown>),
      IsConverted: false,
    });
    await h.resetCalls();
    await h.markSalesforce('Lead', lead.leadId, { record: staleRecord });
    await h.markHubspot(lead.hubspotId);
    await h.drain();
    return convertedLead;
  }

  async function syncedClock() {
    const lag = (await emulators.salesforce.control.now()) - h.clock.now();
    if (lag > 0) h.clock.advance(lag);
  }

  it('a HubSpot edit racing the conversion ends on the converted Contact, with nothing written to the Lead', async () => {
    await syncedClock();
    const lead = await contactWithLead('ray@acme.com');
    let contactId = '';
    const convertedLead = await editRacingConversion(lead, async () => {
      ({ contactId } = await emulators.salesforce.control.convertLead(lead.leadId, {
        createOpportunity: false,
      }));
    });

    expect((await emulators.salesforce.control.getRecord(contactId)).Title).toBe('Architect');
    expect(await emulators.salesforce.control.getRecord(lead.leadId)).toEqual(convertedLead);
    expect(
      await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', lead.hubspotId),
    ).toMatchObject({ salesforceId: contactId, origin: 'converted' });
    // The refused write to the Lead, the write to the Contact, and the converted Account's HubSpot id once
    // its company is created (companies sync by default); no create in Salesforce.
    expect((await h.calls()).salesforce['PATCH /services/data/vXX.X/composite/sobjects']).toBe(3);
    expect(writeCalls(await h.calls()).salesforce).toBe(3);
    expect([await countOf('Lead'), await countOf('Contact')]).toEqual([1, 1]);
    expect(await liveContacts()).toHaveLength(1);
    expect(await h.testDb.db('failures').whereNull('resolved_at')).toEqual([]);
    expect(await pendingMatches.listOpen(h.testDb.db, h.installationId)).toEqual([]);
  });

  it('a HubSpot edit racing a conversion into a Contact linked to another contact writes nowhere and flags both', async () => {
    await syncedClock();
    const lead = await contactWithLead('sam.lee@acme.com');
    const other = await contactWithContact('sam@acme.com');
    const convertedLead = await editRacingConversion(lead, () =>
      emulators.salesforce.control.convertLead(lead.leadId, {
        accountId: other.accountId,
        contactId: other.contactId,
        createOpportunity: false,
      }),
    );

    // Only the refused write to the Lead was sent: the edit waits with the question, on neither record.
    expect(writeCalls(await h.calls()).salesforce).toBe(1);
    expect(await emulators.salesforce.control.getRecord(lead.leadId)).toEqual(convertedLead);
    // The Contact has what the conversion gave it (the Lead's title), not the edit.
    expect((await emulators.salesforce.control.getRecord(other.contactId)).Title).toBe('Dev');
    expect(await links.findById(h.testDb.db, h.installationId, lead.linkId)).toMatchObject({
      state: 'duplicate',
    });
    expect(await h.testDb.db('failures').whereNull('resolved_at')).toEqual([]);
    await expectPossibleDuplicates(lead, other);
    expect([await countOf('Lead'), await countOf('Contact')]).toEqual([1, 1]);
    expect(await liveContacts()).toHaveLength(2);
  });
});
