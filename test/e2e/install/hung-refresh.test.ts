import { credentialsErrorCodeOf } from '../../../src/auth/errors';
import { Browser } from '../../support/browser';
import { testDialects } from '../../support/db';
import { connectSalesforce, installApp, installationOf, startHarness, type Harness } from './harness';

const MINUTE = 60_000;
const OAUTH_TIMEOUT_MS = 400;

async function failureOf(promise: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => null,
    (error: unknown) => error,
  );
}

describe.each(testDialects)('a token endpoint that stops answering, on %s', (dialect) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(dialect, {
      oauthTimeoutMs: OAUTH_TIMEOUT_MS,
      timing: { leaseTtlMs: 3_000, pollIntervalMs: 25, maxWaitMs: 5_000, refreshDeadlineMs: 2_000 },
    });
  });
  afterAll(() => harness.close());
  afterEach(async () => {
    await harness.salesforce.control.clearFaults();
    await harness.hubspot.control.clearFaults();
  });

  it('fails Salesforce calls quickly and retryably while it hangs, and works again once it answers, without a restart', async () => {
    const browser = new Browser();
    await connectSalesforce(harness, browser, await installApp(harness, browser, 7401));
    const installation = await installationOf(harness, 7401);
    const connected = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
    if (!connected.ok) throw connected.error;
    const connection = connected.value;

    await harness.salesforce.control.addFault({
      kind: 'hang',
      route: '/services/oauth2/token',
      times: 1_000,
    });
    await harness.salesforce.control.expireAccessTokens();
    // Each attempt ends by the token call's own timeout (not a longer deadline, nor the hang): its message
    // names it. No wall-clock bound is asserted: a loaded machine stretches any.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const failure = await failureOf(connection.query('SELECT Id FROM User LIMIT 1'));
      expect(credentialsErrorCodeOf(failure)).toBe('provider_unavailable');
      expect(failure instanceof Error && failure.message).toContain(
        `Salesforce gave no answer within ${OAUTH_TIMEOUT_MS} ms while refreshing the access token`,
      );
    }
    expect(await installationOf(harness, 7401)).toMatchObject({
      status: 'active',
      lastError: { side: 'salesforce', code: 'provider_unavailable' },
    });

    await harness.salesforce.control.clearFaults();
    await expect(connection.query('SELECT Id FROM User LIMIT 1')).resolves.toMatchObject({ done: true });
    expect(await installationOf(harness, 7401)).toMatchObject({ status: 'active', lastError: null });
    const fresh = await harness.bridge.context.credentials.getSalesforceConnection(installation.id);
    if (!fresh.ok) throw fresh.error;
    await expect(fresh.value.query('SELECT Id FROM User LIMIT 1')).resolves.toMatchObject({ done: true });
  });

  it('does the same for HubSpot: no token until it answers, then a fresh one', async () => {
    await installApp(harness, new Browser(), 7402);
    const installation = await installationOf(harness, 7402);
    const credentials = harness.bridge.context.credentials;
    await harness.hubspot.control.addFault({ match: 'POST /oauth/v3/token', kind: 'hang', times: 1_000 });
    harness.clock.advance(26 * MINUTE);
    await harness.hubspot.control.advanceClock(26 * MINUTE);

    for (let attempt = 0; attempt < 3; attempt += 1) {
      const token = await credentials.getHubSpotAccessToken(installation.id);
      expect(!token.ok && token.error).toMatchObject({ code: 'provider_unavailable', retryable: true });
      expect(!token.ok && token.error.message).toContain(
        `HubSpot gave no answer within ${OAUTH_TIMEOUT_MS} ms while refreshing the access token`,
      );
    }
    expect(await installationOf(harness, 7402)).toMatchObject({
      status: 'awaiting_salesforce',
      lastError: { side: 'hubspot', code: 'provider_unavailable' },
    });

    await harness.hubspot.control.clearFaults();
    const client = await credentials.getHubSpotClient(installation.id);
    if (!client.ok) throw client.error;
    await expect(client.value.crm.contacts.basicApi.getPage(1)).resolves.toBeDefined();
    expect((await installationOf(harness, 7402)).lastError).toBeNull();
  });
});
