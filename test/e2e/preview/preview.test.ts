/**
 * The local preview in a real browser (headless chromium): the fixture card and settings page run in their
 * Web Workers against @remote-ui/react, are drawn as HTML, call back into the extension, and reach a real
 * installed bridge with hubspot.fetch signed by the HubSpot emulator's proxy. Screenshots go to
 * test-output/preview/ for people to look at.
 *
 * One database dialect is enough: what is under test is the browser side and the signed relay, not storage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { FIXTURE_PROJECT_DIR } from '../../preview/project';
import { startPreview, type PreviewServer } from '../../preview/server';
import { TEST_HUBSPOT_APP } from '../../support/bridge-context';
import { describeWithChromium, launchChromium, screenshotPath } from '../../support/chromium';
import { installBridge, type InstalledBridge } from '../../support/installedBridge';
import { freePort } from '../../support/stack/bridge-process';

jest.setTimeout(60_000);

const PORTAL_ID = 4242;
const FIXTURE_CARD = '[data-extension="preview_fixture_card"]';
const FIXTURE_SETTINGS = '[data-extension="preview_fixture_settings"]';

/** A project of two cards on deals: one using a component the preview has no drawing for, one that throws. */
function writeGapsProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preview-gaps-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  write('hsproject.json', JSON.stringify({ name: 'gaps', srcDir: 'src', platformVersion: '2025.2' }));
  const card = (uid: string, name: string, entry: string) =>
    JSON.stringify({
      uid,
      type: 'card',
      config: { name, location: 'crm.record.tab', entrypoint: `/app/cards/${entry}`, objectTypes: ['deals'] },
    });
  write('src/app/cards/gap-hsmeta.json', card('gap_card', 'Gap card', 'GapCard.tsx'));
  write('src/app/cards/crash-hsmeta.json', card('crash_card', 'Crashing card', 'CrashCard.tsx'));
  write(
    'src/app/cards/GapCard.tsx',
    `import { createRemoteReactComponent } from '@remote-ui/react';
import { hubspot, Text } from '@hubspot/ui-extensions';
const Sparkles = createRemoteReactComponent<'Sparkles', { testId?: string }>('Sparkles');
hubspot.extend<'crm.record.tab'>(() => (
  <Sparkles testId="sparkles"><Text testId="inside">Still drawn inside</Text></Sparkles>
));
`,
  );
  write(
    'src/app/cards/CrashCard.tsx',
    `import { hubspot, Text } from '@hubspot/ui-extensions';
function Broken(): never { throw new Error('the deal has no amount'); }
hubspot.extend<'crm.record.tab'>(() => <><Text>before</Text><Broken /></>);
`,
  );
  return dir;
}

/** Waits for the extension's next render to reach the page (it arrives from the worker asynchronously). */
async function waitForText(locator: Locator, expected: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await locator.textContent();
    if (text === expected) return;
    if (Date.now() > deadline) throw new Error(`expected "${expected}", still "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeWithChromium('the local preview in chromium', () => {
  let installed: InstalledBridge;
  let preview: PreviewServer;
  let browser: Browser;
  let contactId: string;
  const opened: Page[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    installed = await installBridge('sqlite', PORTAL_ID);
    const contact = await installed.hubspot.control.asUser(PORTAL_ID).create('contacts', {
      email: 'ada@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      jobtitle: 'Engineer',
    });
    contactId = contact.id;
    [preview, browser] = await Promise.all([
      startPreview({
        hubspotEmulatorBaseUrl: installed.hubspot.baseUrl,
        bridgeBaseUrl: installed.bridge.baseUrl,
        appId: Number(TEST_HUBSPOT_APP.appId),
        defaultPortalId: PORTAL_ID,
        projectDir: FIXTURE_PROJECT_DIR,
      }),
      launchChromium(),
    ]);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((page) => page.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await preview?.close();
    await installed?.close();
  });

  async function open(url: string, extension: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    opened.push(page);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url);
    await page.waitForSelector(`${extension}[data-extension-state="rendered"]`, { timeout: 15_000 });
    return page;
  }

  const card = () => open(preview.cardUrl('0-1', contactId), FIXTURE_CARD);

  it('draws the card on the record page: real components, the record and the context HubSpot passes', async () => {
    const page = await card();
    await expect(page.getByTestId('preview-record-name').textContent()).resolves.toBe('Ada Lovelace');
    const frame = page.locator(FIXTURE_CARD);
    await expect(frame.locator('.pv-frame__title').textContent()).resolves.toBe(
      'Salesforce sync (preview fixture)',
    );
    const count = (component: string) => frame.locator(`[data-component="${component}"]`).count();
    await expect(count('Tabs')).resolves.toBe(1);
    await expect(count('Tab')).resolves.toBe(3);
    await expect(count('StatisticsItem')).resolves.toBe(2);
    await expect(count('Button')).resolves.toBeGreaterThanOrEqual(3);
    await expect(count('Unknown')).resolves.toBe(0);
    await expect(page.getByRole('tab', { name: 'Bridge' }).getAttribute('aria-selected')).resolves.toBe(
      'true',
    );
    // The context: the record, and the portal's admin as the user.
    const caption = await frame.locator('[data-component="Text"]').first().textContent();
    expect(caption).toContain(`0-1 record ${contactId}`);
    expect(caption).toContain(`admin@portal${PORTAL_ID}.example.com`);
    expect(pageErrors).toEqual([]);
  });

  it('reaches the real bridge with hubspot.fetch, signed by the emulator proxy for this portal', async () => {
    const page = await card();
    await page.getByTestId('portal-id').waitFor();
    await expect(page.getByTestId('portal-id').textContent()).resolves.toBe(String(PORTAL_ID));
    await expect(page.getByTestId('fixture-status').textContent()).resolves.toBe('active');
    await expect(page.getByTestId('fixture-status').getAttribute('data-variant')).resolves.toBe('success');
    // The same request unsigned is refused: the card's answer came through the signing proxy.
    const unsigned = await fetch(`${installed.bridge.baseUrl}/api/settings/installation`);
    expect(unsigned.status).toBe(401);
  });

  it('calls back into the extension on a click and draws what it renders next', async () => {
    const page = await card();
    const count = page.getByTestId('click-count');
    await expect(count.textContent()).resolves.toBe('Clicked 0 times');
    await page.getByTestId('click-button').click();
    await waitForText(count, 'Clicked 1 time');
    await page.getByTestId('click-button').click();
    await waitForText(count, 'Clicked 2 times');
    await expect(page.locator('.pv-statistics__number').first().textContent()).resolves.toBe('2');
  });

  it('switches tabs and hands inputs, selects, toggles and pages their values as HubSpot does', async () => {
    const page = await card();
    await page.getByRole('tab', { name: 'Try it' }).click();
    await page.getByTestId('fixture-name').getByRole('textbox').waitFor();
    await expect(page.locator('[data-component="Tab"][data-tab-id="bridge"]').isHidden()).resolves.toBe(true);

    // Input: onChange when the value is committed (blur), not on every key.
    const name = page.getByTestId('fixture-name').getByRole('textbox');
    await name.fill('Grace');
    await expect(page.getByTestId('fixture-greeting').textContent()).resolves.toBe('Nobody greeted yet');
    await name.press('Tab');
    await page.getByText('Hello, Grace').waitFor();

    // Select: onChange gets the option's value.
    await page
      .getByTestId('fixture-direction')
      .getByRole('combobox')
      .selectOption({ label: 'Salesforce to HubSpot' });
    await page.getByText('Direction: to_hubspot').waitFor();

    // Toggle: onChange(checked); it follows `checked` from the extension.
    const toggle = page.getByRole('switch', { name: 'Pause sync for this record' });
    await toggle.click();
    await waitForText(page.getByTestId('fixture-pause-state'), 'Paused');
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('true');

    // A paginated table: onPageChange(2), and the extension's next rows.
    await page.getByRole('tab', { name: 'Field owners' }).click();
    const firstCell = page.getByTestId('fixture-table').locator('tbody tr').first().locator('td').first();
    await expect(firstCell.textContent()).resolves.toBe('1');
    await expect(page.getByTestId('fixture-table').locator('tbody tr').count()).resolves.toBe(5);
    await page.getByTestId('fixture-table').locator('[data-page="2"]').click();
    await waitForText(firstCell, '6');
    await expect(
      page.getByTestId('fixture-table').locator('[aria-current="page"]').textContent(),
    ).resolves.toBe('2');
    await page.screenshot({ path: screenshotPath('preview', 'card-table.png'), fullPage: true });
  });

  it('shows addAlert as a banner, opens the overlay a button declares, and closes it from the extension', async () => {
    const page = await card();
    await page.getByTestId('portal-id').waitFor();
    await page.getByTestId('alert-button').click();
    const alert = page.getByTestId('preview-alert');
    await alert.waitFor();
    await expect(alert.getAttribute('data-alert-type')).resolves.toBe('success');
    await expect(alert.textContent()).resolves.toContain(`Record ${contactId} queued for sync`);
    await page.screenshot({ path: screenshotPath('preview', 'card.png'), fullPage: true });

    await page.getByTestId('modal-button').click();
    const dialog = page.getByRole('dialog', { name: 'Resync this record?' });
    await dialog.waitFor();
    await page.screenshot({ path: screenshotPath('preview', 'card-modal.png') });
    // The confirm button calls reactions.closeModal in the worker, which closes it here.
    await page.getByTestId('modal-confirm').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('renders for another user of the portal, and signs the fetch for that user', async () => {
    const users = (await installed.hubspot.control.portal(PORTAL_ID)).users;
    const rep = users[1]!;
    const page = await open(preview.cardUrl('0-1', contactId, { userId: rep.userId }), FIXTURE_CARD);
    await expect(
      page.locator(FIXTURE_CARD).locator('[data-component="Text"]').first().textContent(),
    ).resolves.toContain(rep.email);
    await page.getByTestId('portal-id').waitFor();
    await expect(page.getByTestId('preview-user').inputValue()).resolves.toBe(String(rep.userId));
  });

  it('opens the settings page with the settings context and submits its form', async () => {
    const page = await open(preview.settingsUrl(), FIXTURE_SETTINGS);
    await expect(page.getByRole('heading', { name: 'Salesforce Bridge' }).count()).resolves.toBe(1);
    const connection = page.getByTestId('settings-connection');
    await connection.waitFor();
    await expect(connection.textContent()).resolves.toBe(`Portal ${PORTAL_ID} · Salesforce connected`);
    await page.getByRole('checkbox', { name: 'Deals' }).check();
    await page.getByTestId('settings-email').getByRole('textbox').fill('ops@example.com');
    await page.getByTestId('settings-save').click();
    const alert = page.getByTestId('preview-alert');
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toContain('Settings saved');
    expect(text).toContain('contacts, deals');
    // The form's values reached onSubmit by field name, as FormSubmitExtensionEvent.targetValue.
    expect(text).toContain('notify ops@example.com');
    await page.screenshot({ path: screenshotPath('preview', 'settings.png'), fullPage: true });
  });

  it("shows the card's error state when the bridge is down: the emulator's proxy answers 502", async () => {
    const deadBridge = `http://127.0.0.1:${await freePort()}`;
    const down = await startPreview({
      hubspotEmulatorBaseUrl: installed.hubspot.baseUrl,
      bridgeBaseUrl: deadBridge,
      appId: Number(TEST_HUBSPOT_APP.appId),
      defaultPortalId: PORTAL_ID,
      projectDir: FIXTURE_PROJECT_DIR,
    });
    try {
      const page = await open(down.cardUrl('0-1', contactId), FIXTURE_CARD);
      await page.getByTestId('fixture-error').waitFor();
      // The placeholder origin was rewritten to the (dead) bridge before the emulator signed and sent it.
      await expect(page.getByTestId('fixture-error-status').textContent()).resolves.toMatch(
        new RegExp(`^HTTP 502: .*Failed calling ${deadBridge}/api/settings/installation\\?`),
      );
      await page.screenshot({ path: screenshotPath('preview', 'card-bridge-down.png'), fullPage: true });
    } finally {
      await down.close();
    }
  });

  it('draws an unknown component as a red box naming it, and a card that throws as a crash', async () => {
    const dir = writeGapsProject();
    const gaps = await startPreview({
      hubspotEmulatorBaseUrl: installed.hubspot.baseUrl,
      bridgeBaseUrl: installed.bridge.baseUrl,
      appId: Number(TEST_HUBSPOT_APP.appId),
      defaultPortalId: PORTAL_ID,
      projectDir: dir,
      useFixtures: false,
    });
    try {
      const page = await browser.newPage();
      opened.push(page);
      await page.goto(gaps.cardUrl('0-3', '1'));
      await page.waitForSelector('[data-extension="gap_card"][data-extension-state="rendered"]');
      await page.waitForSelector('[data-extension="crash_card"][data-extension-state="crashed"]');
      const unknown = page.getByTestId('sparkles');
      await expect(unknown.getAttribute('data-unknown-component')).resolves.toBe('Sparkles');
      await expect(unknown.textContent()).resolves.toContain('Unknown component <Sparkles>');
      await expect(unknown.getByTestId('inside').textContent()).resolves.toBe('Still drawn inside');
      await expect(page.getByTestId('extension-crash').textContent()).resolves.toContain(
        'the deal has no amount',
      );
      await page.screenshot({ path: screenshotPath('preview', 'gaps.png'), fullPage: true });
    } finally {
      await gaps.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
