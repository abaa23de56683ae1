import {
  APP_PROPERTY_GROUP,
  appObjectTypes,
  appProperties,
} from '../../../src/connectors/hubspot/appProperties';
import { getHubSpotTokenInfo } from '../../../src/connectors/hubspot/oauth';
import { HUBSPOT_REQUIRED_SCOPES } from '../../../src/connectors/hubspot/scopes';
import { hubspotOAuthApp } from '../../../src/auth/bridgeContext';
import { Browser, textOf } from '../../support/browser';
import { TEST_OPS_TOKEN } from '../../support/bridge-context';
import { testDialects } from '../../support/db';
import {
  connectSalesforce,
  inspectPortal,
  installApp,
  installationOf,
  plaintextTokens,
  startHarness,
  type Harness,
} from './harness';

const propertyCreates = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(
      ([route]) =>
        route.startsWith('POST /crm/v3/properties') || route.startsWith('PATCH /crm/v3/properties'),
    )
    .reduce((sum, [, count]) => sum + count, 0);

describe.each(testDialects)('installing and connecting on %s', (dialect) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(dialect);
  });
  afterAll(async () => harness.close());

  it('installs in a fresh portal, creates the properties, then connects production Salesforce', async () => {
    const browser = new Browser();
    const installPage = await installApp(harness, browser, 1001);
    expect(installPage.status).toBe(200);
    expect(installPage.hops.map((hop) => new URL(hop.url).pathname)).toEqual([
      '/oauth/hubspot/install',
      '/oauth/authorize',
      '/oauth/hubspot/callback',
    ]);
    expect(textOf(installPage)).toContain('HubSpot connected');
    expect(textOf(installPage)).toContain(
      `Created ${appProperties.length * appObjectTypes.length} properties`,
    );
    expect(textOf(installPage)).toContain('Step 2 of 2: connect Salesforce');

    const installed = await installationOf(harness, 1001);
    expect(installed).toMatchObject({
      status: 'awaiting_salesforce',
      syncPaused: true,
      pauseReason: 'salesforce_not_connected',
      hubspot: { hubDomain: 'portal1001.example.com', userEmail: 'admin@portal1001.example.com' },
    });
    expect(installed.hubspot.scopes.sort()).toEqual([...HUBSPOT_REQUIRED_SCOPES].sort());
    expect(installed.hubspot.tokenExpiresAt).toBe(harness.clock.now() + 1_800_000);

    const portal = await inspectPortal(harness, 1001);
    for (const objectType of appObjectTypes) {
      const groups = await portal.crm.properties.groupsApi.getAll(objectType);
      expect(groups.results.map((group) => group.name)).toContain(APP_PROPERTY_GROUP.name);
      const properties = await portal.crm.properties.coreApi.getAll(objectType);
      const ours = properties.results.filter((property) => property.groupName === APP_PROPERTY_GROUP.name);
      expect(ours.map((property) => property.name).sort()).toEqual(
        appProperties.map((property) => property.name).sort(),
      );
      expect(ours.find((property) => property.name === 'salesforce_record_id')?.hasUniqueValue).toBe(true);
      expect(
        ours.find((property) => property.name === 'salesforce_sync_status')?.options.map((o) => o.value),
      ).toContain('deleted_in_salesforce');
    }

    const connectedPage = await connectSalesforce(harness, browser, installPage);
    expect(connectedPage.status).toBe(200);
    expect(connectedPage.hops.map((hop) => new URL(hop.url).pathname)).toEqual([
      '/oauth/salesforce/start',
      '/services/oauth2/authorize',
      '/oauth/salesforce/callback',
    ]);
    expect(textOf(connectedPage)).toContain('Salesforce connected');
    expect(textOf(connectedPage)).toContain('can read and write everything the bridge needs');

    const org = await harness.salesforce.control.getOrg();
    const admin = org.users.find((user) => user.username !== 'rep@sandbox.example');
    const connected = await installationOf(harness, 1001);
    expect(connected).toMatchObject({
      id: installed.id,
      status: 'active',
      syncPaused: false,
      salesforce: {
        environment: 'production',
        loginUrl: harness.salesforce.baseUrl,
        instanceUrl: org.instanceUrl,
        orgId: org.id,
        username: admin?.username,
        capabilities: { ok: true, problems: [] },
      },
    });
    const lead = connected.salesforce.capabilities?.objects.find((object) => object.name === 'Lead');
    expect(lead?.hubspotIdField).toEqual({ present: true, usable: true });
    expect(lead?.deletedFlagField).toEqual({ present: true, usable: true });

    // The credentials module hands out working clients for both sides.
    const connection = await harness.bridge.context.credentials.getSalesforceConnection(installed.id);
    if (!connection.ok) throw connection.error;
    const identity = await connection.value.identity();
    expect(identity.organization_id).toBe(org.id);
    const client = await harness.bridge.context.credentials.getHubSpotClient(installed.id);
    if (!client.ok) throw client.error;
    expect((await client.value.crm.contacts.basicApi.getPage(1)).results).toBeDefined();
  });

  it('reinstalls without duplicating the installation or recreating properties', async () => {
    const browser = new Browser();
    const first = await installationOf(harness, 1001);
    await harness.hubspot.control.resetCalls();
    const page = await installApp(harness, browser, 1001);
    expect(page.status).toBe(200);
    expect(textOf(page)).toContain('HubSpot reconnected');
    expect(textOf(page)).toContain('already in place');
    expect(textOf(page)).toContain(`Salesforce org ${first.salesforce.orgId} is connected`);

    const calls = await harness.hubspot.control.calls();
    expect(propertyCreates(calls.byRoute)).toBe(0);
    const rows = await harness.testDb.db('installations').where({ hubspot_portal_id: '1001' });
    expect(rows).toHaveLength(1);
    const second = await installationOf(harness, 1001);
    expect(second.id).toBe(first.id);
    expect(second.hubspot.accessToken).not.toBe(first.hubspot.accessToken);
    expect(second.status).toBe('active');
  });

  it('keeps two portals side by side, each with its own org', async () => {
    const globex = await harness.salesforce.control.createOrg({
      name: 'globex',
      adminUsername: 'admin@globex.example',
    });
    const browserA = new Browser();
    const browserB = new Browser();
    const pageA = await installApp(harness, browserA, 2001);
    const pageB = await installApp(harness, browserB, 2002);
    await connectSalesforce(harness, browserB, pageB, { username: 'admin@globex.example' });
    await connectSalesforce(harness, browserA, pageA);

    const a = await installationOf(harness, 2001);
    const b = await installationOf(harness, 2002);
    expect(a.id).not.toBe(b.id);
    expect(b.salesforce.orgId).toBe(globex.id);
    expect(a.salesforce.orgId).not.toBe(globex.id);
    expect(b.salesforce.username).toBe('admin@globex.example');

    const credentials = harness.bridge.context.credentials;
    for (const [installation, portalId, orgId] of [
      [a, 2001, a.salesforce.orgId],
      [b, 2002, globex.id],
    ] as const) {
      const token = await credentials.getHubSpotAccessToken(installation.id);
      if (!token.ok) throw token.error;
      const info = await getHubSpotTokenInfo(
        hubspotOAuthApp(harness.bridge.context.app),
        token.value.accessToken,
      );
      expect(info.portalId).toBe(String(portalId));
      const connection = await credentials.getSalesforceConnection(installation.id);
      if (!connection.ok) throw connection.error;
      expect((await connection.value.identity()).organization_id).toBe(orgId);
    }

    const response = await fetch(`${harness.bridge.baseUrl}/ops/installations?status=active`, {
      headers: { authorization: `Bearer ${TEST_OPS_TOKEN}` },
    });
    const body = (await response.json()) as {
      installations: Array<{ portalId: string; salesforce: { orgId: string } }>;
    };
    expect(body.installations.map((installation) => installation.portalId).sort()).toEqual([
      '1001',
      '2001',
      '2002',
    ]);
    const text = JSON.stringify(body);
    const tokens = await plaintextTokens(harness);
    expect(tokens.length).toBeGreaterThanOrEqual(12);
    for (const token of tokens) expect(text).not.toContain(token);
  });

  it('connects a Salesforce sandbox through the sandbox login host', async () => {
    const sandbox = await harness.salesforce.control.createOrg({
      name: 'acme-uat',
      kind: 'sandbox',
      adminUsername: 'admin@acme-uat.example',
    });
    const browser = new Browser();
    const installPage = await installApp(harness, browser, 3001);
    const page = await connectSalesforce(harness, browser, installPage, {
      environment: 'sandbox',
      username: 'admin@acme-uat.example',
    });
    expect(page.status).toBe(200);
    expect(new URL(page.hops[1]?.url ?? '').pathname).toBe('/sandbox/services/oauth2/authorize');
    const installation = await installationOf(harness, 3001);
    expect(installation.salesforce).toMatchObject({
      environment: 'sandbox',
      loginUrl: `${harness.salesforce.baseUrl}/sandbox`,
      orgId: sandbox.id,
    });

    // Refreshing goes to the sandbox host too.
    await harness.salesforce.control.expireAccessTokens({ org: 'acme-uat' });
    const connection = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
    if (!connection.ok) throw connection.error;
    const result = await connection.value.query<{ Id: string }>('SELECT Id FROM User LIMIT 1');
    expect(result.records).toHaveLength(1);
  });

  it('reports an existing property of the wrong type instead of changing it', async () => {
    const portal = await inspectPortal(harness, 4001);
    await portal.crm.properties.coreApi.create('deals', {
      name: 'salesforce_last_synced_at',
      label: 'Last synced (ours)',
      type: 'number' as never,
      fieldType: 'number' as never,
      groupName: 'dealinformation',
    });
    const page = await installApp(harness, new Browser(), 4001);
    expect(page.status).toBe(200);
    expect(textOf(page)).toContain('Some properties could not be set up for the bridge');
    expect(textOf(page)).toContain('deals property "salesforce_last_synced_at" exists as number (number)');

    const existing = await portal.crm.properties.coreApi.getByName('deals', 'salesforce_last_synced_at');
    expect(existing.type).toBe('number');
    const response = await fetch(
      `${harness.bridge.baseUrl}/ops/installations/${(await installationOf(harness, 4001)).id}`,
      {
        headers: { authorization: `Bearer ${TEST_OPS_TOKEN}` },
      },
    );
    const { installation } = (await response.json()) as {
      installation: { hubspot: { properties: { ok: boolean; problems: string[] } } };
    };
    expect(installation.hubspot.properties.ok).toBe(false);
    expect(installation.hubspot.properties.problems).toEqual([
      expect.stringContaining('salesforce_last_synced_at'),
    ]);
  });

  it('installs anyway when HubSpot refuses one property, and says why', async () => {
    const portal = await inspectPortal(harness, 4002);
    for (let index = 0; index < 10; index += 1) {
      await portal.crm.properties.coreApi.create('contacts', {
        name: `customer_key_${index}`,
        label: `Customer key ${index}`,
        type: 'string' as never,
        fieldType: 'text' as never,
        groupName: 'contactinformation',
        hasUniqueValue: true,
      });
    }
    const page = await installApp(harness, new Browser(), 4002);
    expect(page.status).toBe(200);
    expect(textOf(page)).toContain('creating the contacts property "salesforce_record_id"');
    expect(textOf(page)).toContain('at most 10 properties with unique values');
    expect(textOf(page)).toContain('Some properties could not be set up for the bridge');
    const installation = await installationOf(harness, 4002);
    expect(installation.status).toBe('awaiting_salesforce');
    const contacts = (await portal.crm.properties.coreApi.getAll('contacts')).results.map(
      (property) => property.name,
    );
    expect(contacts).toContain('salesforce_sync_status');
    expect(contacts).not.toContain('salesforce_record_id');
  });
});
