/**
 * Edits on either side of a linked pair, for each ownership rule, through both emulators and the real SDKs;
 * a field changed on both sides under two-way (the newer change wins, read from HubSpot's property history)
 * and under review (a conflict waits, nothing is written). Echoes of every write cost no write.
 */
import * as conflicts from '../../../src/db/conflicts';
import { SalesforceRecords } from '../../../src/connectors/salesforce/records';
import * as links from '../../../src/db/links';
import type { OwnershipRule, SettingsInput } from '../../../src/domain/settings/schema';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { salesforceFieldsToRead } from '../../../src/settings/fields';
import { settingsFor } from '../../../src/settings/installationSettings';
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

interface Pair {
  contactId: string;
  leadId: string;
}

async function syncedPair(h: Harness, jobtitle = 'Engineer'): Promise<Pair> {
  const contact = await hubspotEmulator.control.asUser(h.portalId).create('contacts', {
    email: 'pat@acme.com',
    firstname: 'Pat',
    lastname: 'Lee',
    company: 'Acme',
    jobtitle,
  });
  await h.markHubspot(contact.id);
  await h.drain();
  const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
  if (!link) throw new Error('no link');
  return { contactId: contact.id, leadId: link.salesforceId };
}

async function both(h: Harness, pair: Pair) {
  const contact = await hubspotEmulator.control.record(h.portalId, 'contacts', pair.contactId);
  const lead = await salesforceEmulator.control.getRecord(pair.leadId);
  return { hubspot: contact.properties.jobtitle ?? null, salesforce: (lead.Title as string | null) ?? null };
}

async function editHubspot(h: Harness, pair: Pair, jobtitle: string) {
  await hubspotEmulator.control.asUser(h.portalId).update('contacts', pair.contactId, { jobtitle });
  await h.markHubspot(pair.contactId);
}

async function editSalesforce(h: Harness, pair: Pair, title: string | null) {
  await salesforceEmulator.control.updateRecord(
    pair.leadId,
    { Title: title },
    { asUser: 'rep@sandbox.example' },
  );
  await h.markSalesforce('Lead', pair.leadId);
}

const withTitleRule = (rule: OwnershipRule) => (defaults: SettingsInput) => {
  const field = defaults.objects.contacts.fields.find((mapping) => mapping.key === 'jobtitle');
  if (field) field.rule = rule;
  return defaults;
};

const clocks = async () => ({
  hubspot: (await hubspotEmulator.control.clock()).nowMs,
  salesforce: await salesforceEmulator.control.now(),
});

/** Moves Salesforce's clock to `byMs` past HubSpot's (the emulators' clocks drift apart across tests). */
async function salesforceAhead(byMs: number) {
  const now = await clocks();
  await salesforceEmulator.control.advanceClock(Math.max(0, now.hubspot - now.salesforce) + byMs);
}

async function hubspotAhead(byMs: number) {
  const now = await clocks();
  await hubspotEmulator.control.advanceClock(Math.max(0, now.salesforce - now.hubspot) + byMs);
}

describe.each(testDialects)('edits on a linked pair (%s)', (dialect) => {
  let h: Harness;
  const start = async (rule: OwnershipRule = 'two_way') => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator, { settings: withTitleRule(rule) });
  };
  afterEach(() => h.destroy());

  // [rule, side edited, value after the sync on HubSpot, on Salesforce]
  const cases: Array<[OwnershipRule, 'hubspot' | 'salesforce', string | null, string | null]> = [
    ['two_way', 'hubspot', 'CTO', 'CTO'],
    ['two_way', 'salesforce', 'VP Sales', 'VP Sales'],
    ['hubspot', 'hubspot', 'CTO', 'CTO'],
    ['hubspot', 'salesforce', 'Engineer', 'Engineer'],
    ['salesforce', 'hubspot', 'Engineer', 'Engineer'],
    ['salesforce', 'salesforce', 'VP Sales', 'VP Sales'],
    ['prefer_hubspot_unless_blank', 'salesforce', 'Engineer', 'Engineer'],
    ['prefer_hubspot_unless_blank', 'hubspot', 'CTO', 'CTO'],
    ['prefer_salesforce_unless_blank', 'hubspot', 'Engineer', 'Engineer'],
    ['prefer_salesforce_unless_blank', 'salesforce', 'VP Sales', 'VP Sales'],
    ['review', 'hubspot', 'CTO', 'CTO'],
    ['review', 'salesforce', 'VP Sales', 'VP Sales'],
    ['on_create', 'hubspot', 'CTO', 'Engineer'],
    ['on_create', 'salesforce', 'Engineer', 'VP Sales'],
    ['none', 'hubspot', 'CTO', null],
  ];

  it.each(cases)(
    'under %s, an edit in %s leaves HubSpot %p and Salesforce %p',
    async (rule, side, hubspot, salesforce) => {
      await start(rule);
      const pair = await syncedPair(h);
      // Salesforce owns the field, so a new Lead is created without it: give Salesforce its value first.
      if (rule === 'salesforce') {
        await editSalesforce(h, pair, 'Engineer');
        await h.drain();
      }
      if (rule === 'none') await editSalesforce(h, pair, null);
      if (side === 'hubspot') await editHubspot(h, pair, 'CTO');
      else await editSalesforce(h, pair, 'VP Sales');
      await h.drain();
      expect(await both(h, pair)).toEqual({ hubspot, salesforce });

      // The echo of whatever was written: both sides marked again, nothing written.
      await h.resetCalls();
      await h.markHubspot(pair.contactId);
      await h.markSalesforce('Lead', pair.leadId);
      await h.drain();
      expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
    },
  );

  it('lets the newer change win when both sides changed a two-way field', async () => {
    await start('two_way');
    const pair = await syncedPair(h);
    await editHubspot(h, pair, 'CTO');
    await salesforceAhead(5_000);
    await editSalesforce(h, pair, 'VP Sales');
    await h.resetCalls();
    await h.drain();
    expect(await both(h, pair)).toEqual({ hubspot: 'VP Sales', salesforce: 'VP Sales' });
    // The HubSpot contact was read again with property history to learn when its value changed.
    const reads = (await h.calls()).hubspot['POST /crm/v3/objects/contacts/batch/read'];
    expect(reads).toBe(2);

    await hubspotAhead(5_000);
    await editSalesforce(h, pair, 'Director');
    await editHubspot(h, pair, 'Founder');
    await h.drain();
    expect(await both(h, pair)).toEqual({ hubspot: 'Founder', salesforce: 'Founder' });
  });

  it('opens a conflict under review and writes nothing for that field', async () => {
    await start('review');
    const pair = await syncedPair(h);
    await editHubspot(h, pair, 'CTO');
    await editSalesforce(h, pair, 'VP Sales');
    await h.drain();
    expect(await both(h, pair)).toEqual({ hubspot: 'CTO', salesforce: 'VP Sales' });
    const open = await conflicts.listOpen(h.testDb.db, h.installationId);
    expect(open).toMatchObject([
      { fieldKey: 'jobtitle', hubspotValue: 'CTO', salesforceValue: 'VP Sales', shadowValue: 'Engineer' },
    ]);
    const stored = await hubspotEmulator.control.record(h.portalId, 'contacts', pair.contactId);
    expect(stored.properties.salesforce_sync_status).toBe('conflict');

    // Someone edits again so both sides agree: the conflict closes on its own.
    await editSalesforce(h, pair, 'CTO');
    await h.drain();
    expect(await conflicts.listOpen(h.testDb.db, h.installationId)).toEqual([]);
    const after = await hubspotEmulator.control.record(h.portalId, 'contacts', pair.contactId);
    expect(after.properties.salesforce_sync_status).toBe('synced');
  });

  it('never lets a copy read before its own write undo that write', async () => {
    await start('two_way');
    // Keep the bridge's clock level with Salesforce's, as real clocks are (the emulators' drift across tests).
    const lag = (await salesforceEmulator.control.now()) - h.clock.now();
    if (lag > 0) h.clock.advance(lag);
    const pair = await syncedPair(h);
    // A poll reads the Lead...
    const settings = await settingsFor(h.testDb.db, h.installationId);
    const read = await new SalesforceRecords(h.salesforce, 'Lead').readByIds(
      [pair.leadId],
      salesforceFieldsToRead(settings, 'Lead'),
    );
    const copy = read.get(pair.leadId);
    expect(copy?.fields.Title).toBe('Engineer');
    // ...then a HubSpot edit reaches Salesforce before that copy is handed to the worker.
    await editHubspot(h, pair, 'CTO');
    await h.drain();
    expect(await both(h, pair)).toEqual({ hubspot: 'CTO', salesforce: 'CTO' });
    await h.markSalesforce('Lead', pair.leadId, { record: copy });
    await h.resetCalls();
    await h.drain();
    expect(await both(h, pair)).toEqual({ hubspot: 'CTO', salesforce: 'CTO' });
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it('syncs both sides of a link marked in one batch once, as one unit', async () => {
    await start('two_way');
    const pair = await syncedPair(h);
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', pair.contactId, { city: 'Oslo' });
    await salesforceEmulator.control.updateRecord(
      pair.leadId,
      { Title: 'Boss' },
      { asUser: 'rep@sandbox.example' },
    );
    await h.markHubspot(pair.contactId);
    await h.markSalesforce('Lead', pair.leadId);
    await h.resetCalls();
    const summaries = await h.drain();
    expect(summaries[0]).toMatchObject({ synced: 1 });
    const lead = await salesforceEmulator.control.getRecord(pair.leadId);
    expect(lead.City).toBe('Oslo');
    expect((await both(h, pair)).hubspot).toBe('Boss');
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 1, salesforce: 1 });
  });
});
