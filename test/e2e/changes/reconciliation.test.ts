/**
 * Reconciliation end to end: what change detection missed is found by comparing both systems with the
 * links, and the sync worker carries it out by the usual rules. A HubSpot delete whose webhook HubSpot
 * dropped, and a Salesforce edit the poll's cursor moved past, each reach the other side only through a
 * run asked for from the settings page; a run right after finds nothing more. An owner the sync leaves as
 * it is for want of a HubSpot counterpart is no drift; an owner a person then sets in HubSpot is.
 */
import * as dirty from '../../../src/db/dirty';
import * as links from '../../../src/db/links';
import type * as reports from '../../../src/db/reconcileReports';
import * as settingsTable from '../../../src/db/settings';
import { emptyCounts } from '../../../src/domain/reconcile';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import { reconcileDue } from '../../../src/reconcile/job';
import { salesforceCursorName } from '../../../src/changes/salesforcePoll';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { HUBSPOT_APP_ID, startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;

describe.each(testDialects)('reconciliation on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  let worker: SyncWorker;
  let repOwnerId: string;
  const portalId = 4311;
  const ADMIN = `admin@portal${portalId}.example.com`;
  const CLOSER = 'closer@sandbox.example';

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    // The org's rep owns records in HubSpot too, so owners map both ways; its closer has no HubSpot owner.
    repOwnerId = (await harness.hubspot.control.addOwner(portalId, { email: 'rep@sandbox.example' })).ownerId;
    await harness.salesforce.control.createUser({
      username: CLOSER,
      email: CLOSER,
      firstName: 'Casey',
      lastName: 'Closer',
    });
    worker = harness.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  const drained = () => harness.drained(installationId);

  async function as(method: 'GET' | 'POST', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId,
      user: ADMIN,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** "Reconcile now" from the settings page, then one tick of the worker's reconciliation schedule. */
  async function reconcileFromSettingsPage(): Promise<reports.ReconcileReport> {
    const asked = await as('POST', '/api/sync/reconcile', {});
    expect(asked.status).toBe(202);
    const ended = await reconcileDue(harness.bridge.context.reconcile, { holder: 'test:reconcile' });
    expect(ended).toHaveLength(1);
    await drained();
    return ended[0]!;
  }

  /** A HubSpot contact created by a person, synced to a new Salesforce record, and the polls caught up. */
  async function syncedPair(email: string, lastname: string) {
    const person = harness.hubspot.control.asUser(portalId);
    const contact = await person.create('contacts', { email, firstname: 'Ada', lastname });
    await harness.hubspot.control.waitForWebhooksIdle();
    await drained();
    await harness.pollAll();
    await drained();
    const link = await links.findActiveByHubspot(harness.testDb.db, installationId, 'contacts', contact.id);
    if (!link) throw new Error(`${email} was not linked`);
    return { person, contact, link };
  }

  it('finds a HubSpot delete whose webhook was dropped, and the sync tombstones the link without deleting anything', async () => {
    const { person, contact, link } = await syncedPair('dropped@example.com', 'Dropped');
    // Nothing drifted yet: a first run finds nothing.
    const clean = await reconcileFromSettingsPage();
    expect(clean).toMatchObject({ state: 'completed', trigger: 'on_demand', counts: emptyCounts() });
    expect(clean.requestedBy).toMatch(/^hubspot-user:/);

    await harness.hubspot.control.dropWebhookDeliveries(HUBSPOT_APP_ID, 1);
    await person.archive('contacts', contact.id);
    await harness.hubspot.control.waitForWebhooksIdle();
    const log = (await harness.hubspot.control.deliveries({ appId: HUBSPOT_APP_ID })).results;
    expect(log.at(-1)).toMatchObject({ outcome: 'failed', next: 'dropped' });
    // The polls cannot see it either: HubSpot's search does not return archived records.
    await harness.pollAll();
    await drained();
    expect((await links.findById(harness.testDb.db, installationId, link.id))?.state).toBe('active');

    const found = await reconcileFromSettingsPage();
    expect(found).toMatchObject({
      state: 'completed',
      counts: { ...emptyCounts(), hubspot_deleted: 1 },
    });
    expect(found.calls.hubspot).toBeGreaterThan(0);
    expect(found.calls.salesforce).toBeGreaterThan(0);
    const after = await links.findById(harness.testDb.db, installationId, link.id);
    expect(after).toMatchObject({ state: 'tombstoned', tombstonedSide: 'hubspot' });
    // Deletes are never propagated: the Salesforce record is still there, and HubSpot's still archived.
    const salesforceRecord = await harness.salesforce.control.getRecord(link.salesforceId);
    expect(salesforceRecord.IsDeleted).toBe(false);
    expect((await harness.hubspot.control.record(portalId, 'contacts', contact.id)).archived).toBe(true);

    // Found once: the next run finds nothing more.
    const again = await reconcileFromSettingsPage();
    expect(again.counts).toEqual(emptyCounts());

    const listed = await as('GET', '/api/sync/reconcile/reports');
    expect(listed.status).toBe(200);
    const listedReports = listed.body.reports as Array<{ id: string; counts: Json }>;
    expect(listedReports.slice(0, 3).map((report) => report.id)).toEqual([again.id, found.id, clean.id]);
    expect(listedReports[1]?.counts).toMatchObject({ hubspot_deleted: 1 });
  });

  it('finds a Salesforce edit the poll missed because its cursor moved past it, and syncs it to HubSpot', async () => {
    const { contact, link } = await syncedPair('cursor@example.com', 'Cursor');
    await harness.salesforce.control.updateRecord(link.salesforceId, { Title: 'Chief Archivist' });
    // The cursor is lost past the edit (restored from a later copy): the poll reads nothing before it.
    const name = salesforceCursorName(link.salesforceObjectType, 'changes');
    const updated = await harness.testDb
      .db('cursors')
      .where({ installation_id: installationId, name })
      .update({ value: JSON.stringify({ v: 1, newestMs: harness.clock.now() + 3_600_000, recent: [] }) });
    expect(updated).toBe(1);
    await harness.pollAll();
    await drained();
    const before = await harness.hubspot.control.record(portalId, 'contacts', contact.id);
    expect(before.properties.jobtitle ?? null).toBeNull();

    const found = await reconcileFromSettingsPage();
    expect(found).toMatchObject({
      state: 'completed',
      counts: { ...emptyCounts(), salesforce_changed: 1 },
    });
    const synced = await harness.hubspot.control.record(portalId, 'contacts', contact.id);
    expect(synced.properties.jobtitle).toBe('Chief Archivist');
    expect((await links.findById(harness.testDb.db, installationId, link.id))?.state).toBe('active');
    const shadow = await harness.testDb
      .db('shadows')
      .where({ installation_id: installationId, link_id: link.id, field_key: 'jobtitle' })
      .first();
    expect(JSON.parse((shadow as { value: string }).value)).toBe('Chief Archivist');

    const again = await reconcileFromSettingsPage();
    expect(again.counts).toEqual(emptyCounts());
  });

  it('queues an unlinked pair with the same email for the sync to link', async () => {
    // Both made while change detection saw neither: HubSpot's webhook dropped, the polls' cursors past them.
    await harness.hubspot.control.dropWebhookDeliveries(HUBSPOT_APP_ID, 1);
    const contact = await harness.hubspot.control
      .asUser(portalId)
      .create('contacts', { email: 'twins@example.com', firstname: 'Grace', lastname: 'Twin' });
    await harness.hubspot.control.waitForWebhooksIdle();
    const [salesforceId] = await harness.salesforce.control.createRecords('Contact', [
      { FirstName: 'Grace', LastName: 'Twin', Email: 'twins@example.com' },
    ]);
    expect(
      await links.findActiveByHubspot(harness.testDb.db, installationId, 'contacts', contact.id),
    ).toBeNull();

    const found = await reconcileFromSettingsPage();
    expect(found.counts).toEqual({ ...emptyCounts(), unlinked_match: 1 });
    const link = await links.findActiveByHubspot(harness.testDb.db, installationId, 'contacts', contact.id);
    expect(link?.salesforceId).toBe(salesforceId);
  });

  it('finds nothing for an owner with no HubSpot counterpart, and still finds an owner a person sets in HubSpot', async () => {
    const sf = harness.salesforce.control;
    const users = await sf.listUsers();
    const closerId = users.find((user) => user.email === CLOSER)?.id as string;
    const contact = await sf.createRecord(
      'Contact',
      { FirstName: 'Olive', LastName: 'Owned', Email: 'owned@example.com', OwnerId: closerId },
      { asUser: 'rep@sandbox.example' },
    );
    // Marked as a poll would (a poll would move the clock, and with it when the metadata is read again).
    await dirty.mark(
      harness.testDb.db,
      {
        installationId,
        record: { side: 'salesforce', objectType: 'Contact', recordId: contact.id },
        source: 'poll',
      },
      harness.clock.now(),
    );
    await drained();
    await harness.hubspot.control.waitForWebhooksIdle();
    await drained();
    const link = await links.findActiveBySalesforce(harness.testDb.db, installationId, contact.id);
    if (!link) throw new Error('the Contact was not linked');
    // The closer has no HubSpot owner: the contact's owner there is left as it is (none), and the shadow
    // keeps the closer.
    const synced = await harness.hubspot.control.record(portalId, 'contacts', link.hubspotId);
    expect(synced.properties.hubspot_owner_id ?? '').toBe('');
    const shadow = await harness.testDb
      .db('shadows')
      .where({ installation_id: installationId, link_id: link.id, field_key: 'owner' })
      .first();
    expect(JSON.parse((shadow as { value: string }).value)).toBe(CLOSER);

    // Nothing drifted: the run finds nothing and queues nothing for the pair.
    await worker.stop();
    const asked = await as('POST', '/api/sync/reconcile', {});
    expect(asked.status).toBe(202);
    const [clean] = await reconcileDue(harness.bridge.context.reconcile, { holder: 'test:reconcile' });
    const queued = (await harness.dirtyRows(installationId)).filter(
      (row) =>
        row.record.recordId === link.hubspotId || row.record.recordId.startsWith(contact.id.slice(0, 15)),
    );
    worker = harness.startWorker();
    await drained();
    expect(clean?.counts).toEqual(emptyCounts());
    expect(queued).toEqual([]);

    // A person who gives the contact an owner in HubSpot, with the webhook lost: that is a change, found
    // and synced to the Contact.
    await harness.hubspot.control.dropWebhookDeliveries(HUBSPOT_APP_ID, 1);
    await harness.hubspot.control
      .asUser(portalId)
      .update('contacts', link.hubspotId, { hubspot_owner_id: repOwnerId });
    await harness.hubspot.control.waitForWebhooksIdle();
    const found = await reconcileFromSettingsPage();
    expect(found.counts).toEqual({ ...emptyCounts(), hubspot_changed: 1 });
    const repId = users.find((user) => user.email === 'rep@sandbox.example')?.id;
    expect((await sf.getRecord(contact.id)).OwnerId).toBe(repId);
  });

  // Last: it turns companies and deals on for the installation.
  it('finds association changes no event announced, reading them in batches, and syncs them', async () => {
    const current = await settingsTable.current(harness.testDb.db, installationId, (raw) => raw);
    const document = structuredClone(defaultSettingsInput);
    for (const object of [document.objects.companies, document.objects.deals]) {
      if (object) object.enabled = true;
    }
    const saved = await settingsTable.save(
      harness.testDb.db,
      installationId,
      {
        document: document as unknown as Record<string, never>,
        createdBy: ADMIN,
        baseVersion: current?.version ?? 0,
      },
      harness.clock.now(),
    );
    if (!saved.ok) throw new Error('settings were not saved');
    const sf = harness.salesforce.control;
    const REP = 'rep@sandbox.example';
    const account = await sf.createRecord(
      'Account',
      { Name: 'Roles Inc', Website: 'https://roles-inc.example.com' },
      { asUser: REP },
    );
    const buyer = await sf.createRecord(
      'Contact',
      { FirstName: 'Bea', LastName: 'Buyer', Email: 'bea@roles-inc.example.com', AccountId: account.id },
      { asUser: REP },
    );
    const opportunity = await sf.createRecord(
      'Opportunity',
      { Name: 'Roles deal', StageName: 'Prospecting', CloseDate: '2027-01-01', AccountId: account.id },
      { asUser: REP },
    );
    const role = await sf.createRecord(
      'OpportunityContactRole',
      { OpportunityId: opportunity.id, ContactId: buyer.id },
      { asUser: REP },
    );
    for (let round = 0; round < 3; round += 1) {
      await harness.pollAll();
      await drained();
    }
    const hubspotIdOf = async (salesforceId: string) =>
      (await links.findActiveBySalesforce(harness.testDb.db, installationId, salesforceId))?.hubspotId;
    const dealId = (await hubspotIdOf(opportunity.id))!;
    const contactId = (await hubspotIdOf(buyer.id))!;
    const dealContacts = async () =>
      ((await harness.hubspot.control.record(portalId, 'deals', dealId)).associations.contacts ?? []).map(
        (entry) => entry.id,
      );
    expect(await dealContacts()).toEqual([contactId]);

    // Associations that synced compare equal: nothing to find.
    const clean = await reconcileFromSettingsPage();
    expect(clean.counts).toEqual(emptyCounts());

    // A role deleted on its own that the bridge never read (added before it looked: nothing remembers its
    // Opportunity) leaves no trace a poll can follow.
    await harness.testDb.db('contact_roles_seen').where({ installation_id: installationId }).delete();
    await sf.deleteRecord(role.id, { asUser: REP });
    // Three runs, over three minutes: the deleted roles are asked for, and this one is not among those seen.
    for (let round = 0; round < 3; round += 1) {
      await harness.pollAll();
      await drained();
    }
    expect(await dealContacts()).toEqual([contactId]);

    const found = await reconcileFromSettingsPage();
    expect(found.counts).toEqual({ ...emptyCounts(), salesforce_changed: 1 });
    expect(await dealContacts()).toEqual([]);
    // Batched reads, never one per record: per object a list of live and one of archived records (HubSpot)
    // or a query of live and one of deleted records (Salesforce), plus one association read per page and
    // association (contacts: primary company; deals: primary company and contacts) and one contact-role query.
    expect(found.calls).toEqual({ hubspot: 3 * 2 + 1 + 2, salesforce: 4 * 2 + 1 });

    // A HubSpot association made while its webhook was lost, past the polls' cursors, is found too.
    await harness.hubspot.control.dropWebhookDeliveries(HUBSPOT_APP_ID, 1);
    await harness.hubspot.control.asUser(portalId).associate('deals', dealId, 'contacts', contactId);
    await harness.hubspot.control.waitForWebhooksIdle();
    const again = await reconcileFromSettingsPage();
    expect(again.counts).toEqual({ ...emptyCounts(), hubspot_changed: 1 });
    const salesforce = await harness.salesforceOf(installationId);
    const roles = await salesforce.query<{ ContactId: string }>(
      `SELECT ContactId FROM OpportunityContactRole WHERE OpportunityId = '${opportunity.id}'`,
    );
    expect(roles.records.map((row) => row.ContactId)).toEqual([buyer.id]);
  });
});
