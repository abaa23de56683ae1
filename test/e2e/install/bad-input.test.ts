import { disconnectSalesforce } from '../../../src/install/salesforceDisconnect';
import { STATE_TTL_MS } from '../../../src/install/oauthState';
import { Browser, linkTo, textOf, type Page } from '../../support/browser';
import { testDialects } from '../../support/db';
import {
  choosingPortal,
  connectSalesforce,
  followConnectLink,
  installApp,
  installationOf,
  loggingInAs,
  startHarness,
  type Harness,
} from './harness';

const isHubSpotAuthorize = (harness: Harness) => (url: URL) =>
  url.origin === harness.hubspot.baseUrl && url.pathname === '/oauth/authorize';
const isSalesforceAuthorize = (harness: Harness) => (url: URL) =>
  url.origin === harness.salesforce.baseUrl && url.pathname.endsWith('/services/oauth2/authorize');
const isCallback = (harness: Harness, provider: 'hubspot' | 'salesforce') => (url: URL) =>
  url.origin === harness.bridge.baseUrl && url.pathname === `/oauth/${provider}/callback`;

/** What the provider sends back when the person clicks "Deny" on its approval screen. */
function denied(authorizeUrl: URL): { redirectTo: string } {
  const back = new URL(authorizeUrl.searchParams.get('redirect_uri') ?? '');
  back.searchParams.set('error', 'access_denied');
  back.searchParams.set('error_description', 'The user denied access');
  back.searchParams.set('state', authorizeUrl.searchParams.get('state') ?? '');
  return { redirectTo: back.toString() };
}

function expectClearPage(page: Page, status: number, title: string): void {
  expect(page.status).toBe(status);
  const text = textOf(page);
  expect(text).toContain(title);
  expect(text).toContain('What happened:');
  expect(text).toContain('What to do:');
}

describe.each(testDialects)('bad input during install and connect on %s', (dialect) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(dialect);
  });
  afterAll(async () => harness.close());

  const installationCount = async () =>
    Number((await harness.testDb.db('installations').count({ n: '*' }))[0]?.n);

  it('refuses a callback without a state, or with one it never issued', async () => {
    const browser = new Browser();
    const missing = await browser.open(`${harness.bridge.baseUrl}/oauth/hubspot/callback?code=anything`);
    expectClearPage(missing, 400, 'This sign-in cannot be verified');
    expect(linkTo(missing, /Start again/)).toBe('/oauth/hubspot/install');
    const unknown = await browser.open(
      `${harness.bridge.baseUrl}/oauth/hubspot/callback?code=anything&state=made-up`,
    );
    expectClearPage(unknown, 400, 'This sign-in cannot be verified');
    const salesforce = await browser.open(
      `${harness.bridge.baseUrl}/oauth/salesforce/callback?code=anything&state=made-up`,
    );
    expectClearPage(salesforce, 400, 'This sign-in cannot be verified');
    expect(await installationCount()).toBe(0);
  });

  it('stores nothing for install requests nobody completes, nor for callbacks HubSpot did not authorize', async () => {
    const rows = async () => Number((await harness.testDb.db('oauth_states').count({ n: '*' }))[0]?.n);
    const before = await rows();
    const starts = await Promise.all(
      Array.from({ length: 25 }, () =>
        fetch(`${harness.bridge.baseUrl}/oauth/hubspot/install`, { redirect: 'manual' }),
      ),
    );
    expect(starts.every((response) => response.status === 302)).toBe(true);
    expect(await rows()).toBe(before);

    // A callback with the state of a real start but a code HubSpot never issued stores nothing either.
    const page = await new Browser().open(`${harness.bridge.baseUrl}/oauth/hubspot/install`, {
      beforeRequest: (url) => {
        if (isCallback(harness, 'hubspot')(url)) url.searchParams.set('code', 'not-a-code-hubspot-issued');
        return url;
      },
    });
    expectClearPage(page, 502, 'The sign-in could not be completed');
    expect(await rows()).toBe(before);
  });

  it('refuses a state that expired while the admin was on HubSpot', async () => {
    const page = await new Browser().open(`${harness.bridge.baseUrl}/oauth/hubspot/install`, {
      beforeRequest: (url) => {
        if (isHubSpotAuthorize(harness)(url)) harness.clock.advance(STATE_TTL_MS + 1);
        return url;
      },
    });
    expectClearPage(page, 400, 'This sign-in link expired');
    expect(textOf(page)).toContain('longer than 10 minutes');
    expect(await installationCount()).toBe(0);
  });

  it('refuses a HubSpot approval the admin declined', async () => {
    const page = await new Browser().open(`${harness.bridge.baseUrl}/oauth/hubspot/install`, {
      beforeRequest: (url) => (isHubSpotAuthorize(harness)(url) ? denied(url) : url),
    });
    expectClearPage(page, 403, 'Access was not granted');
    expect(textOf(page)).toContain('install it again and approve');
    expect(await installationCount()).toBe(0);
  });

  it('refuses an authorization code HubSpot does not accept', async () => {
    const page = await new Browser().open(`${harness.bridge.baseUrl}/oauth/hubspot/install`, {
      beforeRequest: (url) => {
        if (isCallback(harness, 'hubspot')(url)) url.searchParams.set('code', 'not-a-code-hubspot-issued');
        return url;
      },
    });
    expectClearPage(page, 502, 'The sign-in could not be completed');
    expect(await installationCount()).toBe(0);
  });

  it('refuses a HubSpot callback replayed after it succeeded, leaving the installation as it was', async () => {
    const browser = new Browser();
    const page = await installApp(harness, browser, 6001);
    expect(page.status).toBe(200);
    const before = await installationOf(harness, 6001);
    const callback = page.hops.find((hop) => isCallback(harness, 'hubspot')(new URL(hop.url)));
    const replay = await browser.open(callback?.url ?? '');
    expectClearPage(replay, 400, 'This sign-in was already used');
    expect(await installationOf(harness, 6001)).toEqual(before);
  });

  it('refuses a HubSpot callback completed in another browser', async () => {
    const started = await new Browser().open(`${harness.bridge.baseUrl}/oauth/hubspot/install`, {
      beforeRequest: choosingPortal(harness, 6002),
      stopBefore: isCallback(harness, 'hubspot'),
    });
    const page = await new Browser().open(started.url);
    expectClearPage(page, 403, 'This sign-in belongs to another session');
    expect(await harness.testDb.db('installations').where({ hubspot_portal_id: '6002' })).toHaveLength(0);
  });

  it('refuses a Salesforce approval the admin declined, then connects from the retry link', async () => {
    const browser = new Browser();
    const installPage = await installApp(harness, browser, 6003);
    const page = await followConnectLink(browser, linkTo(installPage, /production/i), {
      beforeRequest: (url) => (isSalesforceAuthorize(harness)(url) ? denied(url) : url),
    });
    expectClearPage(page, 403, 'Access was not granted');
    expect(textOf(page)).toContain('choose "Allow"');
    expect((await installationOf(harness, 6003)).status).toBe('awaiting_salesforce');

    const retried = await followConnectLink(browser, linkTo(page, /Connect production Salesforce/));
    expect(retried.status).toBe(200);
    expect((await installationOf(harness, 6003)).status).toBe('active');
  });

  it('refuses an authorization code Salesforce does not accept, storing nothing', async () => {
    const browser = new Browser();
    const installPage = await installApp(harness, browser, 6004);
    const page = await followConnectLink(browser, linkTo(installPage, /production/i), {
      beforeRequest: (url) => {
        if (isCallback(harness, 'salesforce')(url)) url.searchParams.set('code', 'aPrx-not-issued');
        return url;
      },
    });
    expectClearPage(page, 502, 'The sign-in could not be completed');
    const installation = await installationOf(harness, 6004);
    expect(installation.salesforce).toMatchObject({ orgId: null, accessToken: null, refreshToken: null });
    expect(installation.status).toBe('awaiting_salesforce');
  });

  it('sends a PKCE challenge to Salesforce, and a code authorized for another challenge is refused', async () => {
    const browser = new Browser();
    const installPage = await installApp(harness, browser, 6008);
    let challenge: string | null = null;
    const page = await followConnectLink(browser, linkTo(installPage, /production/i), {
      beforeRequest: (url) => {
        if (url.pathname.endsWith('/services/oauth2/authorize')) {
          challenge = url.searchParams.get('code_challenge');
          expect(url.searchParams.get('code_challenge_method')).toBe('S256');
          // Someone who swapped in their own challenge (and holds its verifier) gets a code the bridge cannot use.
          url.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
        }
        return url;
      },
    });
    expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expectClearPage(page, 502, 'The sign-in could not be completed');
    expect((await installationOf(harness, 6008)).salesforce).toMatchObject({
      orgId: null,
      refreshToken: null,
    });

    // Unchanged, the same flow connects: the bridge presented the verifier of the challenge it sent.
    const retried = await connectSalesforce(harness, browser, await installApp(harness, browser, 6008));
    expect(retried.status).toBe(200);
    expect((await installationOf(harness, 6008)).status).toBe('active');
  });

  it("refuses a portal completing another portal's Salesforce step", async () => {
    const adminA = new Browser();
    const adminB = new Browser();
    const pageA = await installApp(harness, adminA, 6005);
    await installApp(harness, adminB, 6006);
    // Admin A starts connecting Salesforce, but the authorize link ends up with admin B, who approves it.
    const startedByA = await followConnectLink(adminA, linkTo(pageA, /production/i), {
      stopBefore: isSalesforceAuthorize(harness),
    });
    const grantsBefore = await harness.salesforce.control.listGrants();
    const page = await adminB.open(startedByA.url);
    expectClearPage(page, 403, 'This sign-in belongs to another session');
    expect(textOf(page)).toContain('nothing was connected or changed');
    for (const portalId of [6005, 6006]) {
      const installation = await installationOf(harness, portalId);
      expect(installation.status).toBe('awaiting_salesforce');
      expect(installation.salesforce.orgId).toBeNull();
    }
    // The code Salesforce issued was never exchanged: no grant was created.
    expect((await harness.salesforce.control.listGrants()).refreshTokens).toHaveLength(
      grantsBefore.refreshTokens.length,
    );
  });

  it('refuses to switch an installation to another Salesforce org, and revokes the new grant', async () => {
    await harness.salesforce.control.createOrg({ name: 'initech', adminUsername: 'admin@initech.example' });
    const browser = new Browser();
    const installPage = await installApp(harness, browser, 6007);
    await connectSalesforce(harness, browser, installPage);
    const first = await installationOf(harness, 6007);
    const disconnected = await disconnectSalesforce(harness.bridge.context, first.id);
    expect(disconnected.ok).toBe(true);

    const again = await installApp(harness, browser, 6007);
    const page = await followConnectLink(browser, linkTo(again, /production/i), {
      beforeRequest: loggingInAs(harness, 'admin@initech.example'),
    });
    expectClearPage(page, 409, 'This is a different Salesforce org');
    expect(textOf(page)).toContain(first.salesforce.orgId ?? 'missing org id');
    const after = await installationOf(harness, 6007);
    expect(after.status).toBe('awaiting_salesforce');
    expect(after.salesforce.orgId).toBe(first.salesforce.orgId);
    expect((await harness.salesforce.control.listGrants({ org: 'initech' })).refreshTokens).toEqual([]);
  });

  it('answers a malformed link with a page, not a crash', async () => {
    const page = await new Browser().open(
      `${harness.bridge.baseUrl}/oauth/hubspot/callback?state=a&state=b&code=c`,
    );
    expectClearPage(page, 400, 'This link is malformed');
    const start = await new Browser().open(
      `${harness.bridge.baseUrl}/oauth/salesforce/start?link=x&environment=staging`,
    );
    expectClearPage(start, 400, 'This link is malformed');
  });
});
