/**
 * Every write the sync makes names the person whose change it carried: a HubSpot user's edit in HubSpot's UI
 * (the webhook's `sourceId: userId:<id>`) written to Salesforce, and a Salesforce user's edit
 * (`LastModifiedById`) written to HubSpot. The settings page reads them back as the portal's recent changes,
 * filtered by object, field and actor, a page at a time.
 */
import * as links from '../../../src/db/links';
import * as settingsTable from '../../../src/db/settings';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;
interface Entry {
  id: number;
  action: string;
  fieldKey: string | null;
  fieldLabel: string | null;
  direction: string;
  after?: unknown;
  actor: { kind: string; name: string; userId: string | null; email: string | null };
}

describe.each(testDialects)('audit lines name the real actor, on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  let worker: SyncWorker;
  const portalId = 4331;
  const ADMIN = `admin@portal${portalId}.example.com`;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    worker = harness.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  async function settle() {
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
    await harness.pollAll();
    await harness.drained(installationId);
  }

  async function feed(query: string): Promise<{ status: number; body: Json }> {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/sync/audit${query}`,
      method: 'GET',
      portalId,
      user: ADMIN,
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  it('names the HubSpot user and the Salesforce user behind each write, and serves them filtered and paged', async () => {
    const { users } = await harness.hubspot.control.portal(portalId);
    const rep = users[1]!;
    const person = harness.hubspot.control.asUser(portalId, rep.userId);
    const contact = await person.create('contacts', {
      email: 'ida.actor@example.com',
      firstname: 'Ida',
      lastname: 'Actor',
    });
    await settle();
    const link = await links.findActiveByHubspot(harness.testDb.db, installationId, 'contacts', contact.id);
    if (!link) throw new Error('the contact was not synced');

    await person.update('contacts', contact.id, { jobtitle: 'Editor' });
    await settle();
    const salesforceRep = (await harness.salesforce.control.listUsers()).find(
      (user) => user.username === 'rep@sandbox.example',
    )!;
    await harness.salesforce.control.updateRecord(
      link.salesforceId,
      { Title: 'Managing Editor' },
      { asUser: salesforceRep.username },
    );
    await settle();
    expect((await harness.hubspot.control.record(portalId, 'contacts', contact.id)).properties.jobtitle).toBe(
      'Managing Editor',
    );

    const stored = await harness.testDb
      .db('audit_entries')
      .where({
        installation_id: installationId,
        link_id: link.id,
        field_key: 'jobtitle',
        action: 'field_written',
      })
      .orderBy('id');
    expect(
      stored.map((row: Json) => [
        row.direction,
        row.after_value,
        row.actor,
        row.actor_user_id,
        row.actor_email,
      ]),
    ).toEqual([
      ['to_salesforce', JSON.stringify('Editor'), `hubspot-user:${rep.userId}`, String(rep.userId), null],
      [
        'to_hubspot',
        JSON.stringify('Managing Editor'),
        `salesforce-user:${salesforceRep.id}`,
        salesforceRep.id,
        salesforceRep.email.toLowerCase(),
      ],
    ]);
    // The create carried the rep's new contact to Salesforce: its fields name them too.
    const created = await harness.testDb
      .db('audit_entries')
      .where({ installation_id: installationId, field_key: 'email', direction: 'to_salesforce' })
      .first();
    expect(created).toMatchObject({ actor: `hubspot-user:${rep.userId}` });

    // The settings page: the field's changes, newest first, with who made them.
    const titles = await feed('?fieldKey=jobtitle&objectType=contacts');
    expect(titles.status).toBe(200);
    const written = (titles.body.entries as Entry[]).filter((entry) => entry.action === 'field_written');
    expect(
      written.map((entry) => [entry.direction, entry.after, entry.actor.kind, entry.actor.name]),
    ).toEqual([
      ['to_hubspot', 'Managing Editor', 'salesforce_user', salesforceRep.email.toLowerCase()],
      ['to_salesforce', 'Editor', 'hubspot_user', `HubSpot user ${rep.userId}`],
    ]);
    expect(written[0]?.fieldLabel).toBe('Job title');

    const bySalesforceRep = await feed(`?actor=${encodeURIComponent(salesforceRep.email)}`);
    const lines = bySalesforceRep.body.entries as Entry[];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((entry) => entry.actor.userId === salesforceRep.id)).toBe(true);
    expect(lines.map((entry) => entry.fieldKey)).toContain('jobtitle');

    // A page at a time: the second page starts below the first.
    const first = await feed(`?actor=hubspot-user:${rep.userId}&limit=1`);
    const [newest] = first.body.entries as Entry[];
    expect(first.body.nextBefore).toBe(newest!.id);
    const second = await feed(`?actor=hubspot-user:${rep.userId}&limit=1&before=${String(newest!.id)}`);
    expect((second.body.entries as Entry[])[0]!.id).toBeLessThan(newest!.id);

    expect((await feed('?limit=0')).status).toBe(400);
    expect((await feed('?objectType=contacts;drop')).status).toBe(400);
  });

  it('names the person who chose a conflict’s value on the write that carries it out', async () => {
    // Job title waits for a person when both systems change it.
    const contacts = defaultSettingsInput.objects.contacts;
    const document = {
      ...defaultSettingsInput,
      objects: {
        ...defaultSettingsInput.objects,
        contacts: {
          ...contacts,
          fields: contacts.fields.map((field) =>
            field.key === 'jobtitle' ? { ...field, rule: 'review' } : field,
          ),
        },
      },
    };
    const saved = await settingsTable.save(
      harness.testDb.db,
      installationId,
      {
        document: document as unknown as Record<string, never>,
        createdBy: 'test',
        baseVersion: (await settingsTable.history(harness.testDb.db, installationId))[0]?.version ?? 0,
      },
      harness.clock.now(),
    );
    expect(saved.ok).toBe(true);
    const person = harness.hubspot.control.asUser(portalId);
    const contact = await person.create('contacts', {
      email: 'cy.conflict@example.com',
      lastname: 'Conflict',
    });
    await settle();
    const link = await links.findActiveByHubspot(harness.testDb.db, installationId, 'contacts', contact.id);
    if (!link) throw new Error('the contact was not synced');
    await harness.salesforce.control.updateRecord(link.salesforceId, { Title: 'Salesforce title' });
    await person.update('contacts', contact.id, { jobtitle: 'HubSpot title' });
    await settle();
    const conflict = await harness.testDb
      .db('conflicts')
      .where({ installation_id: installationId, link_id: link.id, field_key: 'jobtitle', state: 'open' })
      .first();
    expect(conflict).toBeDefined();

    const REP = `rep@portal${portalId}.example.com`;
    const resolved = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/sync/conflicts/${(conflict as { id: string }).id}/resolve`,
      method: 'POST',
      portalId,
      user: REP,
      body: { keep: 'hubspot' },
    });
    expect(resolved.status).toBe(200);
    await settle();
    expect((await harness.salesforce.control.getRecord(link.salesforceId)).Title).toBe('HubSpot title');
    const carried = await harness.testDb
      .db('audit_entries')
      .where({ installation_id: installationId, link_id: link.id, action: 'conflict_resolved' })
      .whereNot({ direction: 'none' });
    expect(carried.map((row: Json) => [row.direction, row.actor, row.actor_email])).toEqual([
      ['to_salesforce', 'hubspot-user', REP],
    ]);
    const named = await feed(`?actor=${encodeURIComponent(REP)}&fieldKey=jobtitle`);
    expect((named.body.entries as Entry[]).map((entry) => [entry.action, entry.actor.name])).toEqual(
      expect.arrayContaining([['conflict_resolved', REP]]),
    );
  });
});
