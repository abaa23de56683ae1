import * as installations from '../../../src/db/installations';
import * as settingsTable from '../../../src/db/settings';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SettingsMessage } from '../../../src/domain/settings/validate';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

interface Envelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

type Json = Record<string, unknown>;

/** Property reads of every object: contacts, companies and deals sync by default. */
const PROPERTIES_READ = /^GET \/crm\/v3\/properties\/(contacts|companies|deals)$/;
const DESCRIBE = 'GET /services/data/vXX.X/sobjects/:sobject/describe';

function contactsWith(fields: Json[]): Json {
  const base = defaultSettingsInput as unknown as { objects: { contacts: Json & { fields: Json[] } } };
  return {
    ...(defaultSettingsInput as unknown as Json),
    objects: { contacts: { ...base.objects.contacts, fields: [...base.objects.contacts.fields, ...fields] } },
  };
}

describe.each(testDialects)('the settings API on %s', (dialect) => {
  let harness: ChangeHarness;
  let installation: installations.Installation;
  const portalId = 3501;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installation = await harness.install(portalId);
  });
  afterAll(async () => harness.close());

  /** A request from the app's settings page, through HubSpot's signing proxy. */
  async function fromSettingsPage(portal: number, method: 'GET' | 'PUT', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId: portal,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async function metadataCalls() {
    const hubspot = await harness.hubspot.control.calls();
    const salesforce = await harness.salesforce.control.calls();
    return {
      properties: Object.entries(hubspot.byPortal[String(portalId)]?.byRoute ?? {})
        .filter(([route]) => PROPERTIES_READ.test(route))
        .reduce((sum, [, count]) => sum + count, 0),
      describes: salesforce.byRoute[DESCRIBE] ?? 0,
    };
  }

  async function resetCalls() {
    await harness.hubspot.control.resetCalls();
    await harness.salesforce.control.resetCalls();
  }

  it('shows the shipped defaults, valid against the live metadata, read with one call per object', async () => {
    await resetCalls();
    const answer = await fromSettingsPage(portalId, 'GET', '/api/settings');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ version: 0, document: { paused: false }, metadataProblems: [] });
    const messages = answer.body.messages as SettingsMessage[];
    expect(messages.filter((message) => message.severity === 'error')).toEqual([]);
    // One properties read per HubSpot object, one describe per Salesforce object (Lead, Contact, Account,
    // Opportunity).
    expect(await metadataCalls()).toEqual({ properties: 3, describes: 4 });

    // Read again: from the cache, no call.
    await fromSettingsPage(portalId, 'GET', '/api/settings');
    expect(await metadataCalls()).toEqual({ properties: 3, describes: 4 });
  });

  it('refuses a document that cannot work, with a message per mapped field, and saves nothing', async () => {
    const document = contactsWith([
      {
        key: 'shoe_size',
        label: 'Shoe size',
        hubspotProperty: 'shoe_size',
        salesforceFields: { Lead: 'Shoe_Size__c', Contact: 'Shoe_Size__c' },
        rule: 'two_way',
        transform: { kind: 'number' },
      },
      {
        key: 'rating',
        label: 'Rating',
        hubspotProperty: 'hs_lead_status',
        salesforceFields: { Lead: 'Rating' },
        rule: 'two_way',
        transform: { kind: 'picklist', options: [{ hubspot: ['NEW'], salesforce: ['Hot'] }] },
      },
    ]);
    const answer = await fromSettingsPage(portalId, 'PUT', '/api/settings', { document, baseVersion: 0 });
    expect(answer.status).toBe(422);
    const envelope = answer.body as unknown as Envelope;
    expect(envelope.error.code).toBe('invalid_settings');
    expect(envelope.error.message).toMatch(/^The settings were not saved: \d+ problems to fix\./);
    const messages = envelope.error.details.messages as SettingsMessage[];
    const byField = (key: string) => messages.filter((m) => m.fieldKey === key).map((m) => m.code);
    expect(byField('shoe_size')).toEqual(
      expect.arrayContaining(['hubspot_property_missing', 'salesforce_field_missing']),
    );
    expect(byField('rating')).toEqual(expect.arrayContaining(['picklist_value_unmapped']));
    expect(messages.find((m) => m.code === 'salesforce_field_missing')?.message).toContain(
      'Salesforce Lead has no field "Shoe_Size__c"',
    );
    expect(await settingsTable.current(harness.testDb.db, installation.id, (raw) => raw)).toBeNull();
  });

  it('refuses a malformed document without asking either system anything', async () => {
    await resetCalls();
    const document = contactsWith([
      {
        key: 'title2',
        hubspotProperty: 'jobtitle',
        salesforceFields: { Lead: 'Title' },
        rule: 'sometimes',
        transform: { kind: 'text' },
      },
    ]);
    const answer = await fromSettingsPage(portalId, 'PUT', '/api/settings', { document, baseVersion: 0 });
    expect(answer.status).toBe(422);
    const messages = (answer.body as unknown as Envelope).error.details.messages as SettingsMessage[];
    expect(messages.some((m) => m.code === 'invalid_document' && m.fieldKey === 'title2')).toBe(true);
    expect(await metadataCalls()).toEqual({ properties: 0, describes: 0 });
  });

  it('saves a document naming fields created a moment ago, checking them against fresh metadata', async () => {
    // The cache holds the metadata from before these existed.
    await harness.salesforce.control.addField('Lead', { name: 'Score__c', type: 'double', label: 'Score' });
    await harness.salesforce.control.addField('Contact', {
      name: 'Score__c',
      type: 'double',
      label: 'Score',
    });
    const other = await harness.actor(portalId);
    await other.crm.properties.coreApi.create('contacts', {
      name: 'score',
      label: 'Score',
      type: 'number' as never,
      fieldType: 'number' as never,
      groupName: 'contactinformation',
    });
    await resetCalls();
    const document = contactsWith([
      {
        key: 'score',
        hubspotProperty: 'score',
        salesforceFields: { Lead: 'Score__c', Contact: 'Score__c' },
        rule: 'salesforce',
        transform: { kind: 'number' },
      },
    ]);
    const answer = await fromSettingsPage(portalId, 'PUT', '/api/settings', { document, baseVersion: 0 });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ version: 1, paused: false });
    expect(await metadataCalls()).toEqual({ properties: 1, describes: 2 });

    const stored = await settingsTable.current(harness.testDb.db, installation.id, (raw) => raw as Json);
    expect(stored?.version).toBe(1);
    expect(stored?.createdBy).toBe(`admin@portal${portalId}.example.com`);
    const shown = await fromSettingsPage(portalId, 'GET', '/api/settings');
    expect(shown.body).toMatchObject({ version: 1 });
    expect(JSON.stringify(shown.body.settings)).toContain('Score__c');
  });

  it('refuses a save based on a version someone else replaced', async () => {
    const document = contactsWith([]);
    const answer = await fromSettingsPage(portalId, 'PUT', '/api/settings', { document, baseVersion: 0 });
    expect(answer.status).toBe(409);
    expect((answer.body as unknown as Envelope).error).toMatchObject({
      code: 'stale_base',
      details: { currentVersion: 1 },
    });
  });

  it("keeps 'paused' on the pause switch, never in the stored document", async () => {
    const document = { ...contactsWith([]), paused: true };
    const answer = await fromSettingsPage(portalId, 'PUT', '/api/settings', { document, baseVersion: 1 });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ version: 2, paused: true });
    const switched = await installations.findById(harness.testDb.db, installation.id);
    expect(switched).toMatchObject({ syncPaused: true, pauseReason: 'paused_by_admin' });
    const stored = await settingsTable.current(harness.testDb.db, installation.id, (raw) => raw as Json);
    expect(stored?.document).not.toHaveProperty('paused');
    expect((await fromSettingsPage(portalId, 'GET', '/api/settings')).body).toMatchObject({
      document: { paused: true },
      settings: { paused: true },
    });

    const resumed = await fromSettingsPage(portalId, 'PUT', '/api/sync/pause', { paused: false });
    expect(resumed).toMatchObject({ status: 200, body: { pausedByAdmin: false, syncPaused: false } });
    expect((await fromSettingsPage(portalId, 'GET', '/api/settings')).body).toMatchObject({
      document: { paused: false },
    });
  });

  it('gives each portal its own settings, and nothing to a portal without an installation or to anyone unsigned', async () => {
    await harness.salesforce.control.createOrg({ name: 'initech', adminUsername: 'admin@initech.example' });
    const secondId = (await harness.install(3502, { salesforceUser: 'admin@initech.example' })).id;
    const theirs = await fromSettingsPage(3502, 'GET', '/api/settings');
    expect(theirs.status).toBe(200);
    expect(theirs.body.version).toBe(0);
    expect(JSON.stringify(theirs.body)).not.toContain('Score__c');
    expect(secondId).not.toBe(installation.id);

    // Naming the other portal in the URL changes nothing: the portal is what HubSpot signed.
    const sneaky = await fromSettingsPage(3502, 'GET', `/api/settings?portalId=${portalId}`);
    expect(sneaky.status).toBe(400);
    const saveIntoOther = await fromSettingsPage(3502, 'PUT', `/api/settings?portalId=${portalId}`, {
      document: contactsWith([]),
      baseVersion: 2,
    });
    expect(saveIntoOther.status).toBe(400);
    expect((await settingsTable.current(harness.testDb.db, installation.id, (raw) => raw))?.version).toBe(2);

    const nobody = await fromSettingsPage(3599, 'GET', '/api/settings');
    expect(nobody.status).toBe(404);
    const unsigned = await fetch(`${harness.bridge.baseUrl}/api/settings?portalId=${portalId}`);
    expect(unsigned.status).toBe(401);
    const unsignedSave = await fetch(`${harness.bridge.baseUrl}/api/settings?portalId=${portalId}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ document: contactsWith([]), baseVersion: 2 }),
    });
    expect(unsignedSave.status).toBe(401);
  });
});
