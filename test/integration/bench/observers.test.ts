import { Client } from '@hubspot/api-client';
import { startHubSpotEmulator, type HubSpotEmulator } from '../../emulators/hubspot';
import { startHubSpotMonitor } from '../../bench/hubspot-monitor';
import { sampleMemory } from '../../bench/memory';
import {
  subscribeBridgeWebhooks,
  readWebhooksDefinition,
  type WebhooksDefinition,
} from '../../support/stack/webhooks';

const definition: WebhooksDefinition = {
  type: 'webhooks',
  config: {
    settings: { targetUrl: 'https://bridge.example.com/webhooks/hubspot', maxConcurrentRequests: 7 },
    subscriptions: {
      crmObjects: [
        { subscriptionType: 'object.creation', objectType: 'contact', active: true },
        {
          subscriptionType: 'object.propertyChange',
          objectType: 'contact',
          propertyName: 'jobtitle',
          active: true,
        },
      ],
      legacyCrmObjects: [],
    },
  },
};

describe('what the benchmarks observe with', () => {
  let hubspot: HubSpotEmulator;
  beforeAll(async () => {
    hubspot = await startHubSpotEmulator({
      apps: { bridge: { appId: 3_000_123, clientId: 'c', clientSecret: 'secret-1234' } },
    });
  });
  afterAll(async () => hubspot.close());

  it("subscribes the bridge app to the project's webhooks, on the running bridge's origin", async () => {
    expect(
      await subscribeBridgeWebhooks(hubspot.control, 3_000_123, 'http://127.0.0.1:4567', definition),
    ).toBe(2);
    const settings = await hubspot.control.webhooks(3_000_123);
    expect(settings).toMatchObject({
      targetUrl: 'http://127.0.0.1:4567/webhooks/hubspot',
      maxConcurrentRequests: 7,
    });
    expect(
      settings?.subscriptions.map((subscription) => [
        subscription.subscriptionType,
        subscription.propertyName,
      ]),
    ).toEqual([
      ['object.creation', null],
      ['object.propertyChange', 'jobtitle'],
    ]);
    // The project's own definition, when it has one, is what the stack installs.
    const projects = readWebhooksDefinition();
    if (projects) expect(projects.config.subscriptions.crmObjects.length).toBeGreaterThan(0);
  });

  it('learns from a second integration who changed a property, and when', async () => {
    const monitor = await startHubSpotMonitor(hubspot.control, ['jobtitle']);
    try {
      const portalId = hubspot.defaultPortalId;
      const created = await hubspot.control.asUser(portalId).create('contacts', { email: 'watch@acme.com' });
      const before = Date.now();
      await hubspot.control.asUser(portalId).update('contacts', created.id, { jobtitle: 'CTO' });
      const byUser = await monitor.waitFor((event) => event.propertyValue === 'CTO', 5_000);
      expect(byUser).toMatchObject({
        objectId: Number(created.id),
        propertyName: 'jobtitle',
        changeSource: 'CRM_UI',
      });
      expect(byUser!.occurredAt).toBeGreaterThanOrEqual(before - 1);

      const { accessToken } = await hubspot.control.issueToken(portalId);
      const client = new Client({ accessToken, basePath: hubspot.baseUrl, numberOfApiCallRetries: 0 });
      await client.crm.contacts.basicApi.update(created.id, { properties: { jobtitle: 'CEO' } });
      const byApp = await monitor.waitFor((event) => event.propertyValue === 'CEO', 5_000);
      expect(byApp).toMatchObject({ changeSource: 'INTEGRATION', sourceId: '3000123' });
      expect(await monitor.waitFor((event) => event.propertyValue === 'never', 50)).toBeNull();
    } finally {
      await monitor.close();
    }
    expect(await hubspot.control.webhooks(990001)).toBeNull();
  });

  it('reads the resident memory of a process', () => {
    const sampler = sampleMemory(process.pid, 10);
    const report = sampler.stop();
    expect(report.samples).toBeGreaterThanOrEqual(2);
    expect(report.peakRssBytes).toBeGreaterThanOrEqual(report.sampledPeakRssBytes ?? Infinity);
    expect(report.lastRssBytes).toBeGreaterThan(10 * 1_048_576);
  });
});
