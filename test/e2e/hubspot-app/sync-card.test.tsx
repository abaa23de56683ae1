/**
 * The sync card rendered with HubSpot's own testing kit, talking to the real bridge through the HubSpot
 * emulator's signing proxy, over states the real engine produced: a synced pair, "Sync now", a conflict
 * settled from the card, a failure fixed and retried, an ambiguous match answered, a record deleted in
 * Salesforce, a paused installation, and a bridge that is down.
 */
import {
  Button,
  ErrorState,
  LoadingButton,
  LoadingSpinner,
  StatusTag,
  Table,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { SyncCardView } from '../../../hubspot-app/src/app/cards/sync-card/SyncCardView';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { routeHubSpotFetch, type ExtensionFetch } from '../../support/extension-fetch';
import { startChangeHarness, type ChangeHarness } from '../changes/harness';

type Json = Record<string, unknown>;
const WAIT = { timeoutInMs: 20_000 };

describe.each(testDialects)('the sync card against the real bridge on %s', (dialect) => {
  let harness: ChangeHarness;
  let worker: SyncWorker;
  let installationId: string;
  let fetch: ExtensionFetch;
  const portalId = 5101;
  const admin = `admin@portal${portalId}.example.com`;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    for (const email of ['admin@default.example', 'rep@sandbox.example']) {
      await harness.hubspot.control.addOwner(portalId, { email });
    }
    worker = harness.startWorker();
    fetch = routeHubSpotFetch({ hubspot: harness.hubspot, bridgeBaseUrl: harness.bridge.baseUrl, portalId });
  }, 60_000);
  afterAll(async () => {
    fetch.restore();
    await worker.stop();
    await harness.close();
  });

  async function api(method: 'GET' | 'POST' | 'PUT', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async function settle() {
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.pollAll();
    await harness.drained(installationId);
  }

  function renderCard(objectId: string, objectTypeId = '0-1') {
    const renderer = createRenderer('crm.record.tab');
    renderer.render(
      <SyncCardView
        context={{ crm: { objectId: Number(objectId), objectTypeId } }}
        actions={renderer.mocks.actions}
        syncingPollMs={200}
      />,
    );
    const tag = () => renderer.findByTestId(StatusTag, 'sync-status');
    return { ...renderer, tag };
  }

  async function createContact(properties: Record<string, string>): Promise<string> {
    const { id } = await harness.hubspot.control.asUser(portalId).create('contacts', properties);
    await settle();
    return id;
  }

  let syncedId: string;

  it('shows a synced pair: In sync, the Salesforce record with a link into the org, every field agreeing', async () => {
    syncedId = await createContact({
      email: 'ada@card.example',
      firstname: 'Ada',
      lastname: 'Lovelace',
      company: 'Analytical Engines',
      jobtitle: 'Analyst',
    });
    const card = renderCard(syncedId);
    expect(card.find(LoadingSpinner).props.label).toBe('Loading sync status');
    await card.waitFor(() => expect(card.tag().text).toBe('In sync'), WAIT);
    expect(card.tag().props.variant).toBe('success');
    const link = card.findByTestId(Text, 'sync-message');
    expect(link.text).toBeTruthy();
    await card.waitFor(() => expect(card.findByTestId(Table, 'field-table')).toBeTruthy(), WAIT);
    const table = card.findByTestId(Table, 'field-table');
    expect(table.text).toContain('Ada');
    expect(table.text).toContain('Analyst');
    expect(card.findByTestId(Text, 'fields-summary').text).toMatch(/All \d+ mapped fields agree/);
    const salesforceLink = card.findByTestId(Text, 'last-sync-salesforce');
    expect(salesforceLink.text).not.toBe('never');
    await card.waitFor(() => expect(card.findByTestId(Table, 'history').text).toMatch(/link/i), WAIT);
  });

  it('"Sync now" queues the record, says so, and ends on the sync\'s result', async () => {
    const card = renderCard(syncedId);
    await card.waitFor(() => expect(card.tag().text).toBe('In sync'), WAIT);
    const before = fetch.requests.length;
    card.findByTestId(LoadingButton, 'sync-now').trigger('onClick');
    await card.waitFor(() => expect(card.mocks.actions.addAlert.callCount).toBe(1), WAIT);
    expect(card.mocks.actions.addAlert.calls[0]?.[0]).toMatchObject({ type: 'success' });
    expect(
      fetch.requests.slice(before).map((request) => `${request.method} ${new URL(request.url).pathname}`),
    ).toContain(`POST /api/sync/records/hubspot/contacts/${syncedId}/sync-now`);
    await harness.drained(installationId);
    await card.waitFor(() => expect(card.tag().text).toBe('In sync'), WAIT);
    // The person who asked is in the record's history.
    await card.waitFor(() => expect(card.findByTestId(Table, 'history').text).toContain(admin), WAIT);
  });

  it('shows a conflict with both values and writes the one a person keeps', async () => {
    const current = await api('GET', '/api/settings');
    const document = structuredClone(defaultSettingsInput) as unknown as {
      objects: { contacts: { fields: Array<{ key: string; rule: string }> } };
    };
    document.objects.contacts.fields.find((field) => field.key === 'jobtitle')!.rule = 'review';
    expect(
      (
        await api('PUT', '/api/settings', {
          document: document as unknown as Json,
          baseVersion: current.body.version as number,
        })
      ).status,
    ).toBe(200);
    const status = await api('GET', `/api/sync/records/hubspot/contacts/${syncedId}`);
    const salesforceId = (status.body.link as { salesforce: { recordId: string } }).salesforce.recordId;
    await worker.stop();
    await harness.hubspot.control
      .asUser(portalId)
      .update('contacts', syncedId, { jobtitle: 'Chief Analyst' });
    await harness.salesforce.control.updateRecord(salesforceId, { Title: 'Head of Analysis' });
    worker = harness.startWorker();
    await settle();

    const card = renderCard(syncedId);
    await card.waitFor(() => expect(card.tag().text).toBe('Conflict'), WAIT);
    expect(card.findByTestId(Text, 'conflict-hubspot-jobtitle').text).toBe('Chief Analyst');
    expect(card.findByTestId(Text, 'conflict-salesforce-jobtitle').text).toBe('Head of Analysis');
    card.findByTestId(Button, 'keep-salesforce-jobtitle').trigger('onClick');
    await card.waitFor(() => expect(card.mocks.actions.addAlert.callCount).toBe(1), WAIT);
    await harness.drained(installationId);
    await card.waitFor(() => expect(card.tag().text).toBe('In sync'), WAIT);
    const contact = await harness.hubspot.control.record(portalId, 'contacts', syncedId);
    expect(contact.properties.jobtitle).toBe('Head of Analysis');
    await card.waitFor(() => expect(card.findByTestId(Table, 'history').text).toMatch(/conflict/i), WAIT);
  });

  it('explains a failure in plain words, and Retry syncs the record once it is fixed', async () => {
    // A Lead needs a last name and a company; this contact has neither.
    const id = await createContact({ email: 'nameless@card.example', firstname: 'Nameless' });
    const card = renderCard(id);
    await card.waitFor(() => expect(card.tag().text).toBe('Error'), WAIT);
    const message = card.findByTestId(Text, 'failure-message').text ?? '';
    expect(message).toMatch(/Last ?Name|last name/i);
    await worker.stop();
    await harness.hubspot.control
      .asUser(portalId)
      .update('contacts', id, { lastname: 'Named', company: 'Acme' });
    await harness.hubspot.control.waitForWebhooksIdle();
    worker = harness.startWorker();
    await harness.drained(installationId);
    const retry = card.findAll(Button).find((button) => button.props.testId?.startsWith('retry-'));
    retry!.trigger('onClick');
    await card.waitFor(() => expect(card.mocks.actions.addAlert.callCount).toBe(1), WAIT);
    await harness.drained(installationId);
    await card.waitFor(() => expect(card.tag().text).toBe('In sync'), WAIT);
  });

  it('asks which Salesforce record an ambiguous contact is, and links the one picked', async () => {
    const twins = await harness.salesforce.control.createRecords('Contact', [
      { FirstName: 'Tess', LastName: 'Twin', Email: 'twin@card.example' },
      { FirstName: 'Tessa', LastName: 'Twin', Email: 'twin@card.example' },
    ]);
    const id = await createContact({ email: 'twin@card.example', firstname: 'Tess', lastname: 'Twin' });
    const card = renderCard(id);
    await card.waitFor(() => expect(card.tag().text).toBe('Waiting for a person'), WAIT);
    const candidates = card.findByTestId(Table, 'match-candidates');
    for (const twin of twins) expect(candidates.text).toContain(twin);
    card.findByTestId(Button, `link-candidate-${twins[1]}`).trigger('onClick');
    await card.waitFor(() => expect(card.mocks.actions.addAlert.callCount).toBe(1), WAIT);
    await harness.drained(installationId);
    await card.waitFor(() => expect(card.tag().text).toBe('In sync'), WAIT);
    const status = await api('GET', `/api/sync/records/hubspot/contacts/${id}`);
    expect(status.body.link).toMatchObject({ salesforce: { recordId: twins[1] } });
  });

  it('says when the Salesforce record was deleted', async () => {
    const id = await createContact({
      email: 'gone@card.example',
      firstname: 'Gone',
      lastname: 'Soon',
      company: 'Acme',
    });
    const status = await api('GET', `/api/sync/records/hubspot/contacts/${id}`);
    const salesforceId = (status.body.link as { salesforce: { recordId: string } }).salesforce.recordId;
    await harness.salesforce.control.deleteRecord(salesforceId);
    await settle();
    const card = renderCard(id);
    await card.waitFor(() => expect(card.tag().text).toBe('Deleted in Salesforce'), WAIT);
    expect(card.tag().props.variant).toBe('danger');
    expect(card.maybeFindByTestId(LoadingButton, 'sync-now')).toBeNull();
  });

  it('shows Paused while an admin paused sync, and Not linked for a record that never synced', async () => {
    expect((await api('PUT', '/api/sync/pause', { paused: true })).status).toBe(200);
    try {
      const card = renderCard(syncedId);
      await card.waitFor(() => expect(card.tag().text).toBe('Paused'), WAIT);
      const company = renderCard('987654', '0-2');
      await company.waitFor(() => expect(company.tag().text).toMatch(/Paused|Not linked/), WAIT);
    } finally {
      expect((await api('PUT', '/api/sync/pause', { paused: false })).status).toBe(200);
    }
    const company = renderCard('987654', '0-2');
    await company.waitFor(() => expect(company.tag().text).toBe('Not linked'), WAIT);
  });

  it('shows an error with "Try again" when the bridge is down, and recovers when it is back', async () => {
    fetch.retarget({ bridgeBaseUrl: 'http://127.0.0.1:9' });
    try {
      const card = renderCard(syncedId);
      await card.waitFor(() => expect(card.findByTestId(ErrorState, 'sync-error')).toBeTruthy(), WAIT);
      expect(card.findByTestId(ErrorState, 'sync-error').text).toMatch(
        /did not answer|could not be reached|problem/i,
      );
      fetch.retarget({ bridgeBaseUrl: harness.bridge.baseUrl });
      card.findByTestId(Button, 'sync-error-retry').trigger('onClick');
      await card.waitFor(() => expect(card.tag().text).toBe('In sync'), WAIT);
    } finally {
      fetch.retarget({ bridgeBaseUrl: harness.bridge.baseUrl });
    }
  });

  it('says plainly when a record type is not synced at all', () => {
    const renderer = createRenderer('crm.record.tab');
    renderer.render(
      <SyncCardView
        context={{ crm: { objectId: 1, objectTypeId: '0-5' } }}
        actions={renderer.mocks.actions}
      />,
    );
    expect(renderer.getRootNode().text).toMatch(/not synced/);
  });
});
