/**
 * The settings page rendered with HubSpot's testing kit against the real bridge, through the HubSpot
 * emulator's signing proxy: an admin sees the connection and the field table, gets the server's message
 * for a bad edit before saving, previews a change over linked records, saves it, and is stopped from
 * overwriting another admin's save; a rep sees everything read-only; pause and "Retry all" work; a
 * Salesforce connection made from a settings-page link waits on the Connection tab until confirmed.
 */
import {
  Accordion,
  Alert,
  Button,
  LoadingButton,
  Select,
  StatisticsItem,
  StatusTag,
  Tab,
  Tabs,
  Table,
  Text,
  Toggle,
  Input,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { SettingsView } from '../../../hubspot-app/src/app/settings/settings-page/SettingsView';
import { runAlertCycle } from '../../../src/app/alertsJob';
import * as deleteHolds from '../../../src/db/deleteHolds';
import * as installations from '../../../src/db/installations';
import * as links from '../../../src/db/links';
import type { SyncWorker } from '../../../src/sync/worker';
import { Browser } from '../../support/browser';
import { testDialects } from '../../support/db';
import { textOf } from '../../support/rendered-text';
import { signedApi, type Json } from '../../support/signed-api';
import { routeHubSpotFetch, type ExtensionFetch } from '../../support/extension-fetch';
import { startChangeHarness, type ChangeHarness } from '../changes/harness';
import { followConnectLink } from '../install/harness';

const WAIT = { timeoutInMs: 20_000 };

describe.each(testDialects)('the settings page against the real bridge on %s', (dialect) => {
  let harness: ChangeHarness;
  let worker: SyncWorker;
  let installationId: string;
  let fetch: ExtensionFetch;
  const portalId = 5201;
  const admin = `admin@portal${portalId}.example.com`;
  const rep = `rep@portal${portalId}.example.com`;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    // Owners sync by email: the Salesforce users who own records have HubSpot counterparts.
    for (const email of ['admin@default.example', 'rep@sandbox.example']) {
      await harness.hubspot.control.addOwner(portalId, { email });
    }
    worker = harness.startWorker();
    const person = harness.hubspot.control.asUser(portalId);
    for (const [index, name] of ['Grace', 'Alan', 'Edsger'].entries()) {
      await person.create('contacts', {
        email: `${name.toLowerCase()}@settings.example`,
        firstname: name,
        lastname: `Person${index}`,
        company: 'Acme',
        jobtitle: `Engineer ${index}`,
      });
    }
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.pollAll();
    await harness.drained(installationId);
    fetch = routeHubSpotFetch({
      hubspot: harness.hubspot,
      bridgeBaseUrl: harness.bridge.baseUrl,
      portalId,
      user: admin,
    });
  }, 90_000);
  afterAll(async () => {
    fetch.restore();
    await worker.stop();
    await harness.close();
  });

  const api = (method: 'GET' | 'POST' | 'PUT', path: string, body?: Json) =>
    signedApi(harness.hubspot, harness.bridge.baseUrl, portalId)(method, path, body, admin);

  function renderPage() {
    const renderer = createRenderer('settings');
    renderer.render(<SettingsView actions={renderer.mocks.actions} validateDelayMs={10} />);
    return renderer;
  }

  async function loaded(page: ReturnType<typeof renderPage>) {
    await page.waitFor(() => expect(page.findByTestId(Table, 'mappings-contacts')).toBeTruthy(), WAIT);
  }

  it('shows an admin the connection, the objects and the field ownership table', async () => {
    const page = renderPage();
    await loaded(page);
    expect(page.maybeFindByTestId(Alert, 'read-only-note')).toBeNull();
    const tabs = page.findAll(Tab).map((tab) => tab.props.title);
    expect(tabs).toEqual([
      'Connection',
      'Objects and fields',
      'Which records',
      'Deletes and limits',
      'Access',
      'Health',
    ]);
    const table = textOf(page.findByTestId(Table, 'mappings-contacts'));
    for (const property of ['email', 'firstname', 'jobtitle', 'lifecyclestage'])
      expect(table).toContain(property);
    expect(page.findByTestId(Select, 'rule-jobtitle').props.value).toBe('two_way');
    expect(page.findByTestId(Toggle, 'enable-contacts').props.checked).toBe(true);
    page.find(Tabs).trigger('onSelectedChange', 'connection' as never);
    await page.waitFor(
      () => expect(page.findByTestId(StatusTag, 'salesforce-state').text).toBe('Connected'),
      WAIT,
    );
    await page.waitFor(
      () => expect(page.findByTestId(StatusTag, 'sync-state').text).toBe('Sync is running'),
      WAIT,
    );
    expect(page.findByTestId(Text, 'draft-state').text).toMatch(/No unsaved changes/);
  });

  it("shows the server's message under a field before saving, and clears it when the edit is undone", async () => {
    const page = renderPage();
    await loaded(page);
    // A phone number cannot be read as a date: the server checks the draft against both systems' fields.
    page.findByTestId(Select, 'transform-phone').trigger('onChange', 'date' as never);
    await page.waitFor(
      () => expect(page.findByTestId(Select, 'rule-phone').props.validationMessage).toBeTruthy(),
      WAIT,
    );
    expect(page.findByTestId(Select, 'rule-phone').props.error).toBe(true);
    expect(page.findByTestId(Text, 'draft-state').text).toMatch(/problem/);
    expect(page.findByTestId(LoadingButton, 'save').props.disabled).toBe(true);
    page.findByTestId(Select, 'transform-phone').trigger('onChange', 'phone' as never);
    await page.waitFor(
      () => expect(page.findByTestId(Select, 'rule-phone').props.validationMessage).toBeFalsy(),
      WAIT,
    );
  });

  it('previews a rule change over the linked records without writing, then saves it', async () => {
    // The two sides now differ on one record's title; the worker is held so nothing syncs it.
    await worker.stop();
    const linked = await api('GET', '/api/sync/health');
    expect(linked.body.activeLinks).toBe(3);
    const contacts = await harness.hubspot.control.records(portalId, 'contacts');
    const grace = contacts.results.find((contact) => contact.properties.firstname === 'Grace')!;
    const status = await api('GET', `/api/sync/records/hubspot/contacts/${grace.id}`);
    const leadId = (status.body.link as { salesforce: { recordId: string } }).salesforce.recordId;
    await harness.salesforce.control.updateRecord(leadId, { Title: 'Rear Admiral' });

    const page = renderPage();
    await loaded(page);
    page.findByTestId(Select, 'rule-jobtitle').trigger('onChange', 'hubspot' as never);
    await page.waitFor(() => expect(page.findByTestId(Text, 'draft-state').text).toMatch(/no problem/), WAIT);
    page.findByTestId(LoadingButton, 'preview-changes').trigger('onClick');
    await page.waitFor(() => expect(page.findByTestId(Table, 'dry-run-updates')).toBeTruthy(), WAIT);
    const preview = textOf(page.findByTestId(Table, 'dry-run-updates')) ?? '';
    expect(preview).toMatch(/Job title/i);
    expect(preview).toContain('Rear Admiral');
    const lead = await harness.salesforce.control.getRecord(leadId);
    expect(lead.Title).toBe('Rear Admiral');

    const before = (await api('GET', '/api/settings')).body.version as number;
    page.findByTestId(LoadingButton, 'save').trigger('onClick');
    await page.waitFor(() => expect(page.mocks.actions.addAlert.callCount).toBeGreaterThan(0), WAIT);
    expect(page.mocks.actions.addAlert.calls.at(-1)?.[0]).toMatchObject({ type: 'success' });
    const after = await api('GET', '/api/settings');
    expect(after.body.version).toBe(before + 1);
    const saved = (
      after.body.document as { objects: { contacts: { fields: Array<{ key: string; rule: string }> } } }
    ).objects.contacts.fields;
    expect(saved.find((field) => field.key === 'jobtitle')?.rule).toBe('hubspot');
    worker = harness.startWorker();
  });

  it("never overwrites another admin's save: the second save is refused with a way to reload", async () => {
    const first = renderPage();
    await loaded(first);
    const second = renderPage();
    await loaded(second);
    for (const page of [first, second]) page.find(Tabs).trigger('onSelectedChange', 'operations' as never);
    first.findByTestId(Input, 'phone-country').trigger('onChange', 'GB' as never);
    await first.waitFor(
      () => expect(first.findByTestId(Text, 'draft-state').text).toMatch(/no problem/),
      WAIT,
    );
    first.findByTestId(LoadingButton, 'save').trigger('onClick');
    await first.waitFor(() => expect(first.mocks.actions.addAlert.callCount).toBe(1), WAIT);

    second.findByTestId(Input, 'phone-country').trigger('onChange', 'DE' as never);
    await second.waitFor(
      () => expect(second.findByTestId(Text, 'draft-state').text).toMatch(/no problem/),
      WAIT,
    );
    second.findByTestId(LoadingButton, 'save').trigger('onClick');
    await second.waitFor(() => expect(second.findByTestId(Alert, 'stale-version')).toBeTruthy(), WAIT);
    expect(textOf(second.findByTestId(Alert, 'stale-version'))).toMatch(
      /after this page loaded them \(version \d+, by admin@portal/,
    );
    const stored = await api('GET', '/api/settings');
    expect((stored.body.document as { phoneDefaultCountry: string }).phoneDefaultCountry).toBe('GB');
  });

  it('shows a rep the settings read-only, and the server refuses their changes', async () => {
    fetch.retarget({ user: rep });
    try {
      const page = renderPage();
      await loaded(page);
      await page.waitFor(() => expect(page.findByTestId(Alert, 'read-only-note')).toBeTruthy(), WAIT);
      expect(page.findByTestId(Select, 'rule-jobtitle').props.readOnly).toBe(true);
      expect(page.findByTestId(Toggle, 'enable-contacts').props.readOnly).toBe(true);
      expect(page.maybeFindByTestId(LoadingButton, 'save')).toBeNull();
      await page.waitFor(
        () => expect(page.findByTestId(Toggle, 'pause-toggle').props.readOnly).toBe(true),
        WAIT,
      );
    } finally {
      fetch.retarget({ user: admin });
    }
    const refused = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/sync/pause`,
      method: 'PUT',
      portalId,
      user: rep,
      body: { paused: true },
    });
    expect(refused.status).toBe(403);
  });

  it("adds a field picked from both systems' live field lists, and the sync then carries it", async () => {
    const page = renderPage();
    await loaded(page);
    await page.waitFor(() => expect(page.findByTestId(Select, 'add-contacts-property')).toBeTruthy(), WAIT);
    const offered = page
      .findByTestId(Select, 'add-contacts-property')
      .props.options.map((option) => option.value);
    expect(offered).toContain('website');
    expect(offered).not.toContain('email'); // already mapped
    page.findByTestId(Select, 'add-contacts-property').trigger('onChange', 'website' as never);
    page.findByTestId(Select, 'add-contacts-Lead').trigger('onChange', 'Website' as never);
    page.findByTestId(Button, 'add-contacts-submit').trigger('onClick');
    await page.waitFor(
      () => expect(page.findByTestId(Select, 'rule-website').props.value).toBe('two_way'),
      WAIT,
    );
    await page.waitFor(() => expect(page.findByTestId(Text, 'draft-state').text).toMatch(/no problem/), WAIT);
    page.findByTestId(LoadingButton, 'save').trigger('onClick');
    await page.waitFor(
      () =>
        expect(page.mocks.actions.addAlert.calls.at(-1)?.[0]).toMatchObject({
          type: 'success',
          title: 'Settings saved',
        }),
      WAIT,
    );

    const contacts = await harness.hubspot.control.records(portalId, 'contacts');
    const alan = contacts.results.find((contact) => contact.properties.firstname === 'Alan')!;
    const status = await api('GET', `/api/sync/records/hubspot/contacts/${alan.id}`);
    const leadId = (status.body.link as { salesforce: { recordId: string } }).salesforce.recordId;
    await harness.hubspot.control
      .asUser(portalId)
      .update('contacts', alan.id, { website: 'https://turing.example' });
    // The app's webhooks name the shipped properties only; a field added later travels with the next poll.
    await harness.pollAll();
    await harness.drained(installationId);
    expect((await harness.salesforce.control.getRecord(leadId)).Website).toBe('https://turing.example');
  });

  it('shows failures by category and the open alerts on the health tab, and "Retry all" sends them back to the queue', async () => {
    await harness.hubspot.control
      .asUser(portalId)
      .create('contacts', { email: 'nobody@settings.example', firstname: 'Nobody' });
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
    // The worker's alert cycle finds one record of a few failing in the last hour.
    const alerts = await runAlertCycle(harness.bridge.context.alerts);
    expect(alerts.evaluation.opened.map((alert) => alert.kind)).toEqual(['sync_failure_rate']);
    const page = renderPage();
    await loaded(page);
    page.find(Tabs).trigger('onSelectedChange', 'health' as never);
    await page.waitFor(() => expect(page.findByTestId(Table, 'failures-by-category')).toBeTruthy(), WAIT);
    expect(textOf(page.findByTestId(Table, 'failures-by-category'))).toMatch(/required field|blank/i);
    const alert = page.findByTestId(Alert, 'alert-sync_failure_rate');
    expect(alert.props).toMatchObject({ title: 'Records are failing to sync', variant: 'warning' });
    expect(textOf(alert)).toMatch(/of syncs failed in the last hour \(1 of \d+ records\)/);
    const health = (await api('GET', '/api/sync/health')).body as {
      recent: { synced: number; failed: number; successRate: number };
    };
    expect(health.recent.failed).toBe(1);
    expect(health.recent.synced).toBeGreaterThanOrEqual(3);
    expect(health.recent.successRate).toBeCloseTo(health.recent.synced / (health.recent.synced + 1), 5);
    expect(page.findByTestId(StatisticsItem, 'success-rate').props.number).toBe(
      `${(health.recent.successRate * 100).toFixed(1)}%`,
    );
    page.findByTestId(Button, 'retry-all').trigger('onClick');
    await page.waitFor(
      () =>
        expect(page.mocks.actions.addAlert.calls.at(-1)?.[0]).toMatchObject({
          type: 'success',
          message: '1 record went back to the queue.',
        }),
      WAIT,
    );
    await harness.drained(installationId);
  });

  it('pauses and resumes sync from the switch', async () => {
    const page = renderPage();
    await loaded(page);
    await page.waitFor(
      () => expect(page.findByTestId(Toggle, 'pause-toggle').props.checked).toBe(false),
      WAIT,
    );
    page.findByTestId(Toggle, 'pause-toggle').trigger('onChange', true as never);
    await page.waitFor(
      () => expect(page.findByTestId(StatusTag, 'sync-state').text).toBe('Sync is paused'),
      WAIT,
    );
    expect((await api('GET', '/api/sync/health')).body).toMatchObject({
      sync: { state: 'paused', reason: 'paused_by_admin' },
    });
    page.findByTestId(Toggle, 'pause-toggle').trigger('onChange', false as never);
    await page.waitFor(
      () => expect(page.findByTestId(StatusTag, 'sync-state').text).toBe('Sync is running'),
      WAIT,
    );
  });

  it('shows a connection made from a settings link waiting for confirmation; a rep cannot confirm, an admin starts sync', async () => {
    const link = await api('POST', '/api/settings/salesforce/connect-url', { environment: 'production' });
    // Whoever the link reaches connects the org (here the same one, signed in anew).
    await followConnectLink(new Browser(), String(link.body.url));
    const { salesforce } = (await installations.findById(harness.testDb.db, installationId))!;

    fetch.retarget({ user: rep });
    try {
      const page = renderPage();
      await loaded(page);
      page.find(Tabs).trigger('onSelectedChange', 'connection' as never);
      await page.waitFor(() => expect(page.findByTestId(Alert, 'confirm-connection')).toBeTruthy(), WAIT);
      expect(page.findByTestId(Button, 'confirm-connection-button').props.disabled).toBe(true);
    } finally {
      fetch.retarget({ user: admin });
    }

    const page = renderPage();
    await loaded(page);
    page.find(Tabs).trigger('onSelectedChange', 'connection' as never);
    await page.waitFor(() => expect(page.findByTestId(Alert, 'confirm-connection')).toBeTruthy(), WAIT);
    const banner = textOf(page.findByTestId(Alert, 'confirm-connection')) ?? '';
    expect(banner).toContain(`Salesforce org ${salesforce.orgId} (${salesforce.instanceUrl}) was connected`);
    expect(banner).toContain(`by ${salesforce.username} at `);
    expect(banner).toContain(`from a link ${admin} made on this page — confirm to start syncing`);
    await page.waitFor(
      () => expect(page.findByTestId(StatusTag, 'sync-state').text).toBe('Sync is paused'),
      WAIT,
    );
    expect(page.findByTestId(Button, 'reject-connection')).toBeTruthy();

    page.findByTestId(Button, 'confirm-connection-button').trigger('onClick');
    await page.waitFor(
      () =>
        expect(page.mocks.actions.addAlert.calls.at(-1)?.[0]).toMatchObject({
          type: 'success',
          message: 'Salesforce connection confirmed: sync is starting.',
        }),
      WAIT,
    );
    await page.waitFor(() => expect(page.maybeFindByTestId(Alert, 'confirm-connection')).toBeNull(), WAIT);
    await page.waitFor(
      () => expect(page.findByTestId(StatusTag, 'sync-state').text).toBe('Sync is running'),
      WAIT,
    );
    expect((await api('GET', '/api/settings/installation')).body.installation).toMatchObject({
      sync: { paused: false },
      salesforce: { awaitingConfirmation: false, origin: { confirmedBy: { email: admin } } },
    });
  });

  it('shows the delete checkbox choice and the held deletes, which an admin discards', async () => {
    const linked = (await links.listForHubspotObjectType(harness.testDb.db, installationId, 'contacts')).find(
      (link) => link.state === 'active',
    );
    if (!linked) throw new Error('no link');
    await deleteHolds.hold(
      harness.testDb.db,
      {
        installationId,
        linkId: linked.id,
        deletedSide: 'hubspot',
        hubspotObjectType: linked.hubspotObjectType,
        hubspotId: linked.hubspotId,
        salesforceObjectType: linked.salesforceObjectType,
        salesforceId: linked.salesforceId,
      },
      harness.bridge.context.now(),
    );
    const page = renderPage();
    await loaded(page);
    page.find(Tabs).trigger('onSelectedChange', 'operations' as never);
    await page.waitFor(() => expect(page.findByTestId(Alert, 'held-deletes')).toBeTruthy(), WAIT);
    expect(page.findByTestId(Alert, 'held-deletes').props.title).toBe('1 delete held for review');
    expect(textOf(page.findByTestId(Alert, 'held-deletes'))).toContain(
      `HubSpot contacts ${linked.hubspotId}`,
    );
    expect(page.findByTestId(Select, 'delete-flag').props.value).toBe('HubSpot_Deleted__c');

    page.findByTestId(Button, 'discard-held-deletes').trigger('onClick');
    await page.waitFor(() => expect(page.findByTestId(Text, 'held-deletes-none')).toBeTruthy(), WAIT);
    expect(await deleteHolds.countHeld(harness.testDb.db, installationId)).toBe(0);
    const audit = await harness.testDb
      .db('audit_entries')
      .where({ installation_id: installationId, action: 'deletes_discarded' });
    expect(audit).toEqual([expect.objectContaining({ link_id: linked.id })]);

    page.findByTestId(Select, 'delete-flag').trigger('onChange', '' as never);
    await page.waitFor(() => expect(page.findByTestId(Select, 'delete-flag').props.value).toBe(''), WAIT);
  });

  it("turns companies and deals on, against both systems' live fields, and sets which of a Lead and a Contact a person syncs with and a default owner", async () => {
    const page = renderPage();
    await loaded(page);
    page.findByTestId(Toggle, 'enable-companies').trigger('onChange', true as never);
    page.findByTestId(Toggle, 'enable-deals').trigger('onChange', true as never);
    await page.waitFor(() => expect(page.findByTestId(Table, 'mappings-companies')).toBeTruthy(), WAIT);
    const table = textOf(page.findByTestId(Table, 'mappings-companies'));
    for (const property of ['name', 'domain', 'industry']) expect(table).toContain(property);
    page.find(Tabs).trigger('onSelectedChange', 'records' as never);
    await page.waitFor(() => expect(page.findByTestId(Select, 'lead-contact-preference')).toBeTruthy(), WAIT);
    expect(page.findByTestId(Select, 'lead-contact-preference').props.value).toBe('contacts_first');
    page
      .findByTestId(Select, 'lead-contact-preference')
      .trigger('onChange', 'most_recently_modified' as never);
    page.find(Tabs).trigger('onSelectedChange', 'operations' as never);
    await page.waitFor(() => expect(page.findByTestId(Input, 'salesforce-default-owner')).toBeTruthy(), WAIT);
    page
      .findByTestId(Input, 'salesforce-default-owner')
      .trigger('onChange', ' admin@default.example ' as never);
    // The server checks the shipped company mapping against the portal's and the org's live fields.
    await page.waitFor(() => expect(page.findByTestId(Text, 'draft-state').text).toMatch(/no problem/), WAIT);
    page.findByTestId(LoadingButton, 'save').trigger('onClick');
    await page.waitFor(
      () => expect(page.mocks.actions.addAlert.calls.at(-1)?.[0]).toMatchObject({ type: 'success' }),
      WAIT,
    );
    const saved = (await api('GET', '/api/settings')).body.document as {
      objects: { companies: { enabled: boolean }; deals: { enabled: boolean } };
      matching: { leadContactPreference: string };
      owners: { salesforceDefaultUserEmail: string | null; hubspotDefaultOwnerEmail: string | null };
    };
    expect(saved.objects.companies.enabled).toBe(true);
    expect(saved.objects.deals.enabled).toBe(true);
    expect(saved.matching.leadContactPreference).toBe('most_recently_modified');
    expect(saved.owners).toEqual({
      salesforceDefaultUserEmail: 'admin@default.example',
      hubspotDefaultOwnerEmail: null,
    });
  });

  it('shows the deal stage map per pipeline, and the server refuses a pipeline HubSpot does not have', async () => {
    const page = renderPage();
    await loaded(page);
    page.findByTestId(Toggle, 'enable-deals').trigger('onChange', true as never);
    await page.waitFor(
      () => expect(page.findByTestId(Accordion, 'stage-map-deals-dealstage-0')).toBeTruthy(),
      WAIT,
    );
    expect(page.findByTestId(Accordion, 'stage-map-deals-dealstage-0').props.title).toBe(
      'Stage map: Sales Pipeline (7 groups)',
    );
    expect(page.findByTestId(Select, 'transform-deals-dealstage').props.value).toBe('stages');
    expect(page.findByTestId(Input, 'stage-map-deals-dealstage-0-5-hubspot').props.value).toBe('closedwon');
    expect(page.findByTestId(Input, 'stage-map-deals-dealstage-0-5-salesforce').props.value).toBe(
      'Closed Won',
    );
    // Deals sync since the test before saved them on: the page lists HubSpot's pipelines and stage ids.
    await page.waitFor(
      () =>
        expect(page.findByTestId(Text, 'stage-map-deals-dealstage-pipelines').text).toContain(
          'Sales Pipeline (default): Appointment Scheduled (appointmentscheduled)',
        ),
      WAIT,
    );

    page.findByTestId(Input, 'stage-map-deals-dealstage-0-pipeline').trigger('onChange', 'renewals' as never);
    await page.waitFor(
      () =>
        expect(page.findByTestId(Select, 'rule-deals-dealstage').props.validationMessage).toContain(
          'names the HubSpot pipeline "renewals", which HubSpot does not have',
        ),
      WAIT,
    );
    expect(page.findByTestId(LoadingButton, 'save').props.disabled).toBe(true);
  });
});
