/**
 * The mass-delete brake end to end: an installation made through the real install flow, contacts linked by
 * the running worker, a bulk archive in HubSpot delivered as webhooks. Past the threshold the deletes are
 * held (nothing marked in Salesforce, links left active), other syncing goes on, the alert opens, and the
 * settings page's signed endpoints list the held deletes and release or discard them.
 */
import { runAlertCycle } from '../../../src/app/alertsJob';
import * as dirty from '../../../src/db/dirty';
import * as links from '../../../src/db/links';
import { toDirtyPayload } from '../../../src/queue/payload';
import { notifyDirty } from '../../../src/queue/wake';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;

/** 12 deletes are past the brake's floor (10 an hour) for an installation with few links. */
const BULK = 12;

describe.each(testDialects)('the mass-delete brake on %s', (dialect) => {
  let harness: ChangeHarness;
  let worker: SyncWorker;
  let nextPortal = 6101;
  /** Each installation's Salesforce org. */
  const installationOrgs = new Map<string, string>();

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    worker = harness.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  async function fromSettingsPage(portalId: number, method: 'GET' | 'POST', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** A fresh portal with BULK + 1 contacts, each linked to the Lead the worker made for it. */
  async function installedWithLinks() {
    const portalId = nextPortal++;
    // An org of its own: HubSpot ids start over in each portal, and the Leads carry them.
    const org = `brake${portalId}`;
    const salesforceUser = `admin@${org}.example`;
    await harness.salesforce.control.createOrg({ name: org, adminUsername: salesforceUser });
    const installationId = (await harness.install(portalId, { salesforceUser })).id;
    installationOrgs.set(installationId, org);
    const person = harness.hubspot.control.asUser(portalId);
    const contacts: string[] = [];
    for (let index = 0; index <= BULK; index += 1) {
      const contact = await person.create('contacts', {
        email: `bulk${index}@p${portalId}.example`,
        lastname: `Bulk ${index}`,
        company: 'Acme',
      });
      contacts.push(contact.id);
    }
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
    const linked = [];
    for (const id of contacts) {
      const link = await links.findActiveByHubspot(harness.testDb.db, installationId, 'contacts', id);
      if (!link) throw new Error(`contact ${id} was not linked`);
      linked.push(link);
    }
    return { portalId, installationId, person, linked };
  }

  async function bulkArchive(portalId: number, installationId: string, toArchive: links.Link[]) {
    const person = harness.hubspot.control.asUser(portalId);
    for (const link of toArchive) await person.archive('contacts', link.hubspotId);
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
  }

  const leadOf = (link: links.Link) =>
    harness.salesforce.control.getRecord(link.salesforceId, { org: orgOfLink(link) });
  const orgOfLink = (link: links.Link) => {
    const org = installationOrgs.get(link.installationId);
    if (!org) throw new Error('no org for this installation');
    return org;
  };
  const stateOf = async (installationId: string, link: links.Link) =>
    (await links.findById(harness.testDb.db, installationId, link.id))?.state;

  it('holds a bulk delete, keeps syncing the rest, alerts, and handles the deletes once an admin releases them', async () => {
    const { portalId, installationId, person, linked } = await installedWithLinks();
    const [survivor, ...deleted] = linked;
    await bulkArchive(portalId, installationId, deleted);

    // The deletes arrive as webhooks, batch by batch: those within the threshold (10 an hour) are handled,
    // every one past it is held, nothing marked.
    const held = await fromSettingsPage(portalId, 'GET', '/api/sync/deletes/held');
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ on: true, thresholdPerHour: 10 });
    const heldIds = new Set((held.body.held as Json[]).map((hold) => (hold.hubspot as Json).id as string));
    const heldLinks = deleted.filter((link) => heldIds.has(link.hubspotId));
    expect(heldIds.size).toBe(heldLinks.length);
    expect(heldLinks.length).toBeGreaterThanOrEqual(BULK - 10);
    for (const link of deleted) {
      const isHeld = heldIds.has(link.hubspotId);
      expect(await stateOf(installationId, link)).toBe(isHeld ? 'active' : 'tombstoned');
      expect(await leadOf(link)).toMatchObject({ IsDeleted: false, HubSpot_Deleted__c: !isHeld });
    }

    // Other changes keep syncing.
    await person.update('contacts', survivor!.hubspotId, { jobtitle: 'Still syncing' });
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
    expect((await leadOf(survivor!)).Title).toBe('Still syncing');

    // (The harness's portal has no HubSpot user for the Salesforce owner, so the failure-rate alert may open
    // too; the brake's alert is the one this test is about.)
    const alerts = await runAlertCycle(harness.bridge.context.alerts);
    const brakeAlert = alerts.evaluation.opened.find(
      (alert) => alert.installationId === installationId && alert.kind === 'mass_delete_brake',
    );
    expect(brakeAlert).toMatchObject({ severity: 'critical', details: { held: heldLinks.length } });

    const released = await fromSettingsPage(portalId, 'POST', '/api/sync/deletes/held/release', {});
    expect(released).toMatchObject({ status: 200, body: { decision: 'release', decided: heldLinks.length } });
    await harness.drained(installationId);
    for (const link of deleted) {
      expect(await stateOf(installationId, link)).toBe('tombstoned');
      expect(await leadOf(link)).toMatchObject({ IsDeleted: false, HubSpot_Deleted__c: true });
    }
    expect(await stateOf(installationId, survivor!)).toBe('active');
    expect((await fromSettingsPage(portalId, 'GET', '/api/sync/deletes/held')).body).toMatchObject({
      on: false,
      held: [],
    });
    const audit = await harness.testDb
      .db('audit_entries')
      .where({ installation_id: installationId, action: 'deletes_released' });
    expect(audit).toHaveLength(heldLinks.length);
    const resolved = await runAlertCycle(harness.bridge.context.alerts);
    expect(resolved.evaluation.resolved.map((alert) => alert.kind)).toContain('mass_delete_brake');
  });

  it('drops the held deletes an admin discards: nothing marked, and a restored contact syncs on as before', async () => {
    const { portalId, installationId, person, linked } = await installedWithLinks();
    const deleted = linked.slice(1);
    await bulkArchive(portalId, installationId, deleted);

    const held = await fromSettingsPage(portalId, 'GET', '/api/sync/deletes/held');
    const heldIds = new Set((held.body.held as Json[]).map((hold) => (hold.hubspot as Json).id as string));
    const heldLinks = deleted.filter((link) => heldIds.has(link.hubspotId));
    expect(heldLinks.length).toBeGreaterThanOrEqual(BULK - 10);

    const discarded = await fromSettingsPage(portalId, 'POST', '/api/sync/deletes/held/discard', {});
    expect(discarded).toMatchObject({
      status: 200,
      body: { decision: 'discard', decided: heldLinks.length },
    });
    // A discarded delete delivered again is neither held again nor marked.
    for (const link of heldLinks.slice(0, 2)) {
      await dirty.mark(
        harness.testDb.db,
        {
          installationId,
          record: { side: 'hubspot', objectType: 'contacts', recordId: link.hubspotId },
          source: 'webhook',
          payload: toDirtyPayload({ hint: 'deleted' }),
        },
        harness.bridge.context.now(),
      );
    }
    notifyDirty();
    await harness.drained(installationId);
    for (const link of heldLinks) {
      expect(await stateOf(installationId, link)).toBe('active');
      expect(await leadOf(link)).toMatchObject({ IsDeleted: false, HubSpot_Deleted__c: false });
    }
    expect((await fromSettingsPage(portalId, 'GET', '/api/sync/deletes/held')).body).toMatchObject({
      on: false,
      held: [],
    });

    // The admin restores one contact in HubSpot; its edits sync to its Lead again.
    const restored = heldLinks[0]!;
    await person.restore('contacts', restored.hubspotId);
    await person.update('contacts', restored.hubspotId, { jobtitle: 'Back again' });
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
    expect(await leadOf(restored)).toMatchObject({ Title: 'Back again', HubSpot_Deleted__c: false });
    expect(await stateOf(installationId, restored)).toBe('active');
  });

  it('refuses a release from a user who may not change the settings', async () => {
    const portalId = nextPortal++;
    await harness.install(portalId);
    await harness.hubspot.control.addUser(portalId, { email: 'rep@p.example', superAdmin: false });
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/sync/deletes/held/release`,
      method: 'POST',
      portalId,
      user: 'rep@p.example',
      body: {},
    });
    expect(response.status).toBe(403);
  });
});
