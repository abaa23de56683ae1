/**
 * A Salesforce collection write refused as a whole (here a value Salesforce cannot read as the field's type;
 * a field the org no longer has goes the same way): the bridge reads the describe afresh, leaves the field
 * out, fails it once on each record that carried it, and the other fields still reach Salesforce, in a
 * handful of calls instead of a split into hundreds.
 */
import * as links from '../../../src/db/links';
import type { SettingsInput } from '../../../src/domain/settings/schema';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { testDialects } from '../../support/db';
import { startHubSpot, startSalesforce } from '../../support/syncEmulators';
import { createHarness, type Harness } from '../../support/syncHarness';

let hubspotEmulator: HubSpotEmulator;
let salesforceEmulator: SalesforceEmulator;

beforeAll(async () => {
  hubspotEmulator = await startHubSpot();
  salesforceEmulator = await startSalesforce();
});
afterAll(async () => {
  await hubspotEmulator.close();
  await salesforceEmulator.close();
});

const withHeadcount = (defaults: SettingsInput): SettingsInput => {
  // A text property mapped onto a number field: values that are not numbers cannot be read by Salesforce.
  defaults.objects.contacts.fields.push({
    key: 'headcount',
    label: 'Headcount',
    hubspotProperty: 'headcount',
    salesforceFields: { Lead: 'NumberOfEmployees', Contact: null },
    rule: 'hubspot',
    transform: { kind: 'text' },
  });
  return defaults;
};

const LEAD_UPSERT = 'PATCH /services/data/vXX.X/composite/sobjects/:sobject/:field';
const COLLECTION_UPDATE = 'PATCH /services/data/vXX.X/composite/sobjects';
const DESCRIBE = 'GET /services/data/vXX.X/sobjects/:sobject/describe';

describe.each(testDialects)('a Salesforce write refused as a whole (%s)', (dialect) => {
  let h: Harness;

  beforeEach(async () => {
    await salesforceEmulator.control.reset();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator, { settings: withHeadcount });
    await h.hubspot.crm.properties.coreApi
      .create('contacts', {
        name: 'headcount',
        label: 'Headcount',
        type: 'string' as never,
        fieldType: 'text' as never,
        groupName: 'contactinformation',
      })
      .catch(() => undefined);
  });
  afterEach(() => h.destroy());

  async function contacts(count: number, headcount: (index: number) => string): Promise<string[]> {
    const actor = hubspotEmulator.control.asUser(h.portalId);
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const contact = await actor.create('contacts', {
        email: `person${index}@headcount.example`,
        lastname: `Person ${index}`,
        company: 'Counted',
        jobtitle: 'Analyst',
        headcount: headcount(index),
      });
      ids.push(contact.id);
      await h.markHubspot(contact.id);
    }
    return ids;
  }

  async function failuresOf(code: string) {
    return (await h.testDb
      .db('failures')
      .where({ installation_id: h.installationId, code })
      .whereNull('resolved_at')) as Array<{ category: string; message: string; field_key: string | null }>;
  }

  it('leaves out the field Salesforce could not read, fails it once on the records that carried it, and creates every record', async () => {
    // Every other contact has a headcount Salesforce cannot read as a number.
    const ids = await contacts(120, (index) => (index % 2 === 0 ? '250' : 'about fifty'));
    await h.resetCalls();
    await h.drain();

    const leads = new Map<string, string>();
    for (const contactId of ids) {
      const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contactId);
      expect(link).not.toBeNull();
      leads.set(contactId, link!.salesforceId);
    }
    for (const [index, contactId] of ids.entries()) {
      const lead = await salesforceEmulator.control.getRecord(leads.get(contactId)!);
      expect(lead.Title).toBe('Analyst');
      expect(lead.NumberOfEmployees).toBe(index % 2 === 0 ? 250 : null);
    }
    const calls = (await h.calls()).salesforce;
    // Two claims (100 and 20 contacts): each upsert refused once, then sent again without the bad values,
    // with the describe read afresh each time. Splitting instead took up to 199 calls per claim.
    expect(calls[LEAD_UPSERT]).toBe(4);
    // The describe: once for the batch, and afresh after each refusal (Lead and Contact each time).
    expect(calls[DESCRIBE]).toBe(6);
    expect(calls[COLLECTION_UPDATE] ?? 0).toBe(0);

    const failed = await failuresOf('JSON_PARSER_ERROR');
    expect(failed).toHaveLength(60);
    expect(failed.every((row) => row.category === 'validation')).toBe(true);
    expect(failed[0]?.message).toMatch(/Headcount/);
    expect(h.logger.messages().join('\n')).toContain(
      'for field(s) NumberOfEmployees; sending it again without them',
    );
  });

  it('on an update, writes the other fields and records no shadow for the refused one', async () => {
    const ids = await contacts(3, () => '40');
    await h.drain();
    const actor = hubspotEmulator.control.asUser(h.portalId);
    for (const contactId of ids) {
      await actor.update('contacts', contactId, { jobtitle: 'Lead Analyst', headcount: 'plenty' });
      await h.markHubspot(contactId);
    }
    await h.resetCalls();
    await h.drain();
    for (const contactId of ids) {
      const link = await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', contactId);
      const lead = await salesforceEmulator.control.getRecord(link!.salesforceId);
      expect(lead).toMatchObject({ Title: 'Lead Analyst', NumberOfEmployees: 40 });
      const shadow = (await h.testDb
        .db('shadows')
        .where({ link_id: link!.id, field_key: 'headcount' })
        .first()) as { value: string };
      expect(JSON.parse(shadow.value)).toBe('40');
    }
    expect((await h.calls()).salesforce[COLLECTION_UPDATE]).toBe(2);
    expect(await failuresOf('JSON_PARSER_ERROR')).toHaveLength(3);
  });
});
