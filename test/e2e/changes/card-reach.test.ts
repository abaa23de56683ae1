/**
 * What the card's endpoints let anyone in a portal do, and no more: a dry run reads only a linked pair or a
 * HubSpot record inside the sync scope (never an arbitrary Salesforce record by its id), and a conflict is
 * settled only with one of its two values.
 */
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { signedApi, type Json } from '../../support/signed-api';
import { startChangeHarness, type ChangeHarness } from './harness';

describe.each(testDialects)("the card's reach on %s", (dialect) => {
  let harness: ChangeHarness;
  let worker: SyncWorker;
  let installationId: string;
  const portalId = 5401;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    for (const email of ['admin@default.example', 'rep@sandbox.example']) {
      await harness.hubspot.control.addOwner(portalId, { email });
    }
    worker = harness.startWorker();
  }, 60_000);
  afterAll(async () => {
    await worker.stop();
    await harness.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', path: string, body?: Json, user?: string) =>
    signedApi(harness.hubspot, harness.bridge.baseUrl, portalId)(method, path, body, user);

  it('dry-runs a linked pair, but reads no unlinked Salesforce record and no HubSpot record outside the scope', async () => {
    const [stranger] = await harness.salesforce.control.createRecords('Contact', [
      { FirstName: 'Secret', LastName: 'Person', Email: 'secret@elsewhere.example', Title: 'Confidential' },
    ]);
    await harness.salesforce.control.resetCalls();
    const peek = await call(
      'GET',
      `/api/sync/records/salesforce/Contact/${stranger}?dryRun=true`,
      undefined,
      `rep@portal${portalId}.example.com`,
    );
    expect(peek.status).toBe(200);
    expect(peek.body.dryRun).toBeNull();
    expect(peek.body.dryRunError).toMatch(/linked record, or a HubSpot record inside the sync scope/);
    expect(JSON.stringify(peek.body)).not.toContain('Confidential');
    expect((await harness.salesforce.control.calls()).total).toBe(0);

    // A scope that leaves the contact out: its dry run does not look for Salesforce matches either.
    const current = await call('GET', '/api/settings');
    const document = structuredClone(defaultSettingsInput) as unknown as {
      objects: { contacts: { scope: unknown } };
    };
    document.objects.contacts.scope = {
      anyOf: [{ allOf: [{ property: 'jobtitle', operator: 'eq', value: 'Synced' }] }],
    };
    expect(
      (
        await call('PUT', '/api/settings', {
          document: document as unknown as Json,
          baseVersion: current.body.version as number,
        })
      ).status,
    ).toBe(200);
    const { id: outside } = await harness.hubspot.control
      .asUser(portalId)
      .create('contacts', { email: 'secret@elsewhere.example', firstname: 'Out', lastname: 'Side' });
    const outsideRun = await call('GET', `/api/sync/records/hubspot/contacts/${outside}?dryRun=true`);
    expect(outsideRun.body.dryRun).toBeNull();
    expect(outsideRun.body.dryRunError).toMatch(/inside the sync scope/);
    expect(JSON.stringify(outsideRun.body)).not.toContain('Confidential');

    const { id: inside } = await harness.hubspot.control.asUser(portalId).create('contacts', {
      email: 'in@side.example',
      firstname: 'In',
      lastname: 'Side',
      company: 'Acme',
      jobtitle: 'Synced',
    });
    const insideRun = await call('GET', `/api/sync/records/hubspot/contacts/${inside}?dryRun=true`);
    expect(insideRun.body.dryRunError).toBeNull();
    expect(insideRun.body.dryRun).toMatchObject({ outcome: expect.any(String) });
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
    const linked = await call('GET', `/api/sync/records/hubspot/contacts/${inside}?dryRun=true`);
    expect(linked.body).toMatchObject({
      link: { state: 'active' },
      dryRun: { outcome: 'in_sync' },
      dryRunError: null,
    });
  });

  it('settles a conflict with one of its two values only', async () => {
    const current = await call('GET', '/api/settings');
    const document = structuredClone(defaultSettingsInput) as unknown as {
      objects: { contacts: { fields: Array<{ key: string; rule: string }> } };
    };
    document.objects.contacts.fields.find((field) => field.key === 'jobtitle')!.rule = 'review';
    expect(
      (
        await call('PUT', '/api/settings', {
          document: document as unknown as Json,
          baseVersion: current.body.version as number,
        })
      ).status,
    ).toBe(200);
    const { id } = await harness.hubspot.control.asUser(portalId).create('contacts', {
      email: 'torn@both.example',
      firstname: 'Torn',
      lastname: 'Both',
      company: 'Acme',
      jobtitle: 'Start',
    });
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
    const status = await call('GET', `/api/sync/records/hubspot/contacts/${id}`);
    const leadId = (status.body.link as { salesforce: { recordId: string } }).salesforce.recordId;
    await worker.stop();
    await harness.hubspot.control.asUser(portalId).update('contacts', id, { jobtitle: 'From HubSpot' });
    await harness.salesforce.control.updateRecord(leadId, { Title: 'From Salesforce' });
    worker = harness.startWorker();
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.pollAll();
    await harness.drained(installationId);
    const conflicts = (await call('GET', '/api/sync/conflicts')).body.conflicts as Array<{
      id: string;
      fieldKey: string;
    }>;
    const conflict = conflicts.find((candidate) => candidate.fieldKey === 'jobtitle')!;
    const path = `/api/sync/conflicts/${conflict.id}/resolve`;

    const typed = await call('POST', path, { keep: 'value', value: 'Anything at all' });
    expect(typed.status).toBe(400);
    expect((typed.body.error as { message: string }).message).toMatch(/one of its two values/);
    const chosen = await call('POST', path, { keep: 'value', value: 'From Salesforce' });
    expect(chosen.status).toBe(200);
    await harness.drained(installationId);
    expect((await harness.hubspot.control.record(portalId, 'contacts', id)).properties.jobtitle).toBe(
      'From Salesforce',
    );
  });
});
