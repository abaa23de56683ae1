/**
 * A privacy deletion in HubSpot end to end: the person synced both ways, their values in the audit log, the
 * stored webhook events, the shadows. HubSpot's `contact.privacyDeletion` reaches the bridge; afterwards
 * nothing of the person is left in any table (every column of every table is read), only the ids and a hash
 * of the email; Salesforce edits to the same person, and a new Salesforce record with their email, never
 * bring them back to HubSpot; the Salesforce record is marked, as the settings say by default.
 */
import * as links from '../../../src/db/links';
import * as privacyTombstones from '../../../src/db/privacyTombstones';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

/** What must not be found anywhere once the person is forgotten (compared in lower case). */
const PERSONAL = ['zelda', 'quux', 'cartographer', 'surveyor', 'wayfinder', '555-0199', '5550199'];

describe.each(testDialects)('a privacy deletion on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  let worker: SyncWorker;
  const portalId = 4321;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    worker = harness.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  const drained = () => harness.drained(installationId);
  async function settle() {
    await harness.hubspot.control.waitForWebhooksIdle();
    await drained();
    await harness.pollAll();
    await drained();
  }

  /** Every row of every table of the bridge's database, as text. */
  async function everyTable(): Promise<Record<string, string>> {
    const db = harness.testDb.db;
    const names: string[] =
      dialect === 'sqlite'
        ? (
            (await db.raw("SELECT name FROM sqlite_master WHERE type = 'table'")) as Array<{ name: string }>
          ).map((row) => row.name)
        : (
            (
              await db.raw(
                'SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()',
              )
            ).rows as Array<{ table_name: string }>
          ).map((row) => row.table_name);
    const dump: Record<string, string> = {};
    for (const name of names.filter((table) => !table.startsWith('sqlite_'))) {
      dump[name] = JSON.stringify(await db(name).select('*')).toLowerCase();
    }
    return dump;
  }

  function leftovers(dump: Record<string, string>): string[] {
    return Object.entries(dump).flatMap(([table, text]) =>
      PERSONAL.filter((value) => text.includes(value)).map((value) => `${table}: ${value}`),
    );
  }

  it('forgets the person, keeps only ids and a hash, and never brings them back from Salesforce', async () => {
    const person = harness.hubspot.control.asUser(portalId);
    const contact = await person.create('contacts', {
      email: 'Zelda.Quux@example.com',
      firstname: 'Zelda',
      lastname: 'Quux',
      jobtitle: 'Cartographer',
      phone: '+1 415-555-0199',
    });
    await settle();
    const link = await links.findActiveByHubspot(harness.testDb.db, installationId, 'contacts', contact.id);
    if (!link) throw new Error('the contact was not synced');
    // Edits both ways, so the audit log, the shadows and the stored webhook events hold the person's values.
    await person.update('contacts', contact.id, { jobtitle: 'Surveyor' });
    await settle();
    await harness.salesforce.control.updateRecord(link.salesforceId, { Title: 'Wayfinder' });
    await settle();
    expect((await harness.hubspot.control.record(portalId, 'contacts', contact.id)).properties.jobtitle).toBe(
      'Wayfinder',
    );
    expect(leftovers(await everyTable())).toEqual(
      expect.arrayContaining(['audit_entries: surveyor', 'shadows: zelda', 'webhook_events: surveyor']),
    );

    // The person asks HubSpot to forget them.
    await person.gdprDelete({ objectId: contact.id });
    await settle();
    expect(await links.findById(harness.testDb.db, installationId, link.id)).toMatchObject({
      state: 'purged',
    });
    // The Salesforce record stays (it is the admin's), marked as the default setting says.
    const marked = await harness.salesforce.control.getRecord(link.salesforceId);
    expect(marked).toMatchObject({ IsDeleted: false, HubSpot_Deleted__c: true });

    // Salesforce keeps editing the person, and a colleague enters them again as a new Contact.
    await harness.salesforce.control.updateRecord(link.salesforceId, { Title: 'Wayfinder General' });
    const [again] = await harness.salesforce.control.createRecords('Contact', [
      { FirstName: 'Zelda', LastName: 'Quux', Email: 'zelda.quux@EXAMPLE.com', Phone: '415-555-0199' },
    ]);
    await settle();
    await settle();

    // Nothing came back to HubSpot: the contact is gone, and no contact has the email.
    const actor = await harness.actor(portalId);
    const found = await actor.crm.contacts.searchApi.doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: 'EQ' as never, value: 'zelda.quux@example.com' }] },
      ],
      properties: ['email'],
      limit: 10,
    });
    expect(found.total).toBe(0);
    const everyContact = await actor.crm.contacts.basicApi.getPage(100);
    expect(everyContact.results.map((record) => record.id)).not.toContain(contact.id);
    expect(await links.findActiveBySalesforce(harness.testDb.db, installationId, again!)).toBeNull();

    // Nothing personal in any table; the tombstone holds ids and a hash.
    expect(leftovers(await everyTable())).toEqual([]);
    expect(await privacyTombstones.listForInstallation(harness.testDb.db, installationId)).toEqual([
      expect.objectContaining({
        hubspotId: contact.id,
        emailHash: privacyTombstones.emailHashOf(installationId, 'zelda.quux@example.com'),
        salesforceIds: [link.salesforceId],
      }),
    ]);
    // The audit says what happened, without the values.
    const lines = await harness.testDb
      .db('audit_entries')
      .where({ installation_id: installationId })
      .whereIn('action', ['privacy_purged', 'privacy_salesforce_marked']);
    expect(lines.map((row: { action: string }) => row.action).sort()).toEqual([
      'privacy_purged',
      'privacy_salesforce_marked',
    ]);
  });
});
