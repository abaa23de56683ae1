/**
 * What the record card reads, end to end through HubSpot's signing proxy, while the sync worker runs: a
 * record's summary through its life (not linked, waiting for a person, in sync, syncing, conflict, error,
 * paused, deleted in Salesforce, not connected), its Salesforce page, its last writes, its failures and
 * conflicts in words, the candidates of a pending match, and its history, page by page.
 */
import * as failures from '../../../src/db/failures';
import type * as installations from '../../../src/db/installations';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;
interface Summary {
  state: string;
  title: string;
  message: string;
}
interface HistoryEntry {
  id: string;
  at: number;
  kind: string;
  title: string;
  detail: string;
  actor: { kind: string; name: string; userId: string | null; email: string | null };
}

const portalId = 4301;
const REP = `rep@portal${portalId}.example.com`;

describe.each(testDialects)('the record card on %s', (dialect) => {
  let harness: ChangeHarness;
  let installation: installations.Installation;
  let worker: SyncWorker;
  let contactId: string;
  let twins: string[];
  let path: string;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installation = await harness.install(portalId);
    for (const email of ['admin@default.example', 'rep@sandbox.example']) {
      await harness.hubspot.control.addOwner(portalId, { email });
    }
    worker = harness.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  async function as(user: string | undefined, method: 'GET' | 'POST' | 'PUT', target: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${target}`,
      method,
      portalId,
      ...(user ? { user } : {}),
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }
  const status = async () => (await as(REP, 'GET', path)).body;
  const summaryOf = async () => (await status()).summary as Summary;
  async function settle() {
    await harness.pollAll();
    await harness.drained(installation.id);
  }
  const instanceUrl = () => installation.salesforce.instanceUrl as string;

  it('shows a record the bridge has never seen as not linked', async () => {
    const answer = await as(REP, 'GET', '/api/sync/records/hubspot/contacts/987654');
    expect(answer.body).toMatchObject({
      summary: { state: 'not_linked', title: 'Not linked' },
      salesforce: null,
      lastSync: { toHubspotAt: null, toSalesforceAt: null, at: null },
      failures: [],
      conflicts: [],
      pendingMatch: null,
    });
  });

  it('waits for a person when two Salesforce records match, and shows what tells the candidates apart', async () => {
    twins = await harness.salesforce.control.createRecords('Contact', [
      { FirstName: 'Tess', LastName: 'Twin', Email: 'twin@acme.com', Phone: '+14155552671' },
      { FirstName: 'Tessa', LastName: 'Twin', Email: 'twin@acme.com' },
    ]);
    const person = harness.hubspot.control.asUser(portalId, REP);
    contactId = (
      await person.create('contacts', {
        email: 'twin@acme.com',
        firstname: 'Tess',
        lastname: 'Twin',
        jobtitle: 'Founder',
      })
    ).id;
    path = `/api/sync/records/hubspot/contacts/${contactId}`;
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installation.id);

    const card = await status();
    expect(card.summary).toMatchObject({ state: 'waiting_for_person', title: 'Waiting for a person' });
    const match = card.pendingMatch as { id: string; candidates: Json[] };
    const byId = Object.fromEntries(
      match.candidates.map((candidate) => [(candidate.record as Json).recordId, candidate]),
    );
    expect(byId[twins[0]!]).toMatchObject({
      objectType: 'Contact',
      name: 'Tess Twin',
      email: 'twin@acme.com',
      company: null,
      lastModifiedAt: expect.any(Number),
      salesforceUrl: `${instanceUrl()}/lightning/r/Contact/${twins[0]}/view`,
    });
    expect(byId[twins[1]!]).toMatchObject({ name: 'Tessa Twin' });

    const picked = await as(REP, 'POST', `/api/sync/pending-matches/${match.id}/resolve`, {
      choice: { kind: 'link', record: { side: 'salesforce', objectType: 'Contact', recordId: twins[0] } },
    });
    expect(picked.status).toBe(200);
    await harness.drained(installation.id);
    // The twin not picked would match a contact that is linked now: out of this test's way.
    await harness.salesforce.control.deleteRecord(twins[1]!);
  });

  it('shows the linked record in sync, with its Salesforce page and the last write each way', async () => {
    const card = await status();
    expect(card.summary).toEqual({
      state: 'in_sync',
      title: 'In sync',
      message: expect.stringContaining('Salesforce Contact'),
    });
    expect(card.salesforce).toEqual({
      instanceUrl: instanceUrl(),
      recordUrl: `${instanceUrl()}/lightning/r/Contact/${twins[0]}/view`,
    });
    const lastSync = card.lastSync as { toHubspotAt: number; toSalesforceAt: number; at: number };
    // The job title went to Salesforce, the phone came to HubSpot.
    expect(lastSync.toSalesforceAt).toEqual(expect.any(Number));
    expect(lastSync.toHubspotAt).toEqual(expect.any(Number));
    expect(lastSync.at).toBeGreaterThanOrEqual(Math.max(lastSync.toHubspotAt, lastSync.toSalesforceAt));
  });

  it('shows "Syncing" while the record waits in the queue', async () => {
    await worker.stop();
    expect((await as(REP, 'POST', `${path}/sync-now`, {})).status).toBe(202);
    expect(await summaryOf()).toMatchObject({ state: 'syncing', title: 'Syncing' });
    worker = harness.startWorker();
    await harness.drained(installation.id);
    expect((await summaryOf()).state).toBe('in_sync');
  });

  it('shows an open conflict with its field label, both values and the last synced one as text', async () => {
    const document = structuredClone(defaultSettingsInput) as unknown as {
      objects: { contacts: { fields: Array<{ key: string; rule: string }> } };
    };
    document.objects.contacts.fields.find((field) => field.key === 'jobtitle')!.rule = 'review';
    const current = await as(undefined, 'GET', '/api/settings');
    const saved = await as(undefined, 'PUT', '/api/settings', {
      document: document as unknown as Json,
      baseVersion: current.body.version as number,
    });
    expect(saved.status).toBe(200);
    await harness.hubspot.control
      .asUser(portalId, REP)
      .update('contacts', contactId, { jobtitle: 'Chief Twin' });
    await harness.salesforce.control.updateRecord(twins[0]!, { Title: 'Head Twin' });
    await settle();

    const card = await status();
    expect(card.summary).toMatchObject({ state: 'conflict', title: 'Conflict' });
    expect(card.conflicts).toEqual([
      expect.objectContaining({
        fieldKey: 'jobtitle',
        fieldLabel: 'Job title',
        hubspotDisplay: 'Chief Twin',
        salesforceDisplay: 'Head Twin',
        lastSyncedDisplay: 'Founder',
      }),
    ]);
    const [conflict] = card.conflicts as Array<{ id: string }>;
    expect(
      (await as(REP, 'POST', `/api/sync/conflicts/${conflict!.id}/resolve`, { keep: 'salesforce' })).status,
    ).toBe(200);
    await harness.drained(installation.id);
    expect((await summaryOf()).state).toBe('in_sync');
  });

  it('shows a failure with what it is and what to do, and retrying it', async () => {
    await failures.record(
      harness.testDb.db,
      {
        installationId: installation.id,
        record: { side: 'hubspot', objectType: 'contacts', recordId: contactId },
        kind: 'quarantine',
        category: 'required_field_missing',
        code: 'REQUIRED_FIELD_MISSING',
        message:
          'Salesforce requires LastName to create a Contact, and the value is blank. Fill it in HubSpot, then press Retry.',
        details: { side: 'salesforce', fieldKey: 'lastname' },
        attempts: 1,
      },
      harness.clock.now(),
    );
    const card = await status();
    expect(card.summary).toMatchObject({ state: 'error', title: 'Error' });
    expect(card.failures).toEqual([
      expect.objectContaining({
        category: 'required_field_missing',
        title: 'A required field is blank',
        message: expect.stringContaining('requires LastName'),
        whatToDo: 'Fill in the missing field in HubSpot, then press Retry.',
      }),
    ]);
    const [failure] = card.failures as Array<{ id: string }>;
    expect((await as(REP, 'POST', '/api/sync/failures/retry', { failureId: failure!.id })).status).toBe(200);
    await harness.drained(installation.id);
    expect((await summaryOf()).state).toBe('in_sync');
  });

  it('shows the sync paused while an admin has paused it', async () => {
    expect((await as(undefined, 'PUT', '/api/sync/pause', { paused: true })).status).toBe(200);
    expect(await summaryOf()).toMatchObject({ state: 'paused', title: 'Paused' });
    expect((await as(undefined, 'PUT', '/api/sync/pause', { paused: false })).status).toBe(200);
    expect((await summaryOf()).state).toBe('in_sync');
  });

  it('tells the history newest first, naming who did what, a page at a time', async () => {
    const first = await as(REP, 'GET', `${path}/history?limit=4`);
    expect(first.status).toBe(200);
    const page = first.body as { entries: HistoryEntry[]; nextBefore: string | null };
    expect(page.entries).toHaveLength(4);
    expect(page.nextBefore).toEqual(expect.any(String));

    const all: HistoryEntry[] = [...page.entries];
    let before = page.nextBefore;
    while (before) {
      const next = await as(REP, 'GET', `${path}/history?limit=4&before=${encodeURIComponent(before)}`);
      const body = next.body as { entries: HistoryEntry[]; nextBefore: string | null };
      all.push(...body.entries);
      before = body.nextBefore;
    }
    expect(new Set(all.map((entry) => entry.id)).size).toBe(all.length);
    const ats = all.map((entry) => entry.at);
    expect([...ats].sort((a, b) => b - a)).toEqual(ats);

    const whole = (await as(REP, 'GET', `${path}/history?limit=100`)).body as {
      entries: HistoryEntry[];
      nextBefore: null;
    };
    expect(whole.nextBefore).toBeNull();
    expect(whole.entries.map((entry) => entry.id)).toEqual(all.map((entry) => entry.id));

    const kinds = all.map((entry) => entry.kind);
    for (const kind of [
      'match_pending',
      'match_answered',
      'linked',
      'fields_written',
      'sync_now',
      'conflict_opened',
      'conflict_value_chosen',
      'conflict_resolved',
      'retry',
    ]) {
      expect(kinds).toContain(kind);
    }
    const { users } = await harness.hubspot.control.portal(portalId);
    const rep = { kind: 'hubspot_user', name: REP, userId: String(users[1]!.userId), email: REP };
    for (const kind of ['match_answered', 'sync_now', 'conflict_value_chosen', 'retry', 'linked']) {
      expect(all.find((entry) => entry.kind === kind)?.actor).toEqual(rep);
    }
    expect(all.find((entry) => entry.kind === 'conflict_opened')?.actor.kind).toBe('bridge');
    expect(all.find((entry) => entry.kind === 'conflict_value_chosen')?.title).toBe(
      "Job title: Salesforce's value kept",
    );
    expect(
      all.some((entry) => entry.kind === 'fields_written' && entry.title === 'Synced 1 field to Salesforce'),
    ).toBe(true);

    expect((await as(REP, 'GET', `${path}/history?before=yesterday`)).status).toBe(400);
    expect((await as(REP, 'GET', `${path}/history?limit=0`)).status).toBe(400);
    // Another portal sees nothing of this record's history.
    await harness.hubspot.control.createPortal(4399);
    expect(
      (
        await harness.hubspot.control.hubspotFetch({
          url: `${harness.bridge.baseUrl}${path}/history`,
          portalId: 4399,
        })
      ).status,
    ).toBe(404);
  });

  it('shows the record deleted in Salesforce once its Salesforce record is deleted', async () => {
    await harness.salesforce.control.deleteRecord(twins[0]!);
    await settle();
    const card = await status();
    expect(card.summary).toMatchObject({
      state: 'deleted_in_salesforce',
      title: 'Deleted in Salesforce',
      message: expect.stringContaining('within 30 days'),
    });
    expect((card.link as Json).state).toBe('tombstoned');
    const history = (await as(REP, 'GET', `${path}/history?limit=1`)).body as { entries: HistoryEntry[] };
    expect(history.entries[0]).toMatchObject({ kind: 'deleted', title: 'Record deleted' });
  });

  it('shows "Not connected" once Salesforce is disconnected', async () => {
    expect((await as(undefined, 'POST', '/api/settings/salesforce/disconnect', {})).status).toBe(200);
    expect(await summaryOf()).toMatchObject({ state: 'not_connected', title: 'Not connected' });
  });
});
