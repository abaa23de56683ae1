import { pollSalesforce } from '../../../src/changes/salesforcePoll';
import * as installations from '../../../src/db/installations';
import { computeSignatureV3 } from '../../../server/middleware/hubspot-signature';
import { TEST_HUBSPOT_APP } from '../../support/bridge-context';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;

describe.each(testDialects)('one portal never reaches another on %s', (dialect) => {
  let harness: ChangeHarness;
  let acme: installations.Installation;
  let globex: installations.Installation;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    acme = await harness.install(3701);
    await harness.salesforce.control.createOrg({ name: 'globex', adminUsername: 'admin@globex.example' });
    globex = await harness.install(3702, { salesforceUser: 'admin@globex.example' });
  });
  afterAll(async () => harness.close());

  async function fromPortal(portalId: number, method: 'GET' | 'PUT', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  it('marks each event only in the installation of the portal it names, in a delivery mixing portals', async () => {
    const event = (portalId: number, eventId: number) => ({
      eventId,
      subscriptionId: 1,
      portalId,
      appId: Number(TEST_HUBSPOT_APP.appId),
      occurredAt: Date.now(),
      subscriptionType: 'object.propertyChange',
      objectTypeId: '0-1',
      objectId: 777,
      propertyName: 'email',
      changeSource: 'CRM_UI',
      sourceId: 'userId:1',
      attemptNumber: 0,
    });
    const body = JSON.stringify([event(3701, 1), event(3702, 2)]);
    const url = `${harness.bridge.baseUrl}/webhooks/hubspot`;
    const timestamp = String(Date.now());
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-HubSpot-Request-Timestamp': timestamp,
        'X-HubSpot-Signature-v3': computeSignatureV3({
          clientSecret: TEST_HUBSPOT_APP.clientSecret,
          method: 'POST',
          url,
          rawBody: body,
          timestamp,
        }),
      },
      body,
    });
    expect(response.status).toBe(200);
    for (const [installation, portal] of [
      [acme, '3701'],
      [globex, '3702'],
    ] as const) {
      const rows = await harness.dirtyRows(installation.id);
      expect(rows.map((row) => row.record.recordId)).toEqual(['777']);
      const events = await harness.testDb.db('webhook_events').where({ installation_id: installation.id });
      expect(events.map((row: { portal_id: string }) => row.portal_id)).toEqual([portal]);
    }
  });

  it('pauses only the portal that asks, and shows each portal only its own health', async () => {
    const [salesforceContact] = await harness.salesforce.control.createRecords(
      'Contact',
      [{ LastName: 'Only Globex' }],
      { org: 'globex' },
    );
    await pollSalesforce(harness.deps, globex.id);

    const paused = await fromPortal(3701, 'PUT', '/api/sync/pause', { paused: true });
    expect(paused.status).toBe(200);
    expect((await installations.findById(harness.testDb.db, acme.id))?.syncPaused).toBe(true);
    expect((await installations.findById(harness.testDb.db, globex.id))?.syncPaused).toBe(false);

    const acmeHealth = await fromPortal(3701, 'GET', '/api/sync/health');
    const globexHealth = await fromPortal(3702, 'GET', '/api/sync/health');
    expect(acmeHealth.body).toMatchObject({
      installationId: acme.id,
      portalId: '3701',
      sync: { state: 'paused' },
    });
    expect(globexHealth.body).toMatchObject({
      installationId: globex.id,
      portalId: '3702',
      sync: { state: 'running' },
    });
    expect((acmeHealth.body.queue as { pending: number }).pending).toBe(1);
    expect((globexHealth.body.queue as { pending: number }).pending).toBe(2);
    expect((await harness.dirtyRows(globex.id)).map((row) => row.record.recordId)).toContain(
      salesforceContact,
    );
    expect((await harness.dirtyRows(acme.id)).map((row) => row.record.recordId)).not.toContain(
      salesforceContact,
    );

    // Naming the other portal in the query is refused; an unsigned request is refused.
    for (const path of ['/api/sync/health', '/api/sync/pause']) {
      const method = path.endsWith('pause') ? 'PUT' : 'GET';
      const sneaky = await fromPortal(
        3702,
        method,
        `${path}?portalId=3701`,
        method === 'PUT' ? { paused: true } : undefined,
      );
      expect(sneaky.status).toBe(400);
      const unsigned = await fetch(`${harness.bridge.baseUrl}${path}?portalId=3701`, { method });
      expect(unsigned.status).toBe(401);
    }
    expect((await installations.findById(harness.testDb.db, globex.id))?.syncPaused).toBe(false);
    expect((await fromPortal(3799, 'GET', '/api/sync/health')).status).toBe(404);
  });
});
