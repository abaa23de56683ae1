import type { Client } from '@hubspot/api-client';
import { BudgetExhausted, openGate, type CallGate } from '../../../src/connectors/gate';
import { searchModified } from '../../../src/connectors/hubspot/changes';
import { HubSpotError } from '../../../src/connectors/hubspot/errors';
import { holdsEvery, HubSpotObjects, mergedIdsOf } from '../../../src/connectors/hubspot/records';
import { listHubSpotOwners } from '../../../src/connectors/hubspot/owners';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import { createAppProperties, hubspotClientFor, startHubSpot } from '../../support/syncEmulators';

let emulator: HubSpotEmulator;
let client: Client;
let contacts: HubSpotObjects;
let portalId: number;

beforeAll(async () => {
  emulator = await startHubSpot();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  portalId = emulator.defaultPortalId;
  client = await hubspotClientFor(emulator, portalId);
  await createAppProperties(client);
  contacts = new HubSpotObjects(client, 'contacts');
  await emulator.control.resetCalls();
});

async function createContacts(count: number, extra: (index: number) => Record<string, string> = () => ({})) {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 100) {
    const inputs = Array.from({ length: Math.min(100, count - start) }, (_, offset) => ({
      properties: { email: `person${start + offset}@example.com`, ...extra(start + offset) },
      associations: [],
    }));
    const created = await client.crm.contacts.batchApi.create({ inputs });
    // Results come in no particular order, as HubSpot's do: put the ids in input order.
    const byEmail = new Map(created.results.map((result) => [result.properties.email, result.id]));
    ids.push(...inputs.map((input) => byEmail.get(input.properties.email) as string));
  }
  await emulator.control.resetCalls();
  return ids;
}

async function calls(route: string): Promise<number> {
  return (await emulator.control.calls()).byRoute[route] ?? 0;
}

const PROPERTIES = ['email', 'firstname', 'lastname', 'salesforce_record_id'];

describe('HubSpotObjects reads', () => {
  it('reads by id in batches of 100, with every requested property present and blanks as null', async () => {
    const ids = await createContacts(120, (index): Record<string, string> =>
      index % 2 === 0 ? { firstname: `F${index}` } : {},
    );
    const found = await contacts.readByIds([...ids, '999999'], PROPERTIES);
    expect(found.size).toBe(120);
    expect(await calls('POST /crm/v3/objects/contacts/batch/read')).toBe(2);
    const first = found.get(ids[0] as string);
    expect(first?.properties).toMatchObject({
      email: 'person0@example.com',
      firstname: 'F0',
      lastname: null,
    });
    expect(found.get(ids[1] as string)?.properties.firstname).toBeNull();
    expect(first?.archived).toBe(false);
    expect(found.has('999999')).toBe(false);
  });

  it('reads property history in batches of 50 and keeps the newest change time per property', async () => {
    const ids = await createContacts(60);
    await emulator.control.asUser(portalId).update('contacts', ids[0] as string, { firstname: 'Ana' });
    await emulator.control.resetCalls();
    const found = await contacts.readByIds(ids, PROPERTIES, { historyFor: ['firstname', 'email'] });
    expect(found.size).toBe(60);
    expect(await calls('POST /crm/v3/objects/contacts/batch/read')).toBe(2);
    const record = found.get(ids[0] as string);
    expect(record?.propertyTimestampsMs.firstname).toEqual(expect.any(Number));
    expect(record?.propertyTimestampsMs.firstname).toBeGreaterThanOrEqual(
      record?.propertyTimestampsMs.email ?? Infinity,
    );
  });

  it('resolves a merged-away id to the surviving record, whose id differs', async () => {
    const [primary, other] = await createContacts(2);
    const merged = await emulator.control
      .asUser(portalId)
      .merge('contacts', primary as string, other as string);
    const found = await contacts.readByIds([other as string, primary as string], PROPERTIES);
    expect(found.get(other as string)?.id).toBe(merged.id);
    expect(found.get(primary as string)?.id).toBe(merged.id);
    expect(merged.id).not.toBe(primary);
  });

  it('resolves a merged-away id by hs_merged_object_ids when the contact lists it only there', async () => {
    await emulator.control.updateSettings({
      behaviour: { contactMergedIdsProperties: ['hs_merged_object_ids'] },
    });
    const [primary, other] = await createContacts(2);
    const merged = await emulator.control
      .asUser(portalId)
      .merge('contacts', primary as string, other as string);
    const found = await contacts.readByIds([other as string], PROPERTIES);
    expect(found.get(other as string)?.id).toBe(merged.id);
  });

  it('hands the poll a merge survivor with the ids merged into it, whose links it takes over', async () => {
    const [primary, other] = await createContacts(2);
    const merged = await emulator.control
      .asUser(portalId)
      .merge('contacts', primary as string, other as string);
    const page = await searchModified(
      client,
      openGate,
      'contacts',
      { mode: 'since', sinceMs: 0 },
      PROPERTIES,
      null,
    );
    const survivor = page.records.find((record) => record.id === merged.id);
    expect(survivor && mergedIdsOf(survivor).sort()).toEqual([primary, other].sort());
  });

  it('reads archived records only when asked for them', async () => {
    const [live, archived] = await createContacts(2);
    await emulator.control.asUser(portalId).archive('contacts', archived as string);
    expect([...(await contacts.readByIds([live as string, archived as string], PROPERTIES)).keys()]).toEqual([
      live,
    ]);
    const bin = await contacts.readArchivedByIds([live as string, archived as string], PROPERTIES);
    expect([...bin.keys()]).toEqual([archived]);
    expect(bin.get(archived as string)?.archived).toBe(true);
  });

  it('reads by a unique property: email and the Salesforce id property', async () => {
    const ids = await createContacts(3, (index) => ({ salesforce_record_id: `00Q00000000000${index}AAA` }));
    const byEmail = await contacts.readByUniqueProperty(
      'email',
      ['person1@example.com', 'nobody@example.com', ''],
      PROPERTIES,
    );
    expect(byEmail.map((record) => record.id)).toEqual([ids[1]]);
    const bySalesforceId = await contacts.readByUniqueProperty(
      'salesforce_record_id',
      ['00Q000000000002AAA'],
      PROPERTIES,
    );
    expect(bySalesforceId.map((record) => record.id)).toEqual([ids[2]]);
    expect(await calls('POST /crm/v3/objects/contacts/batch/read')).toBe(2);
  });

  it('lists owners, live and archived', async () => {
    const owners = await listHubSpotOwners(client);
    expect(owners.map((owner) => owner.email).sort()).toEqual([
      `admin@portal${portalId}.example.com`,
      `rep@portal${portalId}.example.com`,
    ]);
    expect(owners.every((owner) => owner.archived === false)).toBe(true);
  });
});

describe('HubSpotObjects writes', () => {
  it('updates per record: a missing id fails alone, the others are written', async () => {
    const [first, second] = await createContacts(2);
    const outcomes = await contacts.update([
      { id: first as string, properties: { firstname: 'One' } },
      { id: '987654', properties: { firstname: 'Ghost' } },
      { id: second as string, properties: { firstname: 'Two' } },
    ]);
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, failure: { category: 'not_found', side: 'hubspot' } });
    expect(outcomes[0]).toMatchObject({ ok: true, record: { properties: { firstname: 'One' } } });
    expect(await calls('POST /crm/v3/objects/contacts/batch/update')).toBe(1);
  });

  it('splits a batch HubSpot refuses as a whole until the bad record fails alone', async () => {
    const ids = await createContacts(4);
    const outcomes = await contacts.update(
      ids.map((id, index) => ({
        id,
        properties: (index === 2 ? { lifecyclestage: 'not-a-stage' } : { firstname: `N${index}` }) as Record<
          string,
          string
        >,
      })),
    );
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, false, true]);
    expect(outcomes[2]).toMatchObject({
      ok: false,
      failure: { category: 'picklist_value_not_allowed', retryable: false },
    });
    // 4 → 2 + 2 → the bad half splits into 1 + 1: five calls, and the good records are written.
    expect(await calls('POST /crm/v3/objects/contacts/batch/update')).toBe(5);
    const stored = await emulator.control.record(portalId, 'contacts', ids[3] as string);
    expect(stored.properties.firstname).toBe('N3');
  });

  it('reports a bad email as a validation failure with a sentence', async () => {
    const [id] = await createContacts(1);
    const [outcome] = await contacts.update([{ id: id as string, properties: { email: 'not-an-email' } }]);
    expect(outcome).toMatchObject({ ok: false, failure: { category: 'validation', side: 'hubspot' } });
    expect(outcome?.ok === false && outcome.failure.message).toMatch(/cannot be written to HubSpot/);
  });

  it('upserts on the Salesforce id: a retried create finds the first record', async () => {
    const input = {
      idValue: '00Q000000000009AAA',
      properties: { email: 'new@example.com', firstname: 'New' },
    };
    const [first] = await contacts.upsert('salesforce_record_id', [input]);
    const [again] = await contacts.upsert('salesforce_record_id', [input]);
    expect(first).toMatchObject({ ok: true, created: true });
    expect(again).toMatchObject({ ok: true, created: false });
    expect(first?.ok && again?.ok && first.id === again.id).toBe(true);
    expect((await emulator.control.records(portalId, 'contacts')).results).toHaveLength(1);
  });

  it('takes from a write answer only what it holds: a property it leaves out is not read, never blank', async () => {
    const ids = await createContacts(30, (index) => ({
      lastname: `Last${index}`,
      salesforce_record_id: `003000000000${String(index).padStart(3, '0')}AAA`,
    }));
    // The answers come in no particular order: each outcome is its input's, by objectWriteTraceId.
    const outcomes = await contacts.update(
      ids.map((id, index) => ({ id, properties: { firstname: `First${index}` } })),
    );
    outcomes.forEach((outcome, index) => {
      expect(outcome).toMatchObject({ ok: true, id: ids[index] });
      const record = outcome.ok ? outcome.record : null;
      expect(record?.id).toBe(ids[index]);
      expect(record?.properties.firstname).toBe(`First${index}`);
      expect(record?.properties).not.toHaveProperty('lastname');
    });
    const [upserted] = await contacts.upsert('salesforce_record_id', [
      { idValue: '003000000000004AAA', properties: { jobtitle: 'Buyer' } },
    ]);
    expect(upserted).toMatchObject({ ok: true, id: ids[4], created: false });
    const record = upserted?.ok ? upserted.record : null;
    expect(record?.properties.jobtitle).toBe('Buyer');
    expect(record?.properties).not.toHaveProperty('email');
    expect(record && holdsEvery(record, ['jobtitle', 'email'])).toBe(false);
  });

  it('isolates a duplicate email in an upsert batch', async () => {
    await createContacts(1);
    const outcomes = await contacts.upsert('salesforce_record_id', [
      { idValue: '00Q000000000001AAA', properties: { email: 'fresh@example.com' } },
      { idValue: '00Q000000000002AAA', properties: { email: 'person0@example.com' } },
    ]);
    expect(outcomes[0]).toMatchObject({ ok: true, created: true });
    expect(outcomes[1]).toMatchObject({ ok: false, failure: { category: 'duplicate' } });
  });
});

describe('HubSpotObjects whole-call failures', () => {
  it('maps a 429 to rate_limited with the wait its policy asks for', async () => {
    const ids = await createContacts(1);
    await emulator.control.addFault({ match: 'POST /crm/v3/objects/*/batch/read', kind: '429' });
    const error = await contacts.readByIds(ids, PROPERTIES).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubSpotError);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 10_000 });
    await emulator.control.addFault({ match: 'POST /crm/v3/objects/*/search', kind: '429_secondly' });
    const secondly = await contacts.searchModifiedSince(0, PROPERTIES).catch((caught: unknown) => caught);
    expect(secondly).toMatchObject({ code: 'rate_limited', retryAfterMs: 1_000 });
  });

  it('maps 5xx to a retryable outage and does not split a write on it', async () => {
    const ids = await createContacts(2);
    await emulator.control.addFault({ match: 'POST /crm/v3/objects/*/batch/update', kind: '503' });
    const error = await contacts
      .update(ids.map((id) => ({ id, properties: { firstname: 'X' } })))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'unavailable', category: 'transient', retryable: true });
    expect(await calls('POST /crm/v3/objects/contacts/batch/update')).toBe(1);
  });

  it('retries a 423 lock as a whole call after at least 2 s, without splitting the batch', async () => {
    const ids = await createContacts(100);
    // The lock holds for every call made in the next moment.
    await emulator.control.addFault({
      match: 'POST /crm/v3/objects/*/batch/update',
      kind: '423',
      times: 500,
    });
    const error = await contacts
      .update(ids.map((id) => ({ id, properties: { firstname: 'Locked' } })))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubSpotError);
    expect(error).toMatchObject({
      code: 'locked',
      category: 'transient',
      retryable: true,
      retryAfterMs: 2_000,
    });
    expect(await calls('POST /crm/v3/objects/contacts/batch/update')).toBe(1);
  });

  it("retries a 477 migration after HubSpot's Retry-After, without splitting the batch", async () => {
    await emulator.control.addFault({
      match: 'POST /crm/v3/objects/*/batch/upsert',
      kind: '477',
      retryAfterSeconds: 3_600,
      times: 500,
    });
    const error = await contacts
      .upsert(
        'salesforce_record_id',
        Array.from({ length: 100 }, (_, index) => ({
          idValue: `003000000000${String(index).padStart(3, '0')}AAA`,
          properties: { email: `migrating${index}@example.com` },
        })),
      )
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'migration_in_progress',
      category: 'transient',
      retryable: true,
      retryAfterMs: 3_600_000,
    });
    expect(await calls('POST /crm/v3/objects/contacts/batch/upsert')).toBe(1);
  });

  it('gives up on a call that does not answer in time', async () => {
    const ids = await createContacts(1);
    const impatient = new HubSpotObjects(client, 'contacts', { callTimeoutMs: 200 });
    await emulator.control.addFault({
      match: 'POST /crm/v3/objects/*/batch/read',
      kind: 'slow',
      delayMs: 1500,
    });
    const error = await impatient.readByIds(ids, PROPERTIES).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('maps a dropped connection to a retryable network error', async () => {
    const ids = await createContacts(1);
    await emulator.control.addFault({ match: 'POST /crm/v3/objects/*/batch/read', kind: 'disconnect' });
    const error = await contacts.readByIds(ids, PROPERTIES).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });

  it('lets the call gate refuse a call without touching HubSpot', async () => {
    const ids = await createContacts(1);
    const refusing: CallGate = {
      acquire: async () => {
        throw new BudgetExhausted('hubspot', 1_234, 'ten-second window full');
      },
    };
    const gated = new HubSpotObjects(client, 'contacts', { gate: refusing });
    await expect(gated.readByIds(ids, PROPERTIES)).rejects.toBeInstanceOf(BudgetExhausted);
    await expect(
      gated.update([{ id: ids[0] as string, properties: { firstname: 'X' } }]),
    ).rejects.toBeInstanceOf(BudgetExhausted);
    expect((await emulator.control.calls()).total).toBe(0);
  });
});
