import * as failures from '../../../src/db/failures';
import * as links from '../../../src/db/links';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;
interface Envelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

describe.each(testDialects)('the engine API behind signed requests on %s', (dialect) => {
  let harness: ChangeHarness;
  let worker: SyncWorker;
  let acmeId: string;
  let globexId: string;
  const acme = 3901;
  const globex = 3902;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    acmeId = (await harness.install(acme)).id;
    await harness.salesforce.control.createOrg({ name: 'globex', adminUsername: 'admin@globex.example' });
    globexId = (await harness.install(globex, { salesforceUser: 'admin@globex.example' })).id;
    // Owners sync by email: the Salesforce users who own records have HubSpot counterparts.
    for (const email of ['admin@default.example', 'rep@sandbox.example']) {
      await harness.hubspot.control.addOwner(acme, { email });
    }
    worker = harness.startWorker();
  });
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  async function call(portalId: number, method: 'GET' | 'POST' | 'PUT', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async function settle() {
    await harness.pollAll();
    await harness.drained(acmeId);
    await harness.drained(globexId);
  }

  let contactId: string;
  let chosenSalesforceId: string;

  it('lists a pending match to its own portal only, and links the candidate a person picks', async () => {
    const person = harness.hubspot.control.asUser(acme);
    contactId = (
      await person.create('contacts', { email: 'twin@acme.com', firstname: 'Tess', lastname: 'Twin' })
    ).id;
    const twins = await harness.salesforce.control.createRecords('Contact', [
      { FirstName: 'Tess', LastName: 'Twin', Email: 'twin@acme.com' },
      { FirstName: 'Tessa', LastName: 'Twin', Email: 'twin@acme.com' },
    ]);
    // The webhook of the new contact is what the worker acts on: it finds both twins by email, and waits.
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(acmeId);

    const listed = await call(acme, 'GET', '/api/sync/pending-matches');
    const matches = listed.body.pendingMatches as Array<{
      id: string;
      record: Json;
      candidates: Array<{ record: Json }>;
    }>;
    expect(matches).toHaveLength(1);
    expect(matches[0]!.record).toEqual({ side: 'hubspot', objectType: 'contacts', recordId: contactId });
    expect(matches[0]!.candidates.map((candidate) => candidate.record.recordId).sort()).toEqual(
      [...twins].sort(),
    );
    expect((await call(globex, 'GET', '/api/sync/pending-matches')).body.pendingMatches).toEqual([]);

    const matchPath = `/api/sync/pending-matches/${matches[0]!.id}/resolve`;
    chosenSalesforceId = twins[0]!;
    const choice = {
      kind: 'link',
      record: { side: 'salesforce', objectType: 'Contact', recordId: chosenSalesforceId },
    };
    // Another portal cannot answer this question; nor can anyone link a record that is not a candidate.
    const foreign = await call(globex, 'POST', matchPath, { choice });
    expect(foreign.status).toBe(409);
    const stranger = '0030000000000000AA';
    const notCandidate = await call(acme, 'POST', matchPath, {
      choice: { kind: 'link', record: { side: 'salesforce', objectType: 'Contact', recordId: stranger } },
    });
    expect(notCandidate.status).toBe(400);
    expect((notCandidate.body as unknown as Envelope).error.code).toBe('invalid');

    const picked = await call(acme, 'POST', matchPath, { choice });
    expect(picked.status).toBe(200);
    await harness.drained(acmeId);
    const link = await links.findActiveByHubspot(harness.testDb.db, acmeId, 'contacts', contactId);
    expect(link?.salesforceId).toBe(chosenSalesforceId);
  });

  it("shows a record's status with a dry run to its own portal, and nothing of it to another", async () => {
    const path = `/api/sync/records/hubspot/contacts/${contactId}`;
    const own = await call(acme, 'GET', `${path}?dryRun=true`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      link: { state: 'active', salesforce: { recordId: chosenSalesforceId } },
      dryRun: { outcome: 'in_sync' },
      dryRunError: null,
    });
    const theirs = await call(globex, 'GET', `${path}?dryRun=true`);
    expect(theirs.status).toBe(200);
    expect(theirs.body).toMatchObject({ link: null, conflicts: [], failures: [], pendingMatch: null });
    expect(JSON.stringify(theirs.body)).not.toContain(chosenSalesforceId);

    const bad = await call(acme, 'GET', '/api/sync/records/hubspot/tickets/12');
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as Envelope).error.code).toBe('invalid_record');
  });

  it('queues a record at once on "Sync now", in its own installation only', async () => {
    await worker.stop();
    const path = `/api/sync/records/salesforce/Contact/${chosenSalesforceId}/sync-now`;
    const queued = await call(acme, 'POST', path, {});
    expect(queued.status).toBe(202);
    const queuedRow = async () =>
      (await harness.dirtyRows(acmeId)).find((row) => row.record.recordId === chosenSalesforceId);
    expect(await queuedRow()).toMatchObject({ source: 'manual', nextAttemptAt: 0 });
    const before = await harness.dirtyRows(acmeId);
    // The same path from another portal queues that id in its own installation, and touches nothing here.
    expect((await call(globex, 'POST', path, {})).status).toBe(202);
    expect(await harness.dirtyRows(acmeId)).toEqual(before);
    worker = harness.startWorker();
    await harness.drained(acmeId);
    await harness.drained(globexId);
  });

  it('lists a review conflict to its own portal only, and writes the value a person keeps', async () => {
    const current = await call(acme, 'GET', '/api/settings');
    const document = structuredClone(defaultSettingsInput) as unknown as {
      objects: { contacts: { fields: Array<{ key: string; rule: string }> } };
    };
    document.objects.contacts.fields.find((field) => field.key === 'jobtitle')!.rule = 'review';
    const saved = await call(acme, 'PUT', '/api/settings', {
      document: document as unknown as Json,
      baseVersion: current.body.version as number,
    });
    expect(saved.status).toBe(200);

    await harness.hubspot.control.asUser(acme).update('contacts', contactId, { jobtitle: 'Chief Twin' });
    await harness.salesforce.control.updateRecord(chosenSalesforceId, { Title: 'Head Twin' });
    await settle();
    const listed = await call(acme, 'GET', '/api/sync/conflicts');
    const conflicts = listed.body.conflicts as Array<{ id: string; fieldKey: string }>;
    expect(conflicts.map((conflict) => conflict.fieldKey)).toEqual(['jobtitle']);
    expect((await call(globex, 'GET', '/api/sync/conflicts')).body.conflicts).toEqual([]);

    const resolvePath = `/api/sync/conflicts/${conflicts[0]!.id}/resolve`;
    expect((await call(globex, 'POST', resolvePath, { keep: 'hubspot' })).status).toBe(404);
    const resolved = await call(acme, 'POST', resolvePath, { keep: 'salesforce' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      conflict: { state: 'resolved', resolvedBy: `admin@portal${acme}.example.com` },
    });
    await harness.drained(acmeId);
    const contact = await harness.hubspot.control.record(acme, 'contacts', contactId);
    expect(contact.properties.jobtitle).toBe('Head Twin');
    expect((await call(acme, 'POST', resolvePath, { keep: 'hubspot' })).status).toBe(409);
  });

  it('counts failures in the health of their own portal, and retries them on request', async () => {
    // A record the sync gave up on (how it failed is the worker's business; here it only has to exist).
    await failures.record(
      harness.testDb.db,
      {
        installationId: acmeId,
        record: { side: 'hubspot', objectType: 'contacts', recordId: contactId },
        kind: 'quarantine',
        category: 'required_field_missing',
        code: 'REQUIRED_FIELD_MISSING',
        message:
          'Salesforce requires LastName on a Contact, and the value is blank. Fill it in HubSpot, then press Retry.',
        attempts: 1,
      },
      harness.clock.now(),
    );
    const health = await call(acme, 'GET', '/api/sync/health');
    expect(health.body.failuresByCategory).toEqual({ required_field_missing: 1 });
    expect(health.body).toMatchObject({ installationId: acmeId, activeLinks: 1, sync: { state: 'running' } });
    const theirHealth = await call(globex, 'GET', '/api/sync/health');
    expect(theirHealth.body).toMatchObject({
      installationId: globexId,
      failuresByCategory: {},
      activeLinks: 0,
    });

    expect((await call(globex, 'POST', '/api/sync/failures/retry', {})).body).toEqual({ retried: 0 });
    const status = await call(acme, 'GET', `/api/sync/records/hubspot/contacts/${contactId}`);
    const [failure] = status.body.failures as Array<{ id: string }>;
    expect((await call(globex, 'POST', '/api/sync/failures/retry', { failureId: failure!.id })).status).toBe(
      409,
    );

    await worker.stop();
    const retried = await call(acme, 'POST', '/api/sync/failures/retry', { failureId: failure!.id });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ retried: 1, failure: { state: 'retrying' } });
    const queued = (await harness.dirtyRows(acmeId)).find((row) => row.record.recordId === contactId);
    expect(queued).toMatchObject({ source: 'retry', nextAttemptAt: 0 });
    worker = harness.startWorker();
  });
});
