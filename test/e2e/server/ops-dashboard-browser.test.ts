/**
 * The operator dashboard in headless chromium, over a real sync through both emulators: the operator signs
 * in with the token, sees the installation with the numbers of the contacts that synced and the charts the
 * worker's samples draw, pauses and resumes its sync from the page (the installation's state follows), and
 * retries a record Salesforce refused once (a validation rule), which then syncs. Chromium enforces the
 * page's Content-Security-Policy and the cookie's SameSite=Strict. Screenshots: test-output/ops/.
 */
import type { Browser, Page } from 'playwright-core';
import * as failures from '../../../src/db/failures';
import * as installations from '../../../src/db/installations';
import { takeSamples } from '../../../src/ops/samples';
import type { SyncWorker } from '../../../src/sync/worker';
import { TEST_OPS_TOKEN } from '../../support/bridge-context';
import { describeWithChromium, launchChromium, screenshotPath } from '../../support/chromium';
import { startChangeHarness, type ChangeHarness } from '../changes/harness';

const PORTAL_ID = 6101;
const COLLECTION = '/services/data/vXX.X/composite/sobjects';

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithChromium('the operator dashboard in a browser', () => {
  let harness: ChangeHarness;
  let browser: Browser;
  let worker: SyncWorker;
  let installationId: string;
  let page: Page;
  let adaId: string;
  const refused: string[] = [];

  async function settle(): Promise<void> {
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
  }

  beforeAll(async () => {
    [harness, browser] = await Promise.all([startChangeHarness('sqlite'), launchChromium()]);
    installationId = (await harness.install(PORTAL_ID)).id;
    // The org's users own the Leads the contacts become; HubSpot knows them as owners too.
    for (const email of ['admin@default.example', 'rep@sandbox.example']) {
      await harness.hubspot.control.addOwner(PORTAL_ID, { email });
    }
    worker = harness.startWorker();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await harness?.close();
  });

  const person = () => harness.hubspot.control.asUser(PORTAL_ID);
  const section = () => page.locator(`section[data-installation="${installationId}"]`);
  const notice = () => page.locator('[role="status"]');

  it('signs in and shows the installation with the numbers and charts of a real sync', async () => {
    // Contacts created in HubSpot over two minutes, each minute sampled as the worker role samples it.
    adaId = (
      await person().create('contacts', {
        email: 'ada@ops.example',
        firstname: 'Ada',
        lastname: 'Lovelace',
      })
    ).id;
    await settle();
    await takeSamples(harness.bridge.context);
    await harness.advanceTime(61_000);
    await person().create('contacts', { email: 'grace@ops.example', firstname: 'Grace', lastname: 'Hopper' });
    await person().create('contacts', { email: 'alan@ops.example', firstname: 'Alan', lastname: 'Turing' });
    await settle();
    await takeSamples(harness.bridge.context);

    // Salesforce refuses the next write once: the contact's edit becomes a quarantined record.
    await harness.salesforce.control.addFault({
      kind: 'validation_rule',
      route: `${COLLECTION}*`,
      message: 'Title must not mention engines',
      fields: ['Title'],
    });
    await person().update('contacts', adaId, { jobtitle: 'Engine analyst' });
    await settle();
    await eventually(
      'the quarantined record',
      async () => (await failures.list(harness.testDb.db, installationId, { states: ['open'] })).length === 1,
    );

    const login = await page.goto(`${harness.bridge.baseUrl}/ops`);
    expect(login?.status()).toBe(200);
    await page.getByLabel('Operator token').fill(TEST_OPS_TOKEN);
    await page.screenshot({ path: screenshotPath('ops', 'login.png') });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Salesforce Bridge operations' }).waitFor();
    expect(page.url()).toBe(`${harness.bridge.baseUrl}/ops`);
    expect(page.url()).not.toContain(TEST_OPS_TOKEN);
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([expect.objectContaining({ path: '/ops', httpOnly: true, sameSite: 'Strict' })]);

    const row = page.locator(`[data-testid="installations"] tr[data-installation="${installationId}"]`);
    const cells = await row.locator('td').allInnerTexts();
    // installation, state, HubSpot, Salesforce, lag, synced 1 h, success, failures, conflicts, questions …
    expect(cells[1]).toBe('syncing');
    expect(cells[2]).toBe('connected');
    expect(cells[3]).toBe('connected');
    expect(Number(cells[5])).toBeGreaterThanOrEqual(3);
    expect(cells[7]).toBe('1');
    expect(cells[10]).toMatch(/^\d+ \/ \d+ \(/);

    const throughput = section().locator('svg[aria-label="Records synced per minute"]');
    expect(Number(await throughput.getAttribute('data-points'))).toBe(2);
    await expect(throughput.locator('polyline').getAttribute('points')).resolves.toMatch(
      /^[\d.]+,[\d.]+ [\d.]+,[\d.]+$/,
    );
    const lag = section().locator('svg[aria-label="Lag (oldest waiting change)"]');
    expect(Number(await lag.getAttribute('data-points'))).toBe(2);
    await page.screenshot({ path: screenshotPath('ops', 'dashboard.png'), fullPage: true });
  });

  it('pauses and resumes the installation from the page', async () => {
    await section().getByRole('button', { name: 'Pause sync' }).click();
    await notice().filter({ hasText: 'Sync paused.' }).waitFor();
    expect(await installations.findById(harness.testDb.db, installationId)).toMatchObject({
      syncPaused: true,
      pauseReason: 'paused_by_admin',
    });
    const row = page.locator(`[data-testid="installations"] tr[data-installation="${installationId}"]`);
    expect((await row.locator('td').allInnerTexts())[1]).toBe('paused');
    await page.screenshot({ path: screenshotPath('ops', 'paused.png'), fullPage: true });

    await section().getByRole('button', { name: 'Resume sync' }).click();
    await notice().filter({ hasText: 'Sync resumed.' }).waitFor();
    expect(await installations.findById(harness.testDb.db, installationId)).toMatchObject({
      syncPaused: false,
    });
    await section().getByRole('button', { name: 'Pause sync' }).waitFor();
  });

  it('retries the quarantined record, which then syncs', async () => {
    const [failure] = await failures.list(harness.testDb.db, installationId, { states: ['open'] });
    const deadLetter = section().locator(`tr[data-failure="${failure!.id}"]`);
    expect(await deadLetter.innerText()).toContain('validation');
    await deadLetter.getByRole('button', { name: 'Retry' }).click();
    await notice().filter({ hasText: 'The record went back to the queue' }).waitFor();
    await eventually(
      'the retried record to sync',
      async () =>
        (await failures.findById(harness.testDb.db, installationId, failure!.id))?.state === 'resolved',
    );
    const link = await harness.testDb
      .db('links')
      .where({ installation_id: installationId, hubspot_id: adaId, state: 'active' })
      .first();
    expect((await harness.salesforce.control.getRecord(String(link.salesforce_id))).Title).toBe(
      'Engine analyst',
    );

    await page.goto(`${harness.bridge.baseUrl}/ops`);
    await expect(section().locator(`tr[data-failure="${failure!.id}"]`).count()).resolves.toBe(0);
    await page.screenshot({ path: screenshotPath('ops', 'retried.png'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Operator token').waitFor();
    expect(await page.context().cookies()).toEqual([]);
    expect(refused).toEqual([]);
  });
});
