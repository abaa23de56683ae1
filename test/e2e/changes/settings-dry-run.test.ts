import type { Knex } from 'knex';
import * as dirty from '../../../src/db/dirty';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import type { SettingsDryRunReport } from '../../../src/sync/settingsDryRun/aggregate';
import type { SyncWorker } from '../../../src/sync/worker';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;
interface Envelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}
interface FieldInput {
  key: string;
  rule: string;
  transform: Json;
}
interface DocumentInput {
  objects: { contacts: { fields: FieldInput[] } };
}

const PAIRS = 150;
const BATCH_READ = 'POST /crm/v3/objects/contacts/batch/read';
const ASSOCIATIONS_READ = 'POST /crm/v4/associations/contacts/companies/batch/read';
const QUERY_ALL = 'GET /services/data/vXX.X/queryAll';
/** Everything the bridge keeps about its records: a preview must leave every row as it was. */
const TABLES = [
  'links',
  'link_events',
  'shadows',
  'dirty',
  'conflicts',
  'failures',
  'pending_matches',
  'audit_entries',
  'settings',
  'cursors',
  'webhook_events',
];

/** The shipped settings with `edit` applied to one field's mapping. */
function documentWith(key: string, edit: (field: FieldInput) => void): Json {
  const document = structuredClone(defaultSettingsInput) as unknown as DocumentInput;
  const field = document.objects.contacts.fields.find((candidate) => candidate.key === key);
  if (!field) throw new Error(`no mapping ${key}`);
  edit(field);
  return document as unknown as Json;
}

async function snapshot(db: Knex): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of TABLES)
    tables[table] = await db(table)
      .select('*')
      .orderBy(db.raw('1') as never);
  return tables;
}

describe.each(testDialects)('previewing edited settings on %s', (dialect) => {
  let harness: ChangeHarness;
  let worker: SyncWorker | null = null;
  let installationId: string;
  const portalId = 3951;
  /** HubSpot contact id and Salesforce Contact id of each pair, in creation order. */
  let pairs: Array<{ hubspotId: string; salesforceId: string }> = [];

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    for (const email of ['admin@default.example', 'rep@sandbox.example']) {
      await harness.hubspot.control.addOwner(portalId, { email });
    }
  });
  afterAll(async () => {
    await worker?.stop();
    await harness.close();
  });

  async function preview(body: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/settings/dry-run`,
      method: 'POST',
      portalId,
      body,
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async function report(body: Json): Promise<SettingsDryRunReport> {
    const answer = await preview(body);
    expect(answer.status).toBe(200);
    return answer.body as unknown as SettingsDryRunReport;
  }

  /**
   * API calls per route since the last reset, leaving out what is not the preview's own: token refreshes,
   * and the user read of the role check in front of settings changes.
   */
  async function apiCalls() {
    const strip = (byRoute: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(byRoute).filter(([route]) => !/oauth|\/settings\/v3\/users/i.test(route)),
      );
    const hubspot = strip((await harness.hubspot.control.calls()).byPortal[String(portalId)]?.byRoute ?? {});
    const salesforce = strip((await harness.salesforce.control.calls()).byRoute);
    const total = (byRoute: Record<string, number>) => Object.values(byRoute).reduce((a, b) => a + b, 0);
    return { hubspot, salesforce, totals: { hubspot: total(hubspot), salesforce: total(salesforce) } };
  }

  async function resetCalls() {
    await harness.hubspot.control.resetCalls();
    await harness.salesforce.control.resetCalls();
  }

  /** The settings page's own read first: it caches the live metadata the settings check uses. */
  async function openSettingsPage() {
    const page = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/settings`,
      method: 'GET',
      portalId,
    });
    expect(page.status).toBe(200);
  }

  async function settle() {
    await harness.pollAll();
    await harness.drained(installationId);
  }

  it('answers "nothing linked yet" with an empty preview and no call', async () => {
    await openSettingsPage();
    await resetCalls();
    const empty = await report({ document: defaultSettingsInput as unknown as Json });
    expect(empty).toMatchObject({
      sampled: 0,
      sampleLimit: 200,
      linkedTotal: 0,
      updates: [],
      conflicts: { count: 0, byField: [], examples: [] },
      failures: { count: 0, byCode: [], examples: [] },
      unchanged: 0,
      records: { missing: 0, outOfScope: 0 },
      calls: { hubspot: 0, salesforce: 0 },
    });
    expect(typeof empty.generatedAt).toBe('number');
    expect((await apiCalls()).totals).toEqual({ hubspot: 0, salesforce: 0 });
  });

  it('refuses a document a save would refuse, with the same messages', async () => {
    const document = documentWith('jobtitle', (field) => {
      field.transform = { kind: 'number' };
    });
    const refused = await preview({ document });
    const saved = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/settings`,
      method: 'PUT',
      portalId,
      body: { document, baseVersion: 0 },
    });
    const saveAnswer = (await saved.json()) as Envelope;
    expect(saved.status).toBe(422);
    expect(refused.status).toBe(422);
    const envelope = refused.body as unknown as Envelope;
    expect(envelope.error.code).toBe('invalid_settings');
    expect(envelope.error.details.messages).toEqual(saveAnswer.error.details.messages);
    expect(envelope.error.details.messages).toEqual(
      expect.arrayContaining([expect.objectContaining({ fieldKey: 'jobtitle', severity: 'error' })]),
    );
    expect((await preview({ document: defaultSettingsInput, sampleSize: 501 })).status).toBe(400);
  });

  it('finds nothing to write under the stored settings, reading 150 pairs in batch calls', async () => {
    const ids = await harness.salesforce.control.createRecords(
      'Contact',
      Array.from({ length: PAIRS }, (_, index) => ({
        FirstName: 'Pat',
        LastName: `Preview ${index}`,
        Email: `pat.preview.${index}@example.com`,
        Title: 'Engineer',
        MailingCity: index % 3 === 1 ? 'Paris' : index % 3 === 0 ? 'Berlin' : null,
      })),
    );
    worker = harness.startWorker();
    await settle();
    await settle();
    const rows = await harness.testDb.db('links').where({ installation_id: installationId, state: 'active' });
    expect(rows).toHaveLength(PAIRS);
    expect(await harness.testDb.db('failures').where({ installation_id: installationId })).toEqual([]);
    const bySalesforceId = new Map(
      rows.map((row: Json) => [row.salesforce_id as string, row.hubspot_id as string]),
    );
    pairs = ids.map((salesforceId) => ({
      salesforceId,
      hubspotId: bySalesforceId.get(salesforceId) as string,
    }));

    await openSettingsPage();
    await resetCalls();
    const first = await report({ document: defaultSettingsInput as unknown as Json });
    expect(first).toMatchObject({
      sampled: PAIRS,
      sampleLimit: 200,
      linkedTotal: PAIRS,
      updates: [],
      conflicts: { count: 0 },
      failures: { count: 0 },
      unchanged: PAIRS,
      records: { missing: 0, outOfScope: 0 },
    });
    // What it says it spent is what the APIs counted (the org metadata comes first, then the records).
    const spent = await apiCalls();
    expect(first.calls).toEqual(spent.totals);
    expect(spent.hubspot[BATCH_READ]).toBe(2);
    expect(spent.salesforce[QUERY_ALL]).toBe(1);

    // Metadata cached: the records alone, at the floor of 100 per HubSpot read and 300 ids per query, and
    // the contacts' primary companies (companies sync by default) in one associations read per 1,000.
    await openSettingsPage();
    await resetCalls();
    const second = await report({ document: defaultSettingsInput as unknown as Json });
    expect(second.calls).toEqual({ hubspot: 3, salesforce: 1 });
    expect((await apiCalls()).totals).toEqual({ hubspot: 3, salesforce: 1 });

    const smaller = await report({ document: defaultSettingsInput as unknown as Json, sampleSize: 20 });
    expect(smaller).toMatchObject({ sampled: 20, sampleLimit: 20, linkedTotal: PAIRS, unchanged: 20 });
  });

  describe('with the two sides edited apart, and no sync since', () => {
    let before: Record<string, unknown[]>;
    let hubspotBefore: unknown;
    const edited = (index: number) => pairs[index]!;

    beforeAll(async () => {
      await worker?.stop();
      worker = null;
      const person = harness.hubspot.control.asUser(portalId);
      // Pairs 0 and 1: the title changed in HubSpot. Pair 2: changed on both sides, to different values,
      // Salesforce's change clearly the newer (Salesforce stamps to the second).
      await person.update('contacts', edited(0).hubspotId, { jobtitle: 'Staff Engineer' });
      await person.update('contacts', edited(1).hubspotId, { jobtitle: 'Principal Engineer' });
      await person.update('contacts', edited(2).hubspotId, { jobtitle: 'Architect' });
      await harness.advanceTime(5_000);
      await harness.salesforce.control.updateRecord(edited(2).salesforceId, { Title: 'Lead Engineer' });
      await harness.hubspot.control.waitForWebhooksIdle();
      before = await snapshot(harness.testDb.db);
      hubspotBefore = await harness.hubspot.control.records(portalId, 'contacts');
      await resetCalls();
    });

    afterAll(async () => {
      // Nothing was written anywhere: no write call, the same records, every row as it was.
      const calls = await apiCalls();
      const writes = [...Object.keys(calls.hubspot), ...Object.keys(calls.salesforce)].filter(
        (route) => !route.startsWith('GET ') && route !== BATCH_READ && route !== ASSOCIATIONS_READ,
      );
      expect(writes).toEqual([]);
      expect(await harness.hubspot.control.records(portalId, 'contacts')).toEqual(hubspotBefore);
      expect(await snapshot(harness.testDb.db)).toEqual(before);
    });

    it('predicts the writes of the stored two-way rule: each edit goes where the sync would take it', async () => {
      const stored = await report({ document: defaultSettingsInput as unknown as Json });
      expect(stored.updates).toEqual([
        expect.objectContaining({ fieldKey: 'jobtitle', label: 'Job title', toHubspot: 1, toSalesforce: 2 }),
      ]);
      const examples = new Map(stored.updates[0]!.examples.map((example) => [example.hubspotId, example]));
      expect(examples.get(edited(0).hubspotId)).toEqual({
        objectType: 'contacts',
        linkId: expect.any(String),
        hubspotId: edited(0).hubspotId,
        salesforceId: edited(0).salesforceId,
        salesforceObjectType: 'Contact',
        direction: 'to_salesforce',
        from: 'Engineer',
        to: 'Staff Engineer',
      });
      // Both changed: the newer change wins, which takes HubSpot's property history (one more read).
      expect(examples.get(edited(2).hubspotId)).toMatchObject({
        direction: 'to_hubspot',
        from: 'Architect',
        to: 'Lead Engineer',
      });
      expect(stored.unchanged).toBe(PAIRS - 3);
      expect(stored.calls).toEqual({ hubspot: 4, salesforce: 1 });
    });

    it('predicts the other direction when the field becomes Salesforce-owned, and nothing when it stops syncing', async () => {
      const owned = await report({
        document: documentWith('jobtitle', (field) => {
          field.rule = 'salesforce';
        }),
      });
      expect(owned.updates).toHaveLength(1);
      expect(owned.updates[0]).toMatchObject({ fieldKey: 'jobtitle', toHubspot: 3, toSalesforce: 0 });
      const examples = new Map(owned.updates[0]!.examples.map((example) => [example.hubspotId, example]));
      expect(examples.get(edited(0).hubspotId)).toMatchObject({
        direction: 'to_hubspot',
        from: 'Staff Engineer',
        to: 'Engineer',
      });
      expect(examples.get(edited(2).hubspotId)).toMatchObject({
        direction: 'to_hubspot',
        from: 'Architect',
        to: 'Lead Engineer',
      });

      const off = await report({
        document: documentWith('jobtitle', (field) => {
          field.rule = 'none';
        }),
      });
      expect(off.updates).toEqual([]);
      expect(off.unchanged).toBe(PAIRS);
    });

    it('predicts a conflict where a review rule meets two different edits', async () => {
      const review = await report({
        document: documentWith('jobtitle', (field) => {
          field.rule = 'review';
        }),
      });
      expect(review.conflicts).toEqual({
        count: 1,
        byField: [{ objectType: 'contacts', fieldKey: 'jobtitle', label: 'Job title', count: 1 }],
        examples: [
          {
            objectType: 'contacts',
            linkId: expect.any(String),
            hubspotId: edited(2).hubspotId,
            salesforceId: edited(2).salesforceId,
            fieldKey: 'jobtitle',
            label: 'Job title',
            hubspotValue: 'Architect',
            salesforceValue: 'Lead Engineer',
          },
        ],
      });
      // The pairs changed on one side only flow as under two-way.
      expect(review.updates).toMatchObject([{ fieldKey: 'jobtitle', toHubspot: 0, toSalesforce: 2 }]);
    });

    it('predicts a failure, with its sentence, for every value a value map lacks', async () => {
      const map = await report({
        document: documentWith('city', (field) => {
          field.rule = 'hubspot';
          field.transform = { kind: 'picklist', options: [{ hubspot: ['Berlin'], salesforce: ['Berlin'] }] };
        }),
      });
      expect(map.failures.count).toBe(PAIRS / 3);
      expect(map.failures.byCode).toEqual([
        {
          code: 'no_mapping',
          count: PAIRS / 3,
          message:
            'The value "Paris" of "City" has no matching value in Salesforce. Add it to the field\'s value map in the app settings, then press Retry.',
        },
      ]);
      expect(map.failures.examples).toHaveLength(3);
      expect(map.failures.examples[0]).toMatchObject({ fieldKey: 'city', code: 'no_mapping' });
      expect(map.updates.find((field) => field.fieldKey === 'city')).toBeUndefined();
    });
  });

  it('predicts exactly the writes and failures the sync makes once the edited settings are saved', async () => {
    // A changed rule (the title becomes Salesforce's) and a changed transform (the city goes through a value
    // map that knows Berlin, written to Salesforce as "BER", and not Paris).
    const document = documentWith('jobtitle', (field) => {
      field.rule = 'salesforce';
    });
    const city = (document as unknown as DocumentInput).objects.contacts.fields.find(
      (field) => field.key === 'city',
    )!;
    city.rule = 'hubspot';
    city.transform = { kind: 'picklist', options: [{ hubspot: ['Berlin'], salesforce: ['BER'] }] };
    const predicted = await report({ document });
    const writes = (updates: SettingsDryRunReport['updates']) =>
      Object.fromEntries(
        updates.flatMap((field) => [
          ...(field.toHubspot > 0 ? [[`${field.fieldKey}:to_hubspot`, field.toHubspot]] : []),
          ...(field.toSalesforce > 0 ? [[`${field.fieldKey}:to_salesforce`, field.toSalesforce]] : []),
        ]),
      );
    expect(writes(predicted.updates)).toEqual({ 'city:to_salesforce': PAIRS / 3, 'jobtitle:to_hubspot': 3 });
    expect(predicted.failures.byCode).toMatchObject([{ code: 'no_mapping', count: PAIRS / 3 }]);

    const { db } = harness.testDb;
    const lastAudit = ((await db('audit_entries').max({ id: 'id' }).first()) as { id: number }).id;
    const current = (await (
      await harness.hubspot.control.hubspotFetch({
        url: `${harness.bridge.baseUrl}/api/settings`,
        method: 'GET',
        portalId,
      })
    ).json()) as { version: number };
    const saved = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/settings`,
      method: 'PUT',
      portalId,
      body: { document, baseVersion: current.version },
    });
    expect(saved.status).toBe(200);
    // Saving re-syncs nothing by itself: a pair gets these writes when it next syncs in full. "Sync now" on
    // every pair, so each is read on both sides and planned, as the preview did.
    await dirty.markMany(
      db,
      pairs.map(({ hubspotId }) => ({
        installationId,
        record: { side: 'hubspot' as const, objectType: 'contacts' as const, recordId: hubspotId },
        source: 'manual' as const,
      })),
      harness.clock.now(),
    );
    // The polls find the edits made above (no sync since) before the worker starts: each pair is one
    // pending row and syncs once, not again from a poll's copy read while the worker was writing it.
    await harness.pollAll();
    worker = harness.startWorker();
    await harness.drained(installationId);

    const written = (await db('audit_entries')
      .where({ installation_id: installationId, action: 'field_written' })
      .andWhere('id', '>', lastAudit)
      .select('field_key', 'direction')) as Array<{ field_key: string; direction: string }>;
    const counts: Record<string, number> = {};
    for (const row of written) {
      const key = `${row.field_key}:${row.direction}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    expect(counts).toEqual(writes(predicted.updates));
    const failed = (await db('failures').where({ installation_id: installationId }).select('code')) as Array<{
      code: string;
    }>;
    expect(failed.map((row) => row.code)).toEqual(Array(PAIRS / 3).fill('no_mapping'));
    for (const index of [0, 1]) {
      const contact = await harness.hubspot.control.record(portalId, 'contacts', pairs[index]!.hubspotId);
      expect(contact.properties.jobtitle).toBe('Engineer');
    }
    expect((await harness.salesforce.control.getRecord(pairs[0]!.salesforceId)).MailingCity).toBe('BER');

    // Saved and synced: the same settings now preview no write, and the Paris records still fail.
    const after = await report({ document });
    expect(after.updates).toEqual([]);
    expect(after.unchanged).toBe(PAIRS);
    expect(after.failures.count).toBe(PAIRS / 3);
  });

  it('previews companies as well as contacts, each field under its object', async () => {
    const [accountId] = await harness.salesforce.control.createRecords('Account', [
      { Name: 'Preview Corp', Website: 'https://preview-corp.example.com' },
    ]);
    await settle();
    const link = (await harness.testDb
      .db('links')
      .where({ installation_id: installationId, salesforce_id: accountId, state: 'active' })
      .first()) as { hubspot_id: string } | undefined;
    expect(link).toBeDefined();
    // The company's name changes in HubSpot, and nothing syncs it yet.
    await worker?.stop();
    worker = null;
    await harness.hubspot.control
      .asUser(portalId)
      .update('companies', link!.hubspot_id, { name: 'Preview Corporation' });
    await harness.hubspot.control.waitForWebhooksIdle();

    const stored = (await (
      await harness.hubspot.control.hubspotFetch({
        url: `${harness.bridge.baseUrl}/api/settings`,
        method: 'GET',
        portalId,
      })
    ).json()) as { document: Json };
    const predicted = await report({ document: stored.document });
    expect(predicted.linkedTotal).toBe(PAIRS + 1);
    expect(predicted.sampled).toBe(PAIRS + 1);
    expect(predicted.updates).toEqual([
      expect.objectContaining({
        objectType: 'companies',
        fieldKey: 'name',
        label: 'Company · Company name',
        toHubspot: 0,
        toSalesforce: 1,
        examples: [
          expect.objectContaining({
            objectType: 'companies',
            salesforceId: accountId,
            salesforceObjectType: 'Account',
            from: 'Preview Corp',
            to: 'Preview Corporation',
          }),
        ],
      }),
    ]);
  });
});
