import { Browser, textOf } from '../../support/browser';
import { testDialects } from '../../support/db';
import { HUBSPOT_APP_ID, installApp, installationOf, startHarness, type Harness } from './harness';

const MINUTE = 60_000;

/** The OAuth calls the HubSpot emulator counted, by route. */
async function oauthCalls(harness: Harness): Promise<Record<string, number>> {
  const { byRoute } = await harness.hubspot.control.calls();
  return Object.fromEntries(Object.entries(byRoute).filter(([route]) => route.includes('/oauth/')));
}

describe.each(testDialects)('HubSpot OAuth on the v3 endpoints only, on %s', (dialect) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(dialect);
    // HubSpot sunsets v1 on 2027-02-16; the emulator refuses it from now on, so any v1 call fails the flow.
    await harness.hubspot.control.updateSettings({ oauth: { refuseV1Now: true } });
  });
  afterAll(() => harness.close());

  it('installs, keeps the token fresh and confirms an uninstall without one v1 call', async () => {
    await harness.hubspot.control.resetCalls();
    const page = await installApp(harness, new Browser(), 7301);
    expect(textOf(page)).toContain('Step 2 of 2: connect Salesforce');
    const installation = await installationOf(harness, 7301);
    expect(installation).toMatchObject({
      status: 'awaiting_salesforce',
      hubspot: { userEmail: 'admin@portal7301.example.com', hubDomain: 'portal7301.example.com' },
    });

    harness.clock.advance(26 * MINUTE);
    await harness.hubspot.control.advanceClock(26 * MINUTE);
    const refreshed = await harness.bridge.context.credentials.getHubSpotAccessToken(installation.id);
    if (!refreshed.ok) throw refreshed.error;

    // An uninstall is confirmed by introspecting the refused refresh token, on v3 too.
    await harness.hubspot.control.uninstall(HUBSPOT_APP_ID, 7301);
    harness.clock.advance(26 * MINUTE);
    await harness.hubspot.control.advanceClock(26 * MINUTE);
    const gone = await harness.bridge.context.credentials.getHubSpotAccessToken(installation.id);
    expect(!gone.ok && gone.error.code).toBe('hubspot_uninstalled');

    const calls = await oauthCalls(harness);
    expect(Object.keys(calls).filter((route) => route.includes('/oauth/v1/'))).toEqual([]);
    expect(calls['POST /oauth/v3/token']).toBe(3);
    expect(calls['POST /oauth/v3/token/introspect']).toBe(2);
  });
});
