/**
 * Following a Salesforce connect link through the real browser flow: opening it shows which HubSpot account
 * the org would sync with and who asked, and changes nothing; only "Continue to Salesforce" (a POST from that
 * page, in the same browser) uses it up and goes on to Salesforce; a link from the install page works only in
 * the installer's browser.
 */
import { hashNonce } from '../../../src/install/oauthState';
import { Browser, formOf, linkTo, textOf, type Page } from '../../support/browser';
import { testDialects } from '../../support/db';
import { connectSalesforce, installApp, installationOf, startHarness, type Harness } from './harness';

describe.each(testDialects)('Salesforce connect links on %s', (dialect) => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness(dialect);
  });
  afterAll(async () => harness.close());

  const isSalesforceAuthorize = (url: URL) =>
    url.origin === harness.salesforce.baseUrl && url.pathname.endsWith('/services/oauth2/authorize');
  const linkRow = async (link: string) =>
    harness.testDb
      .db('oauth_states')
      .where({ nonce_hash: hashNonce(new URL(link).searchParams.get('link') ?? '') })
      .first();
  const stateCount = async () => Number((await harness.testDb.db('oauth_states').count({ n: '*' }))[0]?.n);

  function expectRefusal(page: Page, status: number, title: string): void {
    expect(page.status).toBe(status);
    expect(textOf(page)).toContain(title);
    expect(textOf(page)).toContain('What to do:');
  }

  it('shows the HubSpot account and who asked, changing nothing, and goes to Salesforce only on Continue', async () => {
    const browser = new Browser();
    const installPage = await installApp(harness, browser, 9101);
    const link = linkTo(installPage, /production/i);
    const before = {
      link: await linkRow(link),
      installation: await installationOf(harness, 9101),
      states: await stateCount(),
    };

    const review = await browser.open(link);
    expect(review.status).toBe(200);
    expect(review.hops).toHaveLength(1);
    const text = textOf(review);
    expect(text).toContain('Connect Salesforce to HubSpot account portal9101.example.com');
    expect(text).toContain('portal9101.example.com (portal 9101)');
    expect(text).toContain('admin@portal9101.example.com');
    expect(text).toContain('who installed the app in this browser');
    expect(text).toContain('Sync starts as soon as Salesforce is connected');
    expect(formOf(review)).toMatchObject({
      action: `${harness.bridge.baseUrl}/oauth/salesforce/start`,
      fields: { environment: 'production', link: new URL(link).searchParams.get('link') },
    });
    // The form posts to the bridge, whose answer redirects to the login host: both are allowed targets.
    expect(review.headers.get('content-security-policy')).toMatch(
      new RegExp(`form-action ${harness.bridge.baseUrl} ${harness.salesforce.baseUrl} `),
    );

    // Looking again, or from a reload, is the same page: nothing was used up or written.
    expect(textOf(await browser.open(link))).toBe(text);
    expect(await linkRow(link)).toEqual(before.link);
    expect(await installationOf(harness, 9101)).toEqual(before.installation);
    expect(await stateCount()).toBe(before.states);

    const started = await browser.submit(review, { stopBefore: isSalesforceAuthorize });
    expect(started.hops).toEqual([{ url: `${harness.bridge.baseUrl}/oauth/salesforce/start`, status: 303 }]);
    const authorize = new URL(started.url);
    expect(authorize.origin + authorize.pathname).toBe(
      `${harness.salesforce.baseUrl}/services/oauth2/authorize`,
    );
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      `${harness.bridge.baseUrl}/oauth/salesforce/callback`,
    );
    expect((await linkRow(link)).consumed_at).not.toBeNull();
    expectRefusal(await browser.open(link), 400, 'This sign-in was already used');

    const connected = await browser.open(started.url);
    expect(textOf(connected)).toContain('Salesforce connected');
    expect(textOf(connected)).toContain('Sync is on');
    expect(await installationOf(harness, 9101)).toMatchObject({
      status: 'active',
      syncPaused: false,
      state: { awaitingConfirmation: false },
      salesforce: {
        connectionOrigin: {
          via: 'install_page',
          requestedBy: { email: 'admin@portal9101.example.com' },
          previousOrgId: null,
        },
      },
    });
  });

  it('refuses an install-page link in another browser, says to use the settings page, and keeps it for the installer', async () => {
    const installer = new Browser();
    const installPage = await installApp(harness, installer, 9102);
    const link = linkTo(installPage, /production/i);

    const elsewhere = new Browser();
    const refused = await elsewhere.open(link);
    expectRefusal(refused, 403, 'This link works only in the browser that installed the app');
    expect(textOf(refused)).toContain('make a link on the Connection tab');
    expect(textOf(refused)).toContain('Nothing was connected or changed');
    expect(refused.html).not.toContain('Continue to Salesforce');

    // Even the installer's own page, copied with its token, does not continue from another browser.
    const review = await installer.open(link);
    expectRefusal(
      await elsewhere.submit(review, { stopBefore: isSalesforceAuthorize }),
      403,
      'This request to continue could not be verified',
    );
    expect((await linkRow(link)).consumed_at).toBeNull();
    expect((await installationOf(harness, 9102)).status).toBe('awaiting_salesforce');

    const connected = await connectSalesforce(harness, installer, installPage);
    expect(textOf(connected)).toContain('Salesforce connected');
    expect((await installationOf(harness, 9102)).syncPaused).toBe(false);
  });

  it('refuses a Continue that did not come from the page this browser was shown', async () => {
    const browser = new Browser();
    const installPage = await installApp(harness, browser, 9103);
    const link = linkTo(installPage, /production/i);
    const review = await browser.open(link);

    // Another site posting the form: no cookie comes with it (SameSite=Lax), and it cannot know the token.
    const forged = await fetch(`${harness.bridge.baseUrl}/oauth/salesforce/start`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(formOf(review).fields).toString(),
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('This request to continue could not be verified');
    const guessed = await browser.submit(review, { fields: { confirm: 'a-guess' } });
    expectRefusal(guessed, 403, 'This request to continue could not be verified');
    const otherHost = await browser.submit(review, { fields: { environment: 'sandbox' } });
    expectRefusal(otherHost, 403, 'This request to continue could not be verified');
    const incomplete = await browser.submit(review, { fields: { link: '' } });
    expect(incomplete.status).toBe(400);
    expect((await linkRow(link)).consumed_at).toBeNull();

    const connected = await browser.submit(review);
    expect(textOf(connected)).toContain('Salesforce connected');
  });
});
