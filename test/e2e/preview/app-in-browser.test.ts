/**
 * The app's own card and settings page (hubspot-app/) in headless chromium through the local preview, as a
 * rep and an admin use them: the card of a synced contact with its status and values, "Sync now", a
 * conflict settled by keeping Salesforce's value, and a rule change on the settings page that the server
 * refuses with a message under the field. Screenshots land in test-output/app/ (the README's come from here).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SyncWorker } from '../../../src/sync/worker';
import { startPreview, type PreviewServer } from '../../preview/server';
import { TEST_HUBSPOT_APP } from '../../support/bridge-context';
import { describeWithChromium, launchChromium, screenshotPath } from '../../support/chromium';
import { signedApi, type Json } from '../../support/signed-api';
import { startChangeHarness, type ChangeHarness } from '../changes/harness';

const PORTAL_ID = 5301;
const CARD = '[data-extension="contact_salesforce_sync"]';
const SETTINGS = '[data-extension="bridge_settings"]';

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : '';
}

describeWithChromium('the app in a browser', () => {
  let harness: ChangeHarness;
  let worker: SyncWorker;
  let installationId: string;
  let preview: PreviewServer;
  let browser: Browser;
  const pages: Page[] = [];
  const pageErrors: string[] = [];

  const api = async (method: 'GET' | 'PUT', path: string, body?: Json) =>
    (await signedApi(harness.hubspot, harness.bridge.baseUrl, PORTAL_ID)(method, path, body)).body;

  async function settle() {
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.pollAll();
    await harness.drained(installationId);
  }

  async function open(url: string, frame: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url);
    await page.waitForSelector(`${frame}[data-extension-state="rendered"]`, { timeout: 20_000 });
    return page;
  }

  const tag = (page: Page) => page.locator(`${CARD} [data-testid="sync-status"]`);

  beforeAll(async () => {
    harness = await startChangeHarness('sqlite');
    installationId = (await harness.install(PORTAL_ID)).id;
    for (const email of ['admin@default.example', 'rep@sandbox.example']) {
      await harness.hubspot.control.addOwner(PORTAL_ID, { email });
    }
    worker = harness.startWorker();
    [preview, browser] = await Promise.all([
      startPreview({
        hubspotEmulatorBaseUrl: harness.hubspot.baseUrl,
        bridgeBaseUrl: harness.bridge.baseUrl,
        appId: Number(TEST_HUBSPOT_APP.appId),
        defaultPortalId: PORTAL_ID,
      }),
      launchChromium(),
    ]);
  }, 90_000);

  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await preview?.close();
    await worker?.stop();
    await harness?.close();
  });

  let adaId: string;

  it("shows a rep a synced contact's status and values, and Sync now ends In sync", async () => {
    adaId = (
      await harness.hubspot.control.asUser(PORTAL_ID).create('contacts', {
        email: 'ada@browser.example',
        firstname: 'Ada',
        lastname: 'Lovelace',
        company: 'Analytical Engines',
        jobtitle: 'Analyst',
        phone: '+44 20 7946 0958',
      })
    ).id;
    await settle();
    const page = await open(preview.cardUrl('0-1', adaId), CARD);
    await eventually('the In sync tag', async () => (await textOf(tag(page))) === 'In sync');
    const fields = page.locator(`${CARD} [data-testid="field-table"]`);
    await fields.waitFor({ timeout: 20_000 });
    const table = (await fields.textContent()) ?? '';
    for (const value of ['Ada', 'Lovelace', 'Analyst', 'ada@browser.example']) expect(table).toContain(value);
    await expect(
      page.locator(`${CARD} [data-testid="salesforce-link"]`).getAttribute('href'),
    ).resolves.toMatch(/\/lightning\/r\/Lead\/00Q\w+\/view$/);
    await page.screenshot({ path: screenshotPath('app', 'card-in-sync.png'), fullPage: true });

    await page.locator(`${CARD} [data-testid="sync-now"]`).click();
    await eventually('the alert banner', async () =>
      /will sync in a moment/.test(await page.locator('body').innerText()),
    );
    await harness.drained(installationId);
    await eventually('In sync after Sync now', async () => (await textOf(tag(page))) === 'In sync');
    await eventually('the request in the history', async () =>
      (await textOf(page.locator(`${CARD} [data-testid="history"]`))).includes('asked to sync'),
    );
  });

  it('shows a conflict with both values, and keeping Salesforce writes it to HubSpot', async () => {
    const current = await api('GET', '/api/settings');
    const document = structuredClone(defaultSettingsInput) as unknown as {
      objects: { contacts: { fields: Array<{ key: string; rule: string }> } };
    };
    document.objects.contacts.fields.find((field) => field.key === 'jobtitle')!.rule = 'review';
    await api('PUT', '/api/settings', {
      document: document as unknown as Json,
      baseVersion: current.version as number,
    });
    const status = await api('GET', `/api/sync/records/hubspot/contacts/${adaId}`);
    const leadId = (status.link as { salesforce: { recordId: string } }).salesforce.recordId;
    await worker.stop();
    await harness.hubspot.control.asUser(PORTAL_ID).update('contacts', adaId, { jobtitle: 'Chief Analyst' });
    await harness.salesforce.control.updateRecord(leadId, { Title: 'Head of Analysis' });
    worker = harness.startWorker();
    await settle();

    const page = await open(preview.cardUrl('0-1', adaId), CARD);
    await eventually('the Conflict tag', async () => (await textOf(tag(page))) === 'Conflict');
    const conflict = page.locator(`${CARD} [data-testid="conflict-jobtitle"]`);
    await expect(conflict.textContent()).resolves.toMatch(/Chief Analyst[\s\S]*Head of Analysis/);
    await page.locator(`${CARD} [data-testid="field-table"]`).waitFor({ timeout: 20_000 });
    await expect(page.locator(`${CARD} [data-testid="field-status-jobtitle"]`).textContent()).resolves.toBe(
      'Conflict',
    );
    await page.screenshot({ path: screenshotPath('app', 'card-conflict.png'), fullPage: true });

    await page.locator(`${CARD} [data-testid="keep-salesforce-jobtitle"]`).click();
    await eventually('the choice to be taken', async () =>
      /your choice will be written/.test(await page.locator('body').innerText()),
    );
    await harness.drained(installationId);
    await eventually('In sync after the conflict', async () => (await textOf(tag(page))) === 'In sync');
    const contact = await harness.hubspot.control.record(PORTAL_ID, 'contacts', adaId);
    expect(contact.properties.jobtitle).toBe('Head of Analysis');
  });

  it("shows an admin the server's message under a field they change, before saving", async () => {
    const page = await open(preview.settingsUrl(), SETTINGS);
    const transform = page.locator(`${SETTINGS} [data-testid="transform-phone"] select`);
    await transform.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: screenshotPath('app', 'settings-fields.png'), fullPage: true });
    await transform.selectOption({ label: 'Date' });
    const rule = page.locator(`${SETTINGS} [data-testid="rule-phone"]`);
    await eventually(
      'the message under the field',
      async () => (await textOf(rule.locator('.pv-field__message'))).length > 10,
    );
    expect(await textOf(rule.locator('.pv-field__message'))).toMatch(/phone|date|Phone/i);
    await eventually('the draft state', async () =>
      /problem/.test(await textOf(page.locator(`${SETTINGS} [data-testid="draft-state"]`))),
    );
    await page.screenshot({ path: screenshotPath('app', 'settings-validation.png'), fullPage: true });
    await expect(page.locator(`${SETTINGS} button[data-testid="save"]`).isDisabled()).resolves.toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('opens every tab of the settings page without an error or a gap', async () => {
    const page = await open(preview.settingsUrl(), SETTINGS);
    await page.locator(`${SETTINGS} [data-testid="mappings-contacts"]`).waitFor({ timeout: 20_000 });
    const tabs: Array<[title: string, shows: string]> = [
      ['Connection', 'connection-tab'],
      ['Which records', 'records-tab'],
      ['Deletes and limits', 'operations-tab'],
      ['Access', 'access-tab'],
      ['Health', 'health-tab'],
    ];
    for (const [title, testId] of tabs) {
      await page.locator(`${SETTINGS} [role="tab"]`, { hasText: title }).click();
      const tab = page.locator(`${SETTINGS} [data-testid="${testId}"]`);
      await tab.waitFor({ timeout: 20_000 });
      await page
        .locator(`${SETTINGS} [data-component="LoadingSpinner"]`)
        .first()
        .waitFor({ state: 'detached', timeout: 10_000 })
        .catch(() => undefined);
      await page.screenshot({ path: screenshotPath('app', `settings-${testId}.png`), fullPage: true });
      await expect(page.locator(`${SETTINGS} [data-component="Unknown"]`).count()).resolves.toBe(0);
      await expect(page.locator(`${SETTINGS} [data-component="ErrorState"]`).count()).resolves.toBe(0);
    }
    expect(pageErrors).toEqual([]);
  });
});
