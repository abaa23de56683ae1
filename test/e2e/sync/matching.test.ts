/**
 * Matching before creating, and the engine functions a person uses on the card: a new HubSpot contact
 * links to a Salesforce Contact with its email before a Lead; two candidates wait for a person, whose
 * answer the next sync carries out; a conflict resolved on the card is written once.
 */
import * as conflictsTable from '../../../src/db/conflicts';
import * as links from '../../../src/db/links';
import * as pendingMatches from '../../../src/db/pendingMatches';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import * as engine from '../../../src/sync/engineApi';
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
  await hubspotEmulator.control.reset();
  await hubspotEmulator.close();
  await salesforceEmulator.close();
});

/** A rep acting on the card, as HubSpot would sign the request. */
const person = { userId: '11', email: 'rep@example.com' };

describe.each(testDialects)('matching and the card (%s)', (dialect) => {
  let h: Harness;
  const engineDeps = () => ({ db: h.testDb.db, now: h.clock.now, clients: h.deps.clients });
  beforeEach(async () => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator);
  });
  afterEach(() => h.destroy());

  const contactRef = (id: string) => ({ side: 'hubspot', objectType: 'contacts', recordId: id }) as const;

  async function newContact(properties: Record<string, string>) {
    return hubspotEmulator.control.asUser(h.portalId).create('contacts', properties);
  }

  it('links a new HubSpot contact to the Salesforce Contact with its email, before a Lead', async () => {
    const sfContact = await salesforceEmulator.control.createRecord('Contact', {
      LastName: 'Ng',
      Email: 'ANA@acme.com',
      Title: 'CFO',
    });
    await salesforceEmulator.control.createRecord('Lead', {
      LastName: 'Ng',
      Company: 'Acme',
      Email: 'ana@acme.com',
    });
    const contact = await newContact({ email: 'ana@acme.com', firstname: 'Ana' });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    expect(link).toMatchObject({ salesforceId: sfContact.id, origin: 'matched' });
    // First sync of the pair: each blank side is filled from the other.
    const stored = await hubspotEmulator.control.record(h.portalId, 'contacts', contact.id);
    expect(stored.properties).toMatchObject({
      jobtitle: 'CFO',
      lastname: 'Ng',
      salesforce_record_id: sfContact.id,
    });
    expect((await salesforceEmulator.control.getRecord(sfContact.id)).FirstName).toBe('Ana');
    expect(await h.salesforce.query('SELECT Id FROM Lead').then((result) => result.totalSize)).toBe(1);
  });

  it('links to an unconverted Lead when no Contact has the email, and a new Lead to a HubSpot contact', async () => {
    const lead = await salesforceEmulator.control.createRecord('Lead', {
      LastName: 'Bo',
      Company: 'B',
      Email: 'bo@b.com',
    });
    const contact = await newContact({ email: 'bo@b.com' });
    await h.markHubspot(contact.id);
    await h.drain();
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, lead.id)).toMatchObject({
      hubspotId: contact.id,
    });

    const existing = await newContact({ email: 'cy@c.com', lastname: 'Cy' });
    const newLead = await salesforceEmulator.control.createRecord('Lead', {
      LastName: 'Cy',
      Company: 'C',
      Email: 'cy@c.com',
    });
    await h.markSalesforce('Lead', newLead.id);
    await h.drain();
    expect(await links.findActiveBySalesforce(h.testDb.db, h.installationId, newLead.id)).toMatchObject({
      hubspotId: existing.id,
      origin: 'matched',
    });
    expect((await hubspotEmulator.control.records(h.portalId, 'contacts')).results).toHaveLength(2);
  });

  it('waits for a person when two Contacts share the email, then carries out their choice', async () => {
    const first = await salesforceEmulator.control.createRecord('Contact', {
      LastName: 'One',
      Email: 'twin@t.com',
    });
    const second = await salesforceEmulator.control.createRecord('Contact', {
      LastName: 'Two',
      Email: 'twin@t.com',
    });
    const contact = await newContact({ email: 'twin@t.com' });
    await h.markHubspot(contact.id);
    await h.drain();
    expect(await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id)).toBeNull();
    const status = await engine.recordSyncStatus(engineDeps(), h.installationId, contactRef(contact.id));
    expect(status.pendingMatch?.candidates.map((candidate) => candidate.record.recordId).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    expect(status.pendingMatch?.candidates[0]?.matchedBy).toBe('email');
    const stored = await hubspotEmulator.control.record(h.portalId, 'contacts', contact.id);
    expect(stored.properties.salesforce_sync_status).toBe('pending');
    // Nothing was created while waiting.
    expect(await h.salesforce.query('SELECT Id FROM Lead').then((result) => result.totalSize)).toBe(0);

    const question = status.pendingMatch as pendingMatches.PendingMatch;
    const answered = await engine.resolvePendingMatch(
      engineDeps(),
      h.installationId,
      question.id,
      { kind: 'link', record: { side: 'salesforce', objectType: 'Contact', recordId: second.id } },
      { userId: '7', email: 'seven@example.com' },
    );
    expect(answered.ok).toBe(true);
    await h.drain();
    const after = await hubspotEmulator.control.record(h.portalId, 'contacts', contact.id);
    expect(after.properties).toMatchObject({
      salesforce_record_id: second.id,
      lastname: 'Two',
      salesforce_sync_status: 'synced',
    });
    expect(await pendingMatches.countOpen(h.testDb.db, h.installationId)).toBe(0);
  });

  it('creates a new record when a person says none of the candidates is the one', async () => {
    await salesforceEmulator.control.createRecord('Contact', { LastName: 'One', Email: 'dup@d.com' });
    await salesforceEmulator.control.createRecord('Contact', { LastName: 'Two', Email: 'dup@d.com' });
    const contact = await newContact({ email: 'dup@d.com', lastname: 'New', company: 'D' });
    await h.markHubspot(contact.id);
    await h.drain();
    const [question] = await engine.listPendingMatches(engineDeps(), h.installationId);
    await engine.resolvePendingMatch(
      engineDeps(),
      h.installationId,
      question?.id as string,
      { kind: 'create_new' },
      { userId: '8', email: null },
    );
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    expect(link).toMatchObject({ salesforceObjectType: 'Lead', origin: 'created_in_salesforce' });
  });

  it('writes a conflict resolution once, and shows the card a dry run', async () => {
    const settings = structuredClone(defaultSettingsInput);
    const title = settings.objects.contacts.fields.find((field) => field.key === 'jobtitle');
    if (title) title.rule = 'review';
    await h.saveSettings(settings);
    const contact = await newContact({ email: 'rev@r.com', lastname: 'Rev', company: 'R', jobtitle: 'Old' });
    await h.markHubspot(contact.id);
    await h.drain();
    const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contact.id);
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contact.id, { jobtitle: 'Mine' });
    await salesforceEmulator.control.updateRecord(link?.salesforceId as string, { Title: 'Theirs' });
    await h.markHubspot(contact.id);
    await h.drain();
    const [conflict] = await engine.listConflicts(engineDeps(), h.installationId);
    expect(conflict).toMatchObject({ fieldKey: 'jobtitle', hubspotValue: 'Mine', salesforceValue: 'Theirs' });

    const status = await engine.recordSyncStatus(engineDeps(), h.installationId, contactRef(contact.id), {
      dryRun: true,
    });
    expect(status.conflicts).toHaveLength(1);
    expect(status.dryRun?.fields.find((field) => field.key === 'jobtitle')?.decision.action).toBe('conflict');

    const resolved = await engine.resolveConflict(
      engineDeps(),
      h.installationId,
      conflict?.id as string,
      { keep: 'salesforce' },
      { userId: '9', email: 'nine@example.com' },
    );
    expect(resolved.ok).toBe(true);
    await h.resetCalls();
    await h.drain();
    const stored = await hubspotEmulator.control.record(h.portalId, 'contacts', contact.id);
    expect(stored.properties).toMatchObject({ jobtitle: 'Theirs', salesforce_sync_status: 'synced' });
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 1, salesforce: 0 });
    expect(await conflictsTable.countOpen(h.testDb.db, h.installationId)).toBe(0);

    // Applied once: the next sync of the pair has nothing to write.
    await h.resetCalls();
    await engine.syncNow(engineDeps(), h.installationId, contactRef(contact.id), person);
    await h.drain();
    expect(writeCalls(await h.calls())).toEqual({ hubspot: 0, salesforce: 0 });
    const health = await engine.installationHealth(engineDeps(), h.installationId);
    expect(health).toMatchObject({
      openConflicts: 0,
      pendingMatches: 0,
      activeLinks: 1,
      failuresByCategory: {},
    });
    expect(health.queue.pending).toBe(0);
    expect(health.lastSyncedAt).toEqual(expect.any(Number));
  });

  it('retries a failure on request and resolves it when the sync succeeds', async () => {
    const contact = await newContact({ email: 'late@l.com', company: 'L' });
    await h.markHubspot(contact.id);
    await h.drain();
    const [failure] = (await engine.recordSyncStatus(engineDeps(), h.installationId, contactRef(contact.id)))
      .failures;
    expect(failure).toMatchObject({ category: 'required_field_missing', state: 'open' });
    expect((await engine.installationHealth(engineDeps(), h.installationId)).failuresByCategory).toEqual({
      required_field_missing: 1,
    });
    await hubspotEmulator.control.asUser(h.portalId).update('contacts', contact.id, { lastname: 'Late' });
    const retried = await engine.retryFailure(engineDeps(), h.installationId, failure?.id as string, person);
    expect(retried).toMatchObject({ ok: true, value: { state: 'retrying' } });
    await h.drain();
    const status = await engine.recordSyncStatus(engineDeps(), h.installationId, contactRef(contact.id));
    expect(status.failures).toEqual([]);
    expect(status.link?.state).toBe('active');
    expect(
      await engine.retryFailure(engineDeps(), h.installationId, failure?.id as string, person),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_open' },
    });
  });
});
