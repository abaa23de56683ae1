import { createDb, type Db } from '../../../src/db/knex';
import { Credentials } from '../../../src/auth/credentials';
import { credentialsErrorCodeOf } from '../../../src/auth/errors';
import { openToken } from '../../../src/auth/sealedColumns';
import * as dirty from '../../../src/db/dirty';
import { Browser, linkTo, textOf } from '../../support/browser';
import { TEST_OPS_TOKEN } from '../../support/bridge-context';
import { testDialects } from '../../support/db';
import {
  HUBSPOT_APP_ID,
  connectSalesforce,
  followConnectLink,
  installApp,
  installationOf,
  inspectPortal,
  startHarness,
  type Harness,
} from './harness';

const MINUTE = 60_000;
const queuedRecord = { side: 'hubspot', objectType: 'contacts', recordId: '501' } as const;

/** Moves every clock (the bridge's and both emulators') together, as real time would. */
async function advanceTime(harness: Harness, ms: number): Promise<void> {
  harness.clock.advance(ms);
  await harness.hubspot.control.advanceClock(ms);
  await harness.salesforce.control.advanceClock(ms);
}

function tokenCalls(counts: Record<string, number>, path: string): number {
  return Object.entries(counts)
    .filter(([route]) => route.startsWith('POST') && route.includes(path))
    .reduce((sum, [, count]) => sum + count, 0);
}

describe.each(testDialects)('tokens that stay alive on %s', (dialect) => {
  let harness: Harness;
  let otherProcessDb: Db;
  let otherProcess: Credentials;

  beforeAll(async () => {
    harness = await startHarness(dialect);
    // A second process: its own connection pool and credentials module, sharing the database and the key.
    otherProcessDb = createDb(harness.testDb.url);
    otherProcess = new Credentials({ ...harness.bridge.context, db: otherProcessDb });
  });
  afterAll(async () => {
    await otherProcessDb.destroy();
    await harness.close();
  });

  const sealedColumn = async (
    portalId: number,
    column: 'hubspot_refresh_token' | 'salesforce_refresh_token',
  ) => {
    const installation = await installationOf(harness, portalId);
    const sealed =
      column === 'hubspot_refresh_token'
        ? installation.hubspot.refreshToken
        : installation.salesforce.refreshToken;
    if (!sealed) return null;
    const opened = openToken(harness.bridge.context.cipher, installation.id, column, sealed);
    if (!opened.ok) throw opened.error;
    return opened.value;
  };

  it('refreshes the HubSpot token before it expires, once for every caller in every process', async () => {
    await installApp(harness, new Browser(), 7001);
    const installation = await installationOf(harness, 7001);
    const credentials = harness.bridge.context.credentials;
    const before = await credentials.getHubSpotAccessToken(installation.id);
    if (!before.ok) throw before.error;

    await advanceTime(harness, 26 * MINUTE);
    await harness.hubspot.control.resetCalls();
    const results = await Promise.all([
      credentials.getHubSpotAccessToken(installation.id),
      credentials.getHubSpotAccessToken(installation.id),
      otherProcess.getHubSpotAccessToken(installation.id),
      otherProcess.getHubSpotAccessToken(installation.id),
    ]);
    const tokens = results.map((result) => (result.ok ? result.value.accessToken : result.error.message));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(before.value.accessToken);
    expect(tokenCalls((await harness.hubspot.control.calls()).byRoute, '/oauth/')).toBe(1);
    expect((await installationOf(harness, 7001)).hubspot.tokenExpiresAt).toBe(
      harness.clock.now() + 30 * MINUTE,
    );

    const client = await credentials.getHubSpotClient(installation.id);
    if (!client.ok) throw client.error;
    await expect(client.value.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();
  });

  it('keeps the rotated HubSpot refresh token, and refreshes again when HubSpot rejects a token', async () => {
    const installation = await installationOf(harness, 7001);
    const credentials = harness.bridge.context.credentials;
    await harness.hubspot.control.setRefreshTokenRotation(HUBSPOT_APP_ID, true);
    const refreshBefore = await sealedColumn(7001, 'hubspot_refresh_token');
    await advanceTime(harness, 26 * MINUTE);
    const rotated = await credentials.getHubSpotAccessToken(installation.id);
    expect(rotated.ok).toBe(true);
    const refreshAfter = await sealedColumn(7001, 'hubspot_refresh_token');
    expect(refreshAfter).not.toBe(refreshBefore);

    // HubSpot revokes the access token early: the caller reports it, and a second refresh uses the rotated token.
    await harness.hubspot.control.expireAccessTokens(HUBSPOT_APP_ID, 7001);
    if (!rotated.ok) throw rotated.error;
    const refreshed = await credentials.getHubSpotAccessToken(installation.id, {
      rejectedAccessToken: rotated.value.accessToken,
    });
    if (!refreshed.ok) throw refreshed.error;
    expect(refreshed.value.accessToken).not.toBe(rotated.value.accessToken);
    const client = await credentials.getHubSpotClient(installation.id);
    if (!client.ok) throw client.error;
    await expect(client.value.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();
    await harness.hubspot.control.setRefreshTokenRotation(HUBSPOT_APP_ID, false);
  });

  it('refreshes Salesforce on a 401 and keeps the rotated refresh token, with one refresh across processes', async () => {
    const browser = new Browser();
    const page = await installApp(harness, browser, 7002);
    await connectSalesforce(harness, browser, page);
    const installation = await installationOf(harness, 7002);
    await harness.salesforce.control.setRefreshTokenRotation(true);
    const refreshBefore = await sealedColumn(7002, 'salesforce_refresh_token');

    const here = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
    const there = await otherProcess.getSalesforceConnection(installation.id);
    if (!here.ok || !there.ok) throw new Error('no connection');
    await harness.salesforce.control.expireAccessTokens();
    await harness.salesforce.control.resetCalls();
    const [a, b] = await Promise.all([
      here.value.query<{ Id: string }>('SELECT Id FROM User'),
      there.value.query<{ Id: string }>('SELECT Id FROM User'),
    ]);
    expect(a.totalSize).toBeGreaterThanOrEqual(2);
    expect(b.totalSize).toBe(a.totalSize);
    expect(tokenCalls((await harness.salesforce.control.calls()).byRoute, 'oauth2/token')).toBe(1);
    const refreshAfter = await sealedColumn(7002, 'salesforce_refresh_token');
    expect(refreshAfter).not.toBe(refreshBefore);

    // jsforce's own refresh would still hold the first refresh token, dead since rotation; ours uses the stored one.
    await harness.salesforce.control.expireAccessTokens();
    await expect(here.value.query('SELECT Id FROM User LIMIT 1')).resolves.toMatchObject({ done: true });
    expect(await sealedColumn(7002, 'salesforce_refresh_token')).not.toBe(refreshAfter);
    await harness.salesforce.control.setRefreshTokenRotation(false);
  });

  it('moves to needs_reauth when Salesforce revokes the refresh token, keeps queued work, and resumes on reconnect', async () => {
    const installation = await installationOf(harness, 7002);
    await dirty.mark(
      harness.testDb.db,
      { installationId: installation.id, record: queuedRecord, source: 'webhook' },
      harness.clock.now(),
    );
    const connection = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
    if (!connection.ok) throw connection.error;
    await harness.salesforce.control.revokeRefreshTokens();
    await harness.salesforce.control.expireAccessTokens();

    const failure = await connection.value.query('SELECT Id FROM User').then(
      () => null,
      (error: unknown) => error,
    );
    expect(credentialsErrorCodeOf(failure)).toBe('salesforce_needs_reauth');
    const broken = await installationOf(harness, 7002);
    expect(broken).toMatchObject({
      status: 'needs_reauth',
      syncPaused: true,
      pauseReason: 'salesforce_needs_reauth',
      salesforce: { accessToken: null, refreshToken: null, orgId: installation.salesforce.orgId },
      lastError: { side: 'salesforce', code: 'salesforce_needs_reauth' },
    });
    const again = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
    expect(!again.ok && again.error.code).toBe('salesforce_needs_reauth');

    const response = await fetch(`${harness.bridge.baseUrl}/ops/installations/${installation.id}`, {
      headers: { authorization: `Bearer ${TEST_OPS_TOKEN}` },
    });
    const { installation: status } = (await response.json()) as {
      installation: { salesforce: { reconnectUrl: string } };
    };
    expect(status.salesforce.reconnectUrl).toBe(`${harness.bridge.baseUrl}/oauth/hubspot/install`);

    const browser = new Browser();
    const installPage = await browser.open(status.salesforce.reconnectUrl, {
      beforeRequest: (url) => {
        if (url.pathname === '/oauth/authorize') url.searchParams.set('portal_id', '7002');
        return url;
      },
    });
    expect(textOf(installPage)).toContain('Salesforce needs you to sign in again');
    const reconnected = await followConnectLink(
      browser,
      linkTo(installPage, /Reconnect production Salesforce/),
    );
    expect(textOf(reconnected)).toContain('Salesforce reconnected');
    const resumed = await installationOf(harness, 7002);
    expect(resumed).toMatchObject({ status: 'active', syncPaused: false, lastError: null });
    expect(resumed.salesforce.orgId).toBe(installation.salesforce.orgId);
    expect(await dirty.findByRecord(harness.testDb.db, installation.id, queuedRecord)).not.toBeNull();
    const working = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
    if (!working.ok) throw working.error;
    await expect(working.value.query('SELECT Id FROM User LIMIT 1')).resolves.toMatchObject({ done: true });
  });

  it('marks the installation uninstalled when HubSpot refuses the refresh token, deleting every token', async () => {
    const installation = await installationOf(harness, 7002);
    const grantsBefore = (await harness.salesforce.control.listGrants()).refreshTokens.length;
    await harness.hubspot.control.uninstall(HUBSPOT_APP_ID, 7002);
    await advanceTime(harness, 26 * MINUTE);

    const client = await harness.bridge.context.credentials.getHubSpotClient(installation.id);
    expect(!client.ok && client.error.code).toBe('hubspot_uninstalled');
    const row = await harness.testDb.db('installations').where({ id: installation.id }).first();
    expect(row).toMatchObject({
      status: 'uninstalled',
      hubspot_state: 'uninstalled',
      salesforce_state: 'not_connected',
      hubspot_access_token: null,
      hubspot_refresh_token: null,
      salesforce_access_token: null,
      salesforce_refresh_token: null,
      pause_reason: 'hubspot_uninstalled',
    });
    expect((await harness.salesforce.control.listGrants()).refreshTokens.length).toBe(grantsBefore - 1);
    expect(await dirty.findByRecord(harness.testDb.db, installation.id, queuedRecord)).not.toBeNull();

    // Installing again brings the same installation back; Salesforce is connected again from there.
    const browser = new Browser();
    const page = await installApp(harness, browser, 7002);
    expect(textOf(page)).toContain('Step 2 of 2: connect Salesforce');
    expect((await installationOf(harness, 7002)).status).toBe('awaiting_salesforce');
    await connectSalesforce(harness, browser, page);
    expect(await installationOf(harness, 7002)).toMatchObject({ id: installation.id, status: 'active' });
    const portal = await inspectPortal(harness, 7002);
    expect(
      (await portal.crm.properties.groupsApi.getAll('contacts')).results.map((group) => group.name),
    ).toContain('salesforce_bridge');
  });
});
