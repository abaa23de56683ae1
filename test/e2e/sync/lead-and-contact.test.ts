/**
 * People who are both an unconverted Lead and a Contact in Salesforce (one email): one HubSpot contact links
 * to one of them by the settings' preference (Contacts first by default, or the most recently modified), and
 * the other waits as a possible duplicate in Salesforce, shown on the HubSpot contact's card, never as a
 * failure and never as a second create HubSpot would refuse.
 */
import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import * as pendingMatches from '../../../src/db/pendingMatches';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import * as engine from '../../../src/sync/engineApi';
import { testDialects } from '../../support/db';
import { suiteEmulators } from '../../support/syncEmulators';
import { createHarness, type Harness } from '../../support/syncHarness';

const emulators = suiteEmulators();

const newestFirst = (defaults: SettingsInput): SettingsInput => ({
  ...defaults,
  matching: { leadContactPreference: 'most_recently_modified' },
});

describe.each(testDialects)('a person who is both a Lead and a Contact (%s)', (dialect) => {
  let h: Harness;
  const start = async (settings?: (defaults: SettingsInput) => SettingsInput) => {
    await emulators.salesforce.control.reset();
    h = await createHarness(dialect, emulators.hubspot, emulators.salesforce, settings ? { settings } : {});
  };
  afterEach(() => h.destroy());

  /** A Lead, then a Contact a second later, with one email: both new to the bridge. */
  async function leadAndContact(email: string) {
    const [leadId] = await emulators.salesforce.control.createRecords('Lead', [
      { LastName: 'Both', Company: 'Acme', Email: email },
    ]);
    await emulators.salesforce.control.advanceClock(1_000);
    const [contactId] = await emulators.salesforce.control.createRecords('Contact', [
      { LastName: 'Both', Email: email },
    ]);
    return { leadId: leadId as string, contactId: contactId as string };
  }

  async function expectOneContactLinkedTo(salesforceId: string, duplicateId: string) {
    const contacts = (await emulators.hubspot.control.records(h.portalId, 'contacts')).results;
    expect(contacts).toHaveLength(1);
    const hubspotId = contacts[0]?.id as string;
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, salesforceId)).toMatchObject({
      hubspotId,
    });
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, duplicateId)).toBeNull();
    // No failure anywhere: the other record waits as a question about a possible duplicate.
    expect(await h.testDb.db('failures').whereNull('resolved_at')).toEqual([]);
    const [question] = await pendingMatches.listOpen(h.testDb.db, h.installationId);
    expect(question).toMatchObject({
      record: { side: 'salesforce', recordId: duplicateId },
      reason: 'linked_elsewhere',
    });
    // The HubSpot contact's card names the duplicate.
    const status = await engine.recordSyncStatus(
      { db: h.testDb.db, now: h.clock.now, clients: h.deps.clients },
      h.installationId,
      { side: 'hubspot', objectType: 'contacts', recordId: hubspotId },
    );
    expect(status.possibleDuplicates.map((duplicate) => duplicate.record.recordId)).toEqual([duplicateId]);
    return hubspotId;
  }

  it('creates one HubSpot contact, linked to the Contact; the Lead is a possible duplicate', async () => {
    await start();
    const { leadId, contactId } = await leadAndContact('both@acme.com');
    await h.markSalesforce('Lead', leadId);
    await h.markSalesforce('Contact', contactId);
    await h.drain();
    await expectOneContactLinkedTo(contactId, leadId);
    expect(
      await failures.findUnresolved(h.testDb.db, h.installationId, {
        side: 'salesforce',
        objectType: 'Lead',
        recordId: leadId,
      }),
    ).toBeNull();
  });

  it('links the most recently modified of the two when the settings say so', async () => {
    await start(newestFirst);
    const { leadId, contactId } = await leadAndContact('newest@acme.com');
    await emulators.salesforce.control.advanceClock(1_000);
    await emulators.salesforce.control.updateRecord(
      leadId,
      { Title: 'Buyer' },
      { asUser: 'rep@sandbox.example' },
    );
    await h.markSalesforce('Lead', leadId);
    await h.markSalesforce('Contact', contactId);
    await h.drain();
    await expectOneContactLinkedTo(leadId, contactId);
  });

  it('matches a new HubSpot contact by the same preference', async () => {
    await start(newestFirst);
    const { leadId } = await leadAndContact('hs-first@acme.com');
    await emulators.salesforce.control.advanceClock(1_000);
    await emulators.salesforce.control.updateRecord(
      leadId,
      { Title: 'Buyer' },
      { asUser: 'rep@sandbox.example' },
    );
    const contact = await emulators.hubspot.control
      .asUser(h.portalId)
      .create('contacts', { email: 'hs-first@acme.com', lastname: 'Both' });
    await h.markHubspot(contact.id);
    await h.drain();
    expect(
      await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id),
    ).toMatchObject({
      salesforceObjectType: 'Lead',
      salesforceId: leadId,
    });
  });
});
