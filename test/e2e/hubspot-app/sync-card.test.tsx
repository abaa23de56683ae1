/**
 * The sync card rendered with HubSpot's own testing kit, talking to the real bridge through the HubSpot
 * emulator's signing proxy, over states the real engine produced: a synced pair, "Sync now", a conflict
 * settled from the card, a failure fixed and retried, an ambiguous match answered, two contacts flagged as
 * possible duplicates by a Lead's conversion, a record deleted in Salesforce, a paused installation, and a
 * bridge that is down.
 */
import {
  Alert,
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
import * as links from '../../../src/db/links';
import * as settingsTable from '../../../src/db/settings';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { textOf } from '../../support/rendered-text';
import { signedApi, type Json } from '../../support/signed-api';
import { routeHubSpotFetch, type ExtensionFetch } from '../../support/extension-fetch';
import { startChangeHarness, type ChangeHarness } from '../changes/harness';

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

  const api = (method: 'GET' | 'POST' | 'PUT', path: string, body?: Json) =>
    signedApi(harness.hubspot, harness.bridge.baseUrl, portalId)(method, path, body);

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
    /** Waits until `check` passes; a timeout reports the check's last failure and what the card showed. */
    const until = async (check: () => void) => {
      const deadline = Date.now() + WAIT.timeoutInMs;
      for (;;) {
        try {
          check();
          return;
        } catch (error) {
          if (Date.now() > deadline) {
            throw new Error(`${(error as Error).message}\nThe card shows: ${textOf(renderer.getRootNode())}`);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    /** Waits for the status tag to read `title`; a timeout says what the card showed instead. */
    const showsTag = async (title: string | RegExp) => {
      try {
        await renderer.waitFor(
          () => expect(tag().text).toEqual(typeof title === 'string' ? title : expect.stringMatching(title)),
          WAIT,
        );
      } catch {
        throw new Error(
          `the card never showed "${String(title)}"; it shows: ${textOf(renderer.getRootNode())}`,
        );
      }
    };
    return { ...renderer, tag, showsTag, until };
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
    await card.showsTag('In sync');
    expect(card.tag().props.variant).toBe('success');
    const link = card.findByTestId(Text, 'sync-message');
    expect(link.text).toBeTruthy();
    await card.until(() => expect(card.findByTestId(Table, 'field-table')).toBeTruthy());
    const table = textOf(card.findByTestId(Table, 'field-table'));
    expect(table).toContain('Ada');
    expect(table).toContain('Analyst');
    expect(card.findByTestId(Text, 'fields-summary').text).toMatch(/All \d+ mapped fields agree/);
    const salesforceLink = card.findByTestId(Text, 'last-sync-salesforce');
    expect(salesforceLink.text).not.toBe('never');
    await card.until(() => expect(textOf(card.findByTestId(Table, 'history'))).toMatch(/link/i));
  });

  it('"Sync now" queues the record, says so, and ends on the sync\'s result', async () => {
    const card = renderCard(syncedId);
    await card.showsTag('In sync');
    const before = fetch.requests.length;
    card.findByTestId(LoadingButton, 'sync-now').trigger('onClick');
    await card.until(() => expect(card.mocks.actions.addAlert.callCount).toBe(1));
    expect(card.mocks.actions.addAlert.calls[0]?.[0]).toMatchObject({ type: 'success' });
    expect(
      fetch.requests.slice(before).map((request) => `${request.method} ${new URL(request.url).pathname}`),
    ).toContain(`POST /api/sync/records/hubspot/contacts/${syncedId}/sync-now`);
    await harness.drained(installationId);
    await card.showsTag('In sync');
    // The person who asked is in the record's history.
    await card.until(() => expect(textOf(card.findByTestId(Table, 'history'))).toContain(admin));
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
    await card.showsTag('Conflict');
    expect(card.findByTestId(Text, 'conflict-hubspot-jobtitle').text).toBe('Chief Analyst');
    expect(card.findByTestId(Text, 'conflict-salesforce-jobtitle').text).toBe('Head of Analysis');
    card.findByTestId(Button, 'keep-salesforce-jobtitle').trigger('onClick');
    await card.until(() => expect(card.mocks.actions.addAlert.callCount).toBe(1));
    await harness.drained(installationId);
    await card.showsTag('In sync');
    const contact = await harness.hubspot.control.record(portalId, 'contacts', syncedId);
    expect(contact.properties.jobtitle).toBe('Head of Analysis');
    await card.until(() => expect(textOf(card.findByTestId(Table, 'history'))).toMatch(/conflict/i));
  });

  it('explains a failure in plain words; Retry tries again, and fixing the record clears it', async () => {
    // A Lead needs a last name and a company; this contact has neither.
    const id = await createContact({ email: 'nameless@card.example', firstname: 'Nameless' });
    const card = renderCard(id);
    await card.showsTag('Error');
    expect(card.tag().props.variant).toBe('danger');
    expect(card.findByTestId(Text, 'failure-message').text).toMatch(/LastName/);
    const failedAttempts = () =>
      textOf(card.maybeFindByTestId(Table, 'history')).split('Not created in the other system').length - 1;
    await card.until(() => expect(failedAttempts()).toBeGreaterThan(0));
    const before = failedAttempts();
    const retry = card.findAll(Button).find((button) => String(button.props.testId).startsWith('retry-'));
    retry!.trigger('onClick');
    await card.until(() => expect(card.mocks.actions.addAlert.callCount).toBe(1));
    await harness.drained(installationId);
    // Nothing changed, so the retry fails the same way, and the card says it tried again.
    await card.until(() => expect(failedAttempts()).toBe(before + 1));
    expect(textOf(card.findByTestId(Table, 'history'))).toContain(`${admin} asked to retry`);
    await card.showsTag('Error');

    await harness.hubspot.control
      .asUser(portalId)
      .update('contacts', id, { lastname: 'Named', company: 'Acme' });
    await settle();
    const fixed = renderCard(id);
    await fixed.showsTag('In sync');
    expect(fixed.maybeFindByTestId(Text, 'failure-message')).toBeNull();
  });

  it('asks which Salesforce record an ambiguous contact is, and links the one picked', async () => {
    const twins = await harness.salesforce.control.createRecords('Contact', [
      { FirstName: 'Tess', LastName: 'Twin', Email: 'twin@card.example' },
      { FirstName: 'Tessa', LastName: 'Twin', Email: 'twin@card.example' },
    ]);
    // The new contact's webhook is what the worker acts on: it finds both twins by email, and waits.
    const { id } = await harness.hubspot.control
      .asUser(portalId)
      .create('contacts', { email: 'twin@card.example', firstname: 'Tess', lastname: 'Twin' });
    await harness.hubspot.control.waitForWebhooksIdle();
    await harness.drained(installationId);
    const card = renderCard(id);
    await card.showsTag('Waiting for a person');
    const candidates = textOf(card.findByTestId(Table, 'match-candidates'));
    for (const twin of twins) expect(candidates).toContain(twin);
    expect(candidates).toContain('Tessa');
    card.findByTestId(Button, `link-candidate-${twins[1]}`).trigger('onClick');
    await card.until(() => expect(card.mocks.actions.addAlert.callCount).toBe(1));
    await harness.drained(installationId);
    await card.showsTag('In sync');
    const status = await api('GET', `/api/sync/records/hubspot/contacts/${id}`);
    expect(status.body.link).toMatchObject({ salesforce: { recordId: twins[1] } });
    // The other twin matches a contact that is linked now: a possible duplicate, waiting for a person.
    await harness.pollAll();
    await harness.drained(installationId);
    const pending = (await api('GET', '/api/sync/pending-matches')).body.pendingMatches as Array<{
      record: { recordId: string };
      reason: string;
      candidates: unknown[];
    }>;
    expect(pending.find((match) => match.record.recordId === twins[0])).toMatchObject({
      reason: 'linked_elsewhere',
      candidates: [expect.objectContaining({ record: expect.objectContaining({ recordId: id }) })],
    });
    // The contact's card names it as a possible duplicate in Salesforce.
    const again = renderCard(id);
    await again.showsTag('In sync');
    await again.until(() =>
      expect(textOf(again.findByTestId(Alert, 'possible-duplicates'))).toContain(`Contact ${twins[0]}`),
    );
    expect(again.findByTestId(Alert, 'possible-duplicates').props.title).toBe(
      'Possible duplicate in Salesforce',
    );
    await harness.salesforce.control.deleteRecord(twins[0]!);
  });

  it("flags two contacts as possible duplicates when one's Lead converts into the other's Contact", async () => {
    const leadContact = await createContact({ email: 'pat.lee@card.example', lastname: 'Lee' });
    const leadId = (
      (await api('GET', `/api/sync/records/hubspot/contacts/${leadContact}`)).body.link as {
        salesforce: { recordId: string };
      }
    ).salesforce.recordId;
    const account = await harness.salesforce.control.createRecord('Account', { Name: 'Lee Inc' });
    const contact = await harness.salesforce.control.createRecord('Contact', {
      LastName: 'Lee',
      Email: 'pat@card.example',
      AccountId: account.id,
    });
    await settle();
    const other = (
      (await api('GET', `/api/sync/records/salesforce/Contact/${contact.id}`)).body.link as {
        hubspot: { recordId: string };
      }
    ).hubspot.recordId;
    await harness.salesforce.control.convertLead(leadId, {
      accountId: account.id,
      contactId: contact.id,
      createOpportunity: false,
    });
    await settle();

    const card = renderCard(leadContact);
    await card.showsTag('Waiting for a person');
    await card.until(() =>
      expect(textOf(card.findByTestId(Alert, 'possible-duplicates'))).toContain(`HubSpot contact ${other}`),
    );
    const shown = textOf(card.findByTestId(Alert, 'possible-duplicates'));
    expect(shown).toContain(`Contact ${contact.id}`);
    expect(shown).toContain('Merge them in HubSpot');
    expect(card.findByTestId(Alert, 'possible-duplicates').props.title).toBe('2 possible duplicates');

    const otherCard = renderCard(other);
    await otherCard.showsTag('In sync');
    await otherCard.until(() =>
      expect(textOf(otherCard.findByTestId(Alert, 'possible-duplicates'))).toContain(
        `HubSpot contact ${leadContact}`,
      ),
    );
    expect(otherCard.findByTestId(Alert, 'possible-duplicates').props.title).toBe('Possible duplicate');
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
    await card.showsTag('Deleted in Salesforce');
    expect(card.tag().props.variant).toBe('danger');
    expect(card.maybeFindByTestId(LoadingButton, 'sync-now')).toBeNull();
    const notice = card.findByTestId(Alert, 'deletion-notice');
    expect(notice.props.title).toBe('Deleted in Salesforce');
    expect(textOf(notice)).toContain('The HubSpot record is marked "Deleted in Salesforce".');
    expect(textOf(notice)).toContain('Restoring it in Salesforce before');

    // The record comes back from the recycle bin without a poll noticing yet: an admin relinks from the card.
    await harness.salesforce.control.undeleteRecord(salesforceId);
    card.findByTestId(Button, 'relink').trigger('onClick');
    await card.showsTag('In sync');
    expect(card.maybeFindByTestId(Alert, 'deletion-notice')).toBeNull();
    const relinked = await api('GET', `/api/sync/records/hubspot/contacts/${id}`);
    expect(relinked.body).toMatchObject({ link: { state: 'active' }, deletion: null });
    const properties = (await harness.hubspot.control.record(portalId, 'contacts', id)).properties;
    expect(properties.salesforce_sync_status).toBe('synced');
    expect(properties.salesforce_deleted_at ?? '').toBe('');
  });

  it("names the Account a contact's company waits for, in sync otherwise, when the Account is out of scope", async () => {
    const current = await api('GET', '/api/settings');
    const document = structuredClone(current.body.document) as unknown as {
      objects: { companies: { scope: unknown } };
    };
    document.objects.companies.scope = {
      anyOf: [{ allOf: [{ property: 'industry', operator: 'eq', value: 'COMPUTER_SOFTWARE' }] }],
    };
    const saved = await api('PUT', '/api/settings', {
      document: document as unknown as Json,
      baseVersion: current.body.version as number,
    });
    expect(saved.status).toBe(200);
    const account = await harness.salesforce.control.createRecord('Account', {
      Name: 'Umbrella Farms',
      Industry: 'Agriculture',
    });
    const contact = await harness.salesforce.control.createRecord('Contact', {
      LastName: 'Farmer',
      Email: 'farmer@umbrella.example',
      AccountId: account.id,
    });
    await settle();
    const status = await api('GET', `/api/sync/records/salesforce/Contact/${contact.id}`);
    const hubspotId = (status.body.link as { hubspot: { recordId: string } }).hubspot.recordId;

    const card = renderCard(hubspotId);
    await card.showsTag('In sync');
    await card.until(() =>
      expect(textOf(card.findByTestId(Alert, 'waiting-associations'))).toContain(
        `Salesforce record ${account.id}`,
      ),
    );
    expect(card.findByTestId(Alert, 'waiting-associations').props.title).toBe(
      'An association waits for its record to sync',
    );
  });

  it('shows Paused while an admin paused sync, and Not linked for a record the bridge does not know', async () => {
    expect((await api('PUT', '/api/sync/pause', { paused: true })).status).toBe(200);
    try {
      const card = renderCard(syncedId);
      await card.showsTag('Paused');
      expect(textOf(card.getRootNode())).toMatch(/paused/i);
    } finally {
      expect((await api('PUT', '/api/sync/pause', { paused: false })).status).toBe(200);
    }
    const unknown = renderCard('987654321');
    await unknown.showsTag('Not linked');
    expect(unknown.maybeFindByTestId(Table, 'field-table')).toBeNull();
  });

  it('shows an error with "Try again" when the bridge is down, and recovers when it is back', async () => {
    fetch.retarget({ bridgeBaseUrl: 'http://127.0.0.1:9' });
    try {
      const card = renderCard(syncedId);
      await card.until(() => expect(card.findByTestId(ErrorState, 'sync-error')).toBeTruthy());
      expect(textOf(card.findByTestId(ErrorState, 'sync-error'))).toMatch(
        /did not answer|could not be reached|problem/i,
      );
      fetch.retarget({ bridgeBaseUrl: harness.bridge.baseUrl });
      card.findByTestId(Button, 'sync-error-retry').trigger('onClick');
      await card.showsTag('In sync');
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
    expect(textOf(renderer.getRootNode())).toMatch(/not synced/);
  });

  // Last: it turns companies on for the installation.
  it("names a contact's company in the field table instead of showing record ids", async () => {
    const current = await settingsTable.current(harness.testDb.db, installationId, (raw) => raw);
    const document = structuredClone(defaultSettingsInput);
    if (document.objects.companies) document.objects.companies.enabled = true;
    const saved = await settingsTable.save(
      harness.testDb.db,
      installationId,
      {
        document: document as unknown as Record<string, never>,
        createdBy: admin,
        baseVersion: current?.version ?? 0,
      },
      harness.clock.now(),
    );
    if (!saved.ok) throw new Error('settings were not saved');
    const rep = { asUser: 'rep@sandbox.example' };
    const account = await harness.salesforce.control.createRecord(
      'Account',
      { Name: 'Card Widgets Ltd', Website: 'https://card-widgets.example.com' },
      rep,
    );
    const contact = await harness.salesforce.control.createRecord(
      'Contact',
      {
        FirstName: 'Wanda',
        LastName: 'Widget',
        Email: 'wanda@card-widgets.example.com',
        AccountId: account.id,
      },
      rep,
    );
    await settle();
    await settle();
    const link = await links.findActiveBySalesforce(harness.testDb.db, installationId, contact.id);
    if (!link) throw new Error('the Contact was not linked');
    const company = await links.findActiveBySalesforce(harness.testDb.db, installationId, account.id);

    const status = await api('GET', `/api/sync/records/hubspot/contacts/${link.hubspotId}?dryRun=true`);
    expect(status.status).toBe(200);
    const fields = (status.body.dryRun as { fields: Json[] }).fields;
    expect(fields.find((field) => field.key === 'primary_company')).toMatchObject({
      hubspot: company?.hubspotId,
      hubspotDisplay: 'Card Widgets Ltd',
      salesforceDisplay: 'Card Widgets Ltd',
      decision: { action: 'nothing' },
    });

    const card = renderCard(link.hubspotId);
    await card.until(() => expect(card.findByTestId(Table, 'field-table')).toBeTruthy());
    const table = textOf(card.findByTestId(Table, 'field-table'));
    expect(table).toContain('Card Widgets Ltd');
    expect(table).not.toContain(account.id);
  });
});
