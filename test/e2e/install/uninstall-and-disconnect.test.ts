import { credentialsErrorCodeOf } from '../../../src/auth/errors';
import { disconnectSalesforce } from '../../../src/install/salesforceDisconnect';
import { Browser } from '../../support/browser';
import { testDialects } from '../../support/db';
import {
  HUBSPOT_APP_ID,
  connectSalesforce,
  installApp,
  installationOf,
  startHarness,
  type Harness,
} from './harness';

const MINUTE = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function failureOf(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => null,
    (error: unknown) => error,
  );
}

async function connected(harness: Harness, portalId: number) {
  const browser = new Browser();
  await connectSalesforce(harness, browser, await installApp(harness, browser, portalId));
  return installationOf(harness, portalId);
}

describe.each(testDialects)('uninstalls and disconnects, on %s', (dialect) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(dialect);
  });
  afterAll(() => harness.close());
  afterEach(async () => {
    await harness.salesforce.control.clearFaults();
    await harness.hubspot.control.clearFaults();
    await harness.salesforce.control.setRefreshTokenRotation(false);
  });

  it('takes one invalid_grant from HubSpot for what it is while introspection says the token lives: nothing is revoked', async () => {
    const installation = await connected(harness, 7501);
    const grantsBefore = (await harness.salesforce.control.listGrants()).refreshTokens.length;
    await harness.hubspot.control.addFault({ match: 'POST /oauth/v3/token', kind: 'invalid_grant' });
    harness.clock.advance(26 * MINUTE);
    await harness.hubspot.control.advanceClock(26 * MINUTE);

    const refused = await harness.bridge.context.credentials.getHubSpotAccessToken(installation.id);
    expect(!refused.ok && refused.error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    const after = await installationOf(harness, 7501);
    expect(after).toMatchObject({
      status: 'active',
      lastError: { side: 'hubspot', code: 'provider_unavailable' },
    });
    expect(after.hubspot.refreshToken).toBe(installation.hubspot.refreshToken);
    expect(after.salesforce.refreshToken).toBe(installation.salesforce.refreshToken);
    expect((await harness.salesforce.control.listGrants()).refreshTokens.length).toBe(grantsBefore);

    const retried = await harness.bridge.context.credentials.getHubSpotAccessToken(installation.id);
    expect(retried.ok).toBe(true);
    expect(await installationOf(harness, 7501)).toMatchObject({ status: 'active', lastError: null });

    // An uninstall for real: introspection says the refresh token is gone.
    await harness.hubspot.control.uninstall(HUBSPOT_APP_ID, 7501);
    harness.clock.advance(26 * MINUTE);
    await harness.hubspot.control.advanceClock(26 * MINUTE);
    const gone = await harness.bridge.context.credentials.getHubSpotAccessToken(installation.id);
    expect(!gone.ok && gone.error.code).toBe('hubspot_uninstalled');
    expect(await installationOf(harness, 7501)).toMatchObject({
      status: 'uninstalled',
      salesforce: { accessToken: null, refreshToken: null },
    });
    expect((await harness.salesforce.control.listGrants()).refreshTokens.length).toBe(grantsBefore - 1);
  });

  it('writes no token back when a disconnect lands while a refresh is under way', async () => {
    const installation = await connected(harness, 7502);
    await harness.salesforce.control.setRefreshTokenRotation(true);
    const connection = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
    if (!connection.ok) throw connection.error;
    // Salesforce takes its time over the refresh, and longer over the disconnect's revocation, so the refresh
    // succeeds after the disconnect deleted the tokens here and before it revoked them there.
    await harness.salesforce.control.addFault({
      kind: 'slow',
      route: '/services/oauth2/token',
      delayMs: 800,
    });
    await harness.salesforce.control.addFault({
      kind: 'slow',
      route: '/services/oauth2/revoke',
      delayMs: 1_500,
    });
    await harness.salesforce.control.expireAccessTokens();

    const query = failureOf(connection.value.query('SELECT Id FROM User LIMIT 1'));
    await sleep(250);
    const disconnected = await disconnectSalesforce(harness.bridge.context, installation.id);
    expect(disconnected.ok).toBe(true);
    expect(credentialsErrorCodeOf(await query)).toBe('salesforce_not_connected');

    const after = await installationOf(harness, 7502);
    expect(after).toMatchObject({
      status: 'awaiting_salesforce',
      state: { salesforce: 'not_connected' },
      salesforce: { accessToken: null, refreshToken: null, orgId: installation.salesforce.orgId },
    });
    // The refresh rotated the old refresh token away; the new one it got was revoked, not kept.
    expect((await harness.salesforce.control.listGrants()).refreshTokens).toEqual([]);
  });
});

describe.each(testDialects)(
  'a Salesforce refresh abandoned while its call is under way, on %s',
  (dialect) => {
    let harness: Harness;

    beforeAll(async () => {
      harness = await startHarness(dialect, {
        oauthTimeoutMs: 5_000,
        timing: { leaseTtlMs: 3_000, pollIntervalMs: 25, maxWaitMs: 5_000, refreshDeadlineMs: 300 },
      });
    });
    afterAll(() => harness.close());

    it('changes nothing when it is refused at last because the next refresh rotated the token', async () => {
      const installation = await connected(harness, 7503);
      await harness.salesforce.control.setRefreshTokenRotation(true);
      const connection = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
      if (!connection.ok) throw connection.error;
      await harness.salesforce.control.addFault({
        kind: 'slow',
        route: '/services/oauth2/token',
        delayMs: 1_500,
      });
      await harness.salesforce.control.expireAccessTokens();

      // The first refresh is abandoned at its deadline while Salesforce still holds the call ...
      const abandoned = await failureOf(connection.value.query('SELECT Id FROM User LIMIT 1'));
      expect(credentialsErrorCodeOf(abandoned)).toBe('provider_unavailable');
      // ... the next caller refreshes afresh, rotating the refresh token ...
      await expect(connection.value.query('SELECT Id FROM User LIMIT 1')).resolves.toMatchObject({
        done: true,
      });
      const rotated = (await installationOf(harness, 7503)).salesforce.refreshToken;
      expect(rotated).not.toBe(installation.salesforce.refreshToken);
      // ... and the first call is answered at last: invalid_grant for the token rotated away.
      await sleep(1_800);

      expect(await installationOf(harness, 7503)).toMatchObject({
        status: 'active',
        state: { salesforce: 'connected' },
        salesforce: { refreshToken: rotated },
      });
      await harness.salesforce.control.expireAccessTokens();
      await expect(connection.value.query('SELECT Id FROM User LIMIT 1')).resolves.toMatchObject({
        done: true,
      });
    });
  },
);
