import { Browser, textOf } from '../../support/browser';
import { testDialects } from '../../support/db';
import {
  connectSalesforce,
  followConnectLink,
  installApp,
  installationOf,
  startHarness,
  type Harness,
} from './harness';

interface Envelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

describe.each(testDialects)('the settings API behind hubspot.fetch on %s', (dialect) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(dialect);
  });
  afterAll(async () => harness.close());

  /** A request from the app's settings page in a portal, through HubSpot's signing proxy. */
  async function fromSettingsPage(portalId: number, path: string, body?: Record<string, unknown>) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method: body ? 'POST' : 'GET',
      portalId,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('shows a portal its own installation status, and nothing to anyone else', async () => {
    const browser = new Browser();
    await connectSalesforce(harness, browser, await installApp(harness, browser, 8001));
    const own = await fromSettingsPage(8001, '/api/settings/installation');
    expect(own.status).toBe(200);
    expect(own.body.installation).toMatchObject({
      portalId: '8001',
      status: 'active',
      salesforce: { state: 'connected' },
    });

    const none = await fromSettingsPage(8002, '/api/settings/installation');
    expect(none.status).toBe(404);
    expect((none.body as unknown as Envelope).error.code).toBe('installation_not_found');

    // A portal naming another portal in the URL gets no data: the portal comes only from what HubSpot signs.
    const sneaky = await fromSettingsPage(8002, '/api/settings/installation?portalId=8001');
    expect(sneaky.status).toBe(400);
    expect(JSON.stringify(sneaky.body)).not.toContain('8001');

    const unsigned = await fetch(`${harness.bridge.baseUrl}/api/settings/installation?portalId=8001`);
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as Envelope).error.code).toBe('invalid_signature');
  });

  it('disconnects Salesforce: revoked, deleted, paused, org and queue kept; a confirmed connect link brings it back', async () => {
    const before = await installationOf(harness, 8001);
    const grantsBefore = (await harness.salesforce.control.listGrants()).refreshTokens.length;
    const disconnected = await fromSettingsPage(8001, '/api/settings/salesforce/disconnect', {});
    expect(disconnected.status).toBe(200);
    expect(disconnected.body).toMatchObject({
      revoked: true,
      installation: {
        status: 'awaiting_salesforce',
        sync: { paused: true, reason: 'salesforce_not_connected' },
      },
    });
    const after = await installationOf(harness, 8001);
    expect(after.salesforce).toMatchObject({
      accessToken: null,
      refreshToken: null,
      orgId: before.salesforce.orgId,
    });
    expect((await harness.salesforce.control.listGrants()).refreshTokens.length).toBe(grantsBefore - 1);

    const twice = await fromSettingsPage(8001, '/api/settings/salesforce/disconnect', {});
    expect(twice.status).toBe(409);
    expect((twice.body as unknown as Envelope).error.code).toBe('not_connected');

    const link = await fromSettingsPage(8001, '/api/settings/salesforce/connect-url', {
      environment: 'production',
    });
    expect(link.status).toBe(200);
    expect(link.body.expiresAt).toBe(harness.clock.now() + 10 * 60_000);
    // A link from the settings page works in any browser (the Salesforce admin's, say)...
    const page = await followConnectLink(new Browser(), String(link.body.url));
    expect(textOf(page)).toContain('Salesforce reconnected');
    expect(textOf(page)).toContain('Sync has not started');
    // ...so its connection waits for a settings manager to confirm it, with the same org as before.
    expect(await installationOf(harness, 8001)).toMatchObject({
      status: 'active',
      syncPaused: true,
      pauseReason: 'awaiting_connection_confirmation',
      salesforce: { orgId: before.salesforce.orgId },
    });
    const confirmed = await fromSettingsPage(8001, '/api/settings/salesforce/confirm', {
      orgId: before.salesforce.orgId,
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.installation).toMatchObject({
      sync: { paused: false, reason: null },
      salesforce: { awaitingConfirmation: false, origin: { via: 'settings_link' } },
    });
    expect(await installationOf(harness, 8001)).toMatchObject({ status: 'active', syncPaused: false });
  });

  it('validates request bodies and answers with the error envelope', async () => {
    const bad = await fromSettingsPage(8001, '/api/settings/salesforce/connect-url', {
      environment: 'staging',
    });
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as Envelope).error).toMatchObject({
      code: 'invalid_body',
      details: { issues: [expect.objectContaining({ path: 'environment' })] },
    });
    const extra = await fromSettingsPage(8001, '/api/settings/salesforce/disconnect', { force: true });
    expect(extra.status).toBe(400);
  });
});
