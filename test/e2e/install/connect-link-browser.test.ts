/**
 * The install and the Salesforce step in headless chromium, which enforces what the test browser does not:
 * the page a connect link shows has a form whose POST, and the redirects after it to the Salesforce login
 * host and back, are all allowed by that page's Content-Security-Policy; SameSite=Lax lets the browser
 * cookie travel with that same-site POST; and the link opened in another browser profile is refused.
 */
import type { Browser } from 'playwright-core';
import { describeWithChromium, launchChromium, screenshotPath } from '../../support/chromium';
import { installationOf, startHarness, type Harness } from './harness';

describeWithChromium('the Salesforce step in a real browser', () => {
  let harness: Harness;
  let browser: Browser;

  beforeAll(async () => {
    [harness, browser] = await Promise.all([startHarness('sqlite'), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('shows the HubSpot account, then continues to Salesforce and back; another profile is refused', async () => {
    const installer = await browser.newContext();
    const page = await installer.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(`${harness.bridge.baseUrl}/oauth/hubspot/install`);
    await page.getByText('HubSpot connected').waitFor();
    const link = await page.getByRole('link', { name: 'Connect production Salesforce' }).getAttribute('href');

    await page.getByRole('link', { name: 'Connect production Salesforce' }).click();
    await page.getByRole('heading', { name: /Connect Salesforce to HubSpot account/ }).waitFor();
    const review = await page.locator('body').innerText();
    const installation = (await harness.testDb.db('installations').first()) as { hubspot_portal_id: string };
    expect(review).toContain(`(portal ${installation.hubspot_portal_id})`);
    await page.screenshot({ path: screenshotPath('install', 'connect-link.png'), fullPage: true });

    const other = await browser.newContext();
    const elsewhere = await other.newPage();
    const refused = await elsewhere.goto(link ?? '');
    expect(refused?.status()).toBe(403);
    await elsewhere.getByText('This link works only in the browser that installed the app').waitFor();
    await other.close();

    await page.getByRole('button', { name: 'Continue to Salesforce' }).click();
    await page.getByRole('heading', { name: 'Salesforce connected' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/oauth/salesforce/callback');
    expect(blocked).toEqual([]);
    expect(await installationOf(harness, Number(installation.hubspot_portal_id))).toMatchObject({
      status: 'active',
      syncPaused: false,
    });
    await installer.close();
  });
});
