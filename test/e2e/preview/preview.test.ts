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
import { Button, hubspot, Text } from '@hubspot/ui-extensions';
const Sparkles = createRemoteReactComponent<'Sparkles', { testId?: string }>('Sparkles');
hubspot.extend<'crm.record.tab'>(() => (
  <>
    <Sparkles testId="sparkles"><Text testId="inside">Still drawn inside</Text></Sparkles>
    <Button testId="throws" onClick={() => { throw new Error('the click handler failed'); }}>Throw</Button>
    <Button testId="rejects" onClick={() => { void Promise.reject(new Error('a late rejection')); }}>Reject</Button>
  </>
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

/** The components the gallery fixture uses: every component the preview draws. */
const GALLERY_COMPONENTS = [
  ...['Accordion', 'Alert', 'AutoGrid', 'BarChart', 'Box', 'Button', 'ButtonRow', 'Card', 'Checkbox'],
  ...[
    'CrmActionButton',
    'CrmActionLink',
    'CrmDataHighlight',
    'CrmPropertyList',
    'CurrencyInput',
    'DateInput',
  ],
  ...['DescriptionList', 'DescriptionListItem', 'Divider', 'Dropdown', 'DropdownButtonItem', 'EmptyState'],
  ...[
    'ErrorState',
    'Flex',
    'Form',
    'Heading',
    'Icon',
    'Illustration',
    'Image',
    'Inline',
    'Input',
    'LineChart',
  ],
  ...['Link', 'List', 'LoadingButton', 'LoadingSpinner', 'Modal', 'ModalBody', 'ModalFooter', 'MultiSelect'],
  ...['NumberInput', 'Panel', 'PanelBody', 'PanelFooter', 'PanelSection', 'ProgressBar', 'RadioButton'],
  ...['ScoreCircle', 'SearchInput', 'Select', 'Spacer', 'Stack', 'Statistics', 'StatisticsItem'],
  ...[
    'StatisticsTrend',
    'StatusTag',
    'StepIndicator',
    'StepperInput',
    'Tab',
    'Table',
    'TableBody',
    'TableCell',
  ],
  ...['TableFooter', 'TableHead', 'TableHeader', 'TableRow', 'Tabs', 'Tag', 'Text', 'TextArea', 'Textarea'],
  ...['Tile', 'TimeInput', 'Toggle', 'ToggleGroup', 'Tooltip'],
];

/** Waits for the extension's next render to reach the page (it arrives from the worker asynchronously). */
async function waitForText(locator: Locator, expected: string | RegExp, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await locator.textContent();
    if (typeof expected === 'string' ? text === expected : expected.test(text ?? '')) return;
    if (Date.now() > deadline) throw new Error(`expected ${String(expected)}, still "${text}"`);
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

  it('draws every mapped component, each callback gets what the HubSpot component passes, actions run in the page', async () => {
    const deal = await installed.hubspot.control
      .asUser(PORTAL_ID)
      .create('deals', { dealname: 'Big deal', amount: '5000', dealstage: 'appointmentscheduled' });
    const page = await open(preview.cardUrl('0-3', deal.id), '[data-extension="preview_component_gallery"]');
    const last = page.getByTestId('gallery-last');
    const expectEvent = (text: string) => waitForText(last, `Last event: ${text}`);
    await page.screenshot({ path: screenshotPath('preview', 'gallery-inputs.png'), fullPage: true });

    await page.getByTestId('g-date').locator('input[type="date"]').fill('2026-03-04');
    await expectEvent('DateInput {"year":2026,"month":2,"date":4,"formattedDate":"2026-03-04"}');
    await page.getByTestId('g-select').getByRole('combobox').selectOption({ label: 'Two' });
    await expectEvent('Select 2');
    await page.getByTestId('g-checkbox').getByRole('checkbox').check();
    await expectEvent('Checkbox [true,"yes"]');
    await page.getByTestId('g-toggle-group').getByRole('radio', { name: 'Blue' }).check();
    await expectEvent('ToggleGroup "blue"');
    await page.getByTestId('g-multi').getByRole('button').click();
    await page.getByTestId('g-multi').getByRole('option', { name: 'Beta' }).click();
    await expectEvent('MultiSelect ["a","b"]');
    await page.getByTestId('g-stepper').getByRole('button', { name: 'Increase' }).click();
    await expectEvent('StepperInput 3');
    await page.getByTestId('g-toggle').getByRole('switch').click();
    await expectEvent('Toggle true');
    await page.getByTestId('g-number').getByRole('spinbutton').fill('42');
    await page.getByTestId('g-number').getByRole('spinbutton').press('Tab');
    await expectEvent('NumberInput 42');
    await page.getByTestId('g-input').getByRole('textbox').fill('hello');
    await page.getByTestId('g-submit').click();
    // The form's values by field name, numbers as numbers (FormSubmitExtensionEvent.targetValue).
    await waitForText(last, /^Last event: Form \{.*"input":"hello".*"number":42.*\}$/);

    await page.getByRole('tab', { name: 'Display' }).click();
    await page.getByTestId('g-steps').getByRole('button', { name: /Three/ }).click();
    await expectEvent('StepIndicator 2');
    await page.getByTestId('g-accordion').getByRole('button', { name: 'Accordion' }).click();
    await expectEvent('Accordion []');
    await page.getByText('Accordion body').waitFor();
    await page.screenshot({ path: screenshotPath('preview', 'gallery-display.png'), fullPage: true });

    await page.getByRole('tab', { name: 'Data' }).click();
    await page.getByTestId('g-table').getByRole('button', { name: /Month/ }).click();
    await expectEvent('TableHeader "ascending"');
    await page.screenshot({ path: screenshotPath('preview', 'gallery-data.png'), fullPage: true });
    await page.getByRole('tab', { name: 'CRM' }).click();
    await page.locator('[data-component="CrmPropertyList"]').getByText('5000').waitFor();

    // Actions run in the page; callbacks the extension hands them are kept and called later.
    await page.getByRole('tab', { name: 'Actions' }).click();
    await page.getByTestId('a-fetch-properties').click();
    await expectEvent('fetchCrmObjectProperties {"dealname":"Big deal","amount":"5000"}');
    await page.getByTestId('a-refresh').click();
    await expectEvent('onCrmPropertiesUpdate {"dealname":"Big deal"}');
    await page.getByTestId('preview-toast').getByText('Record properties refreshed').waitFor();
    await page.getByTestId('a-iframe').click();
    const iframeModal = page.getByTestId('preview-iframe-modal');
    await iframeModal.waitFor();
    await expect(iframeModal.locator('iframe').getAttribute('src')).resolves.toBe('about:blank');
    await iframeModal.getByRole('button', { name: 'Close' }).click();
    await expectEvent('openIframeModal closed []');
    await page.getByTestId('a-copy').click();
    await page.getByTestId('preview-toast').getByText('Copied to clipboard').waitFor();
    await page.getByTestId('a-navigate').click();
    await page
      .getByTestId('preview-toast')
      .getByText('HubSpot would open the app page /settings?tab=fields')
      .waitFor();

    const drawn = new Set<string | undefined>();
    const collect = async () => {
      // Runs in the page; this file has no DOM types, hence the narrow shape.
      const names = await page
        .locator('[data-component]')
        .evaluateAll((elements) =>
          elements.map(
            (element) => (element as unknown as { dataset: { component?: string } }).dataset.component,
          ),
        );
      for (const name of names) drawn.add(name);
    };
    await page.getByTestId('g-open-panel').click();
    await expectEvent('Panel open []');
    await collect();
    await page.getByTestId('g-close-panel').click();
    await expectEvent('Panel close []');
    await page
      .getByTestId('g-dropdown')
      .getByRole('button', { name: /Dropdown/ })
      .click();
    await page.getByTestId('g-dropdown').getByRole('menuitem', { name: 'Option' }).click();
    await expectEvent('Dropdown option []');
    await page
      .getByTestId('g-dropdown')
      .getByRole('button', { name: /Dropdown/ })
      .click();
    await page.getByTestId('g-dropdown-modal').click();
    const modal = page.getByRole('dialog', { name: 'Modal' });
    await modal.waitFor();
    await collect();
    await modal.getByRole('button', { name: 'Close' }).click();
    await expectEvent('Modal close []');

    // Everything the gallery uses was drawn by its own mapping (each tab stays mounted, only hidden).
    expect(GALLERY_COMPONENTS.filter((name) => !drawn.has(name))).toEqual([]);
    expect(drawn.has('Unknown')).toBe(false);
  });

  it("renders the project's own card and settings page (hubspot-app/) without a gap or a crash", async () => {
    const project = await startPreview({
      hubspotEmulatorBaseUrl: installed.hubspot.baseUrl,
      bridgeBaseUrl: installed.bridge.baseUrl,
      appId: Number(TEST_HUBSPOT_APP.appId),
      defaultPortalId: PORTAL_ID,
    });
    try {
      const extensions = project.project().extensions;
      const settings = extensions.find((extension) => extension.kind === 'settings');
      const card = extensions.find(
        (extension) => extension.kind === 'card' && extension.objectTypeIds.includes('0-1'),
      );
      for (const [extension, url, shot] of [
        [card, card && project.cardUrl('0-1', contactId, { card: card.uid }), 'project-card.png'],
        [settings, project.settingsUrl(), 'project-settings.png'],
      ] as const) {
        if (!extension || !url) continue;
        const frame = `[data-extension="${extension.uid}"]`;
        const page = await open(url, frame);
        // Let its first requests to the bridge answer and the card draw what they say.
        await page
          .locator(`${frame} [data-component="LoadingSpinner"]`)
          .first()
          .waitFor({ state: 'detached', timeout: 10_000 })
          .catch(() => undefined);
        await page.waitForTimeout(300);
        await page.screenshot({ path: screenshotPath('preview', shot), fullPage: true });
        await expect(page.locator(frame).getAttribute('data-extension-state')).resolves.toBe('rendered');
        const unknown = await page
          .locator(`${frame} [data-component="Unknown"]`)
          .evaluateAll((elements) =>
            elements.map(
              (element) =>
                (element as unknown as { dataset: { unknownComponent?: string } }).dataset.unknownComponent,
            ),
          );
        expect(unknown).toEqual([]);
        await expect(page.getByTestId('extension-callback-error').count()).resolves.toBe(0);
        await expect(page.locator(`${frame} [data-component]`).count()).resolves.toBeGreaterThan(3);
      }
    } finally {
      await project.close();
    }
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

  it('draws an unknown component as a red box naming it, a card that throws as a crash, and survives a failing handler', async () => {
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
      // A failing handler or a stray rejection is shown, and the card keeps running.
      await page.getByTestId('throws').click();
      await page.getByTestId('rejects').click();
      const gapFrame = page.locator('[data-extension="gap_card"]');
      await gapFrame.getByTestId('extension-callback-error').nth(1).waitFor();
      await expect(gapFrame.getByTestId('extension-callback-error').allTextContents()).resolves.toEqual([
        'The extension reported an error: the click handler failed',
        'The extension reported an error: a late rejection',
      ]);
      await expect(gapFrame.getAttribute('data-extension-state')).resolves.toBe('rendered');
      await page.screenshot({ path: screenshotPath('preview', 'gaps.png'), fullPage: true });
    } finally {
      await gaps.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
