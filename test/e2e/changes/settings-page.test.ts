/**
 * What the settings page reads before it saves, through HubSpot's signing proxy: the live field lists for
 * "add a mapping", a check of an edited document without saving it, and a save refused because someone else
 * saved first.
 */
import * as settingsTable from '../../../src/db/settings';
import type * as installations from '../../../src/db/installations';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SettingsMessage } from '../../../src/domain/settings/validate';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;
interface Envelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const portalId = 4401;
const ADMIN = `admin@portal${portalId}.example.com`;
const REP = `rep@portal${portalId}.example.com`;
const PROPERTIES_READ = 'GET /crm/v3/properties/contacts';

const badField = {
  key: 'shoe_size',
  label: 'Shoe size',
  hubspotProperty: 'shoe_size',
  salesforceFields: { Lead: 'Shoe_Size__c', Contact: 'Shoe_Size__c' },
  rule: 'two_way',
  transform: { kind: 'number' },
};

function withFields(fields: Json[]): Json {
  const base = structuredClone(defaultSettingsInput) as unknown as {
    objects: { contacts: { fields: Json[] } };
  };
  base.objects.contacts.fields.push(...fields);
  return base as unknown as Json;
}

describe.each(testDialects)('the settings page before it saves, on %s', (dialect) => {
  let harness: ChangeHarness;
  let installation: installations.Installation;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installation = await harness.install(portalId);
  });
  afterAll(async () => harness.close());

  async function as(user: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId,
      user,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  it('lists the live HubSpot properties and Salesforce fields for "add a mapping", from the cached reads', async () => {
    await harness.hubspot.control.resetCalls();
    const answer = await as(REP, 'GET', '/api/settings/metadata');
    expect(answer.status).toBe(200);
    const body = answer.body as {
      hubspot: Record<string, Json[]>;
      salesforce: Record<string, Json[]>;
      problems: string[];
    };
    // Every object that syncs (contacts, companies and deals, by default).
    expect(Object.keys(body.hubspot)).toEqual(['contacts', 'companies', 'deals']);
    expect(Object.keys(body.salesforce).sort()).toEqual(['Account', 'Contact', 'Lead', 'Opportunity']);
    expect(body.problems).toEqual([]);

    const property = (name: string) => body.hubspot.contacts!.find((candidate) => candidate.name === name);
    expect(property('email')).toEqual({
      name: 'email',
      label: 'Email',
      type: 'string',
      fieldType: 'text',
      options: [],
      readOnly: false,
    });
    expect(property('hs_calculated_merged_vids')).toMatchObject({ readOnly: true });
    expect(property('lifecyclestage')).toMatchObject({
      type: 'enumeration',
      options: expect.arrayContaining([{ label: 'Lead', value: 'lead' }]),
    });
    const labels = body.hubspot.contacts!.map((candidate) => candidate.label as string);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b)));

    const field = (type: string, name: string) =>
      body.salesforce[type]!.find((candidate) => candidate.name === name);
    expect(field('Lead', 'Rating')).toEqual({
      name: 'Rating',
      label: 'Rating',
      type: 'picklist',
      picklistValues: [
        { label: 'Hot', value: 'Hot' },
        { label: 'Warm', value: 'Warm' },
        { label: 'Cold', value: 'Cold' },
      ],
      updateable: true,
      createable: true,
      nillable: true,
    });
    expect(field('Contact', 'Id')).toMatchObject({ updateable: false, createable: false, nillable: false });
    expect(field('Contact', 'Rating')).toBeUndefined();

    await as(REP, 'GET', '/api/settings/metadata');
    expect((await harness.hubspot.control.calls()).byPortal[String(portalId)]?.byRoute[PROPERTIES_READ]).toBe(
      1,
    );
  });

  it('checks an edited document without saving it, with the messages a refused save gives', async () => {
    const document = withFields([badField]);
    const checked = await as(ADMIN, 'POST', '/api/settings/validate', { document });
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ valid: false, metadataProblems: [] });
    const messages = checked.body.messages as SettingsMessage[];
    expect(
      messages.filter((message) => message.fieldKey === 'shoe_size').map((message) => message.code),
    ).toEqual(expect.arrayContaining(['hubspot_property_missing']));
    expect(await settingsTable.current(harness.testDb.db, installation.id, (raw) => raw)).toBeNull();

    const refused = await as(ADMIN, 'PUT', '/api/settings', { document, baseVersion: 0 });
    expect(refused.status).toBe(422);
    expect((refused.body as unknown as Envelope).error.details.messages).toEqual(messages);

    const fine = await as(ADMIN, 'POST', '/api/settings/validate', {
      document: defaultSettingsInput as Json,
    });
    expect(fine.body).toEqual({ valid: true, messages: expect.any(Array), metadataProblems: [] });
    expect(
      (fine.body.messages as SettingsMessage[]).filter((message) => message.severity === 'error'),
    ).toEqual([]);

    const malformed = await as(ADMIN, 'POST', '/api/settings/validate', { document: { schemaVersion: 1 } });
    expect(malformed.body).toMatchObject({
      valid: false,
      messages: [expect.objectContaining({ code: 'invalid_document' })],
    });
    expect((await as(ADMIN, 'POST', '/api/settings/validate', { nope: true })).status).toBe(400);
    expect((await as(REP, 'POST', '/api/settings/validate', { document })).status).toBe(403);
  });

  it('refuses a save when someone else saved first, saying who and to reload', async () => {
    const mine = await as(ADMIN, 'GET', '/api/settings');
    expect(
      (
        await as(ADMIN, 'PUT', '/api/settings', {
          document: defaultSettingsInput as Json,
          baseVersion: mine.body.version as number,
        })
      ).status,
    ).toBe(200);
    const stale = await as(ADMIN, 'PUT', '/api/settings', {
      document: defaultSettingsInput as Json,
      baseVersion: mine.body.version as number,
    });
    expect(stale.status).toBe(409);
    const { error } = stale.body as unknown as Envelope;
    expect(error).toEqual({
      code: 'stale_base',
      message: `Someone else saved the settings after this page loaded them (version 1, by ${ADMIN}); reload the page to see their changes, then make yours again.`,
      details: { currentVersion: 1, savedBy: ADMIN, savedAt: expect.any(Number) },
    });
  });
});
