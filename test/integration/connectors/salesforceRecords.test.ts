import type { Connection } from 'jsforce';
import { BudgetExhausted, type CallGate } from '../../../src/connectors/gate';
import { describeFields, listSalesforceUsers } from '../../../src/connectors/salesforce/metadata';
import { SalesforceCallError } from '../../../src/connectors/salesforce/errors';
import { SalesforceRecords, type FieldValues } from '../../../src/connectors/salesforce/records';
import { SOQL_ENCODED_BUDGET } from '../../../src/connectors/salesforce/soql';
import { defaultSettings } from '../../../src/domain/settings/defaults';
import { requiredFieldsFromDescribe } from '../../../src/domain/settings/metadata';
import { salesforceFieldsToRead } from '../../../src/settings/fields';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { salesforceConnectionFor, startSalesforce } from '../../support/syncEmulators';

let emulator: SalesforceEmulator;
let connection: Connection;
let contacts: SalesforceRecords;
let leads: SalesforceRecords;

const COLLECTION = '/services/data/vXX.X/composite/sobjects';
const FIELDS = ['FirstName', 'LastName', 'Email', 'HubSpot_Id__c'];
const LEAD_FIELDS = [...FIELDS, 'Company', 'Status'];

beforeAll(async () => {
  emulator = await startSalesforce();
});
afterAll(() => emulator.close());
beforeEach(async () => {
  await emulator.control.reset();
  connection = await salesforceConnectionFor(emulator);
  contacts = new SalesforceRecords(connection, 'Contact');
  leads = new SalesforceRecords(connection, 'Lead');
});

async function calls(route: string): Promise<number> {
  return (await emulator.control.calls()).byRoute[route] ?? 0;
}

async function createContacts(
  count: number,
  fields: (index: number) => Record<string, unknown> = () => ({}),
) {
  const ids = await emulator.control.createRecords(
    'Contact',
    Array.from({ length: count }, (_, index) => ({
      LastName: `Person${index}`,
      Email: `person${index}@example.com`,
      ...fields(index),
    })),
  );
  await emulator.control.resetCalls();
  return ids;
}

describe('SalesforceRecords reads', () => {
  it('reads by 15- or 18-character ids, deleted records included, in one query', async () => {
    const [kept, binned] = await createContacts(2);
    await emulator.control.deleteRecord(binned as string);
    const found = await contacts.readByIds([(kept as string).slice(0, 15), binned as string], FIELDS);
    expect(found.get(kept as string)?.fields).toMatchObject({ LastName: 'Person0', HubSpot_Id__c: null });
    expect(found.get((kept as string).slice(0, 15))?.id).toBe(kept);
    expect(found.get(binned as string)?.isDeleted).toBe(true);
    expect(await calls('GET /services/data/vXX.X/queryAll')).toBe(1);
  });

  it('pages through a large result with queryMore', async () => {
    const ids = await createContacts(2_100);
    const page = await contacts.readModifiedSince(0, FIELDS, 2_100);
    expect(page.records).toHaveLength(2_100);
    expect(page.more).toBe(false);
    expect(new Set(page.records.map((record) => record.id))).toEqual(new Set(ids));
    expect(await calls('GET /services/data/vXX.X/query')).toBe(1);
    expect(await calls('GET /services/data/vXX.X/query/:locator')).toBe(1);
  });

  it('matches by email or cross-id in one query per object, leaving converted Leads out', async () => {
    const [byEmail, byCrossId] = await createContacts(3, (index) =>
      index === 1 ? { HubSpot_Id__c: '501' } : {},
    );
    const lead = await emulator.control.createRecord('Lead', {
      LastName: 'Lead',
      Company: 'Acme',
      Email: 'person0@example.com',
    });
    const converted = await emulator.control.createRecord('Lead', {
      LastName: 'Gone',
      Company: 'Acme',
      Email: 'person0@example.com',
    });
    const conversion = await emulator.control.convertLead(converted.id, { createOpportunity: false });
    await emulator.control.resetCalls();
    const matched = await contacts.readMatching(
      [
        { field: 'Email', values: ['PERSON0@example.com'] },
        { field: 'HubSpot_Id__c', values: ['501'] },
      ],
      FIELDS,
    );
    // The converted Lead lives on as a Contact with its email: that one matches, the Lead does not.
    expect(matched.map((record) => record.id).sort()).toEqual(
      [byEmail, byCrossId, conversion.contactId].sort(),
    );
    const matchedLeads = await leads.readMatching(
      [{ field: 'Email', values: ['person0@example.com'] }],
      LEAD_FIELDS,
    );
    expect(matchedLeads.map((record) => record.id)).toEqual([lead.id]);
    expect(await calls('GET /services/data/vXX.X/query')).toBe(2);
  });

  it('reads a converted Lead with its conversion, and a merged-away Contact with its master', async () => {
    const lead = await emulator.control.createRecord('Lead', { LastName: 'Ng', Company: 'Acme' });
    const converted = await emulator.control.convertLead(lead.id, { createOpportunity: false });
    const [master, loser] = await createContacts(2);
    await emulator.control.merge({
      type: 'Contact',
      masterId: master as string,
      mergeIds: [loser as string],
    });
    const readLead = (await leads.readByIds([lead.id], LEAD_FIELDS)).get(lead.id);
    expect(readLead?.conversion).toMatchObject({
      convertedContactId: converted.contactId,
      convertedAccountId: converted.accountId,
      convertedOpportunityId: null,
    });
    const readLoser = (await contacts.readByIds([loser as string], FIELDS)).get(loser as string);
    expect(readLoser).toMatchObject({ isDeleted: true, masterRecordId: master });
  });

  it('describes an object and lists users', async () => {
    const fields = await describeFields(connection, 'Lead');
    expect(requiredFieldsFromDescribe(fields)).toEqual(expect.arrayContaining(['LastName', 'Company']));
    expect(fields.find((field) => field.name === 'HubSpot_Id__c')?.externalId).toBe(true);
    const users = await listSalesforceUsers(connection);
    expect(users.map((user) => user.email)).toEqual(
      expect.arrayContaining(['admin@default.example', 'rep@sandbox.example']),
    );
  });

  it('reports the org usage from Sforce-Limit-Info to the gate after each call', async () => {
    const seen: Array<[number, number]> = [];
    const gate: CallGate = {
      acquire: async () => undefined,
      observeSalesforceUsage: (used, limit) => seen.push([used, limit]),
    };
    await createContacts(1);
    const used = (await emulator.control.getApiUsage()).used;
    await new SalesforceRecords(connection, 'Contact', { gate }).readModifiedSince(0, FIELDS, 10);
    expect(seen).toEqual([[used + 1, 100_000]]);
  });
});

describe('SalesforceRecords writes', () => {
  it('answers per record: required field, restricted picklist, validation rule, duplicate rule, lock', async () => {
    const ids = await createContacts(5);
    await emulator.control.addFault({
      kind: 'validation_rule',
      route: COLLECTION,
      method: 'PATCH',
      recordIndexes: [2],
      message: 'Title must be set',
      fields: ['Title'],
    });
    const outcomes = await contacts.update([
      { id: ids[0] as string, fields: { LastName: null } },
      { id: ids[1] as string, fields: { FirstName: 'Fine' } },
      { id: ids[2] as string, fields: { FirstName: 'Ruled' } },
      { id: ids[3] as string, fields: { Interests__c: 'Not a value' } },
      { id: ids[4] as string, fields: { FirstName: 'Also fine' } },
    ]);
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.failure.category))).toEqual([
      'required_field_missing',
      'ok',
      'validation',
      'picklist_value_not_allowed',
      'ok',
    ]);
    expect(outcomes[0]?.ok === false && outcomes[0].failure.message).toMatch(/requires LastName/);
    expect(await calls(`PATCH ${COLLECTION}`)).toBe(1);

    await emulator.control.addFault({ kind: 'unable_to_lock_row', route: COLLECTION, recordIndexes: [0] });
    const locked = await contacts.update([
      { id: ids[0] as string, fields: { FirstName: 'Locked' } },
      { id: ids[1] as string, fields: { FirstName: 'Free' } },
    ]);
    expect(locked).toMatchObject([
      { ok: false, failure: { category: 'transient', code: 'UNABLE_TO_LOCK_ROW', retryable: true } },
      { ok: true },
    ]);
    await emulator.control.addFault({ kind: 'duplicates_detected', route: COLLECTION, recordIndexes: [1] });
    const twins = await contacts.update([
      { id: ids[0] as string, fields: { FirstName: 'One' } },
      { id: ids[1] as string, fields: { FirstName: 'Twin' } },
    ]);
    expect(twins).toMatchObject([
      { ok: true },
      { ok: false, failure: { category: 'duplicate', retryable: false } },
    ]);
  });

  it('says a converted Lead cannot be written to', async () => {
    const lead = await emulator.control.createRecord('Lead', { LastName: 'Ng', Company: 'Acme' });
    await emulator.control.convertLead(lead.id, { createOpportunity: false });
    const [outcome] = await leads.update([{ id: lead.id, fields: { FirstName: 'Late' } }]);
    expect(outcome).toMatchObject({
      ok: false,
      failure: { category: 'converted_lead', code: 'CANNOT_UPDATE_CONVERTED_LEAD' },
    });
  });

  it('upserts on the HubSpot id: a retried create updates the first record', async () => {
    const input = {
      externalId: '777',
      fields: { LastName: 'New', Company: 'Acme', Email: 'new@example.com' },
    };
    const [first] = await leads.upsert('HubSpot_Id__c', [input]);
    const [again] = await leads.upsert('HubSpot_Id__c', [input]);
    expect(first).toMatchObject({ ok: true, created: true });
    expect(again).toMatchObject({ ok: true, created: false });
    expect(first?.ok && again?.ok && first.id === again.id).toBe(true);
    const all = await leads.readMatching([{ field: 'HubSpot_Id__c', values: ['777'] }], LEAD_FIELDS);
    expect(all).toHaveLength(1);
  });

  it('creates without an external id when the org has none', async () => {
    const outcomes = await leads.create([
      { fields: { LastName: 'A', Company: 'Acme' } },
      { fields: { LastName: 'B' } },
    ]);
    expect(outcomes[0]).toMatchObject({ ok: true, created: true });
    expect(outcomes[1]).toMatchObject({ ok: false, failure: { category: 'required_field_missing' } });
  });

  it('splits a collection Salesforce refuses as a whole', async () => {
    const ids = await createContacts(3);
    await emulator.control.addFault({ kind: 'http_error', status: 400, route: COLLECTION, method: 'PATCH' });
    const outcomes = await contacts.update(ids.map((id) => ({ id, fields: { FirstName: 'Split' } })));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    // One refused call of three, then halves of two and one.
    expect(await calls(`PATCH ${COLLECTION}`)).toBe(3);
  });

  it('does not split a collection Salesforce could not read (unknown field, wrong type): one call, thrown', async () => {
    const ids = await createContacts(150);
    const error = await contacts
      .update(
        ids.map((id, index) => ({
          id,
          fields: (index === 7 ? { FirstName: 'X', Region__c: 'EU' } : { FirstName: 'X' }) as FieldValues,
        })),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SalesforceCallError);
    expect(error).toMatchObject({ code: 'INVALID_FIELD', retryable: false });
    expect((error as Error).message).toContain("No such column 'Region__c' on sobject of type Contact");
    expect(await calls(`PATCH ${COLLECTION}`)).toBe(1);

    // Asked to, it isolates the records that make the request unreadable.
    await emulator.control.resetCalls();
    const outcomes = await contacts.update(
      ids.slice(0, 4).map((id, index) => ({
        id,
        fields: (index === 1 ? { Birthdate: 'someday' } : { FirstName: 'Y' }) as FieldValues,
      })),
      { isolateRequestRefusals: true },
    );
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, failure: { code: 'JSON_PARSER_ERROR' } });
    expect(await calls(`PATCH ${COLLECTION}`)).toBe(5);
  });
});

describe('SalesforceRecords query length', () => {
  /** Room left for what the emulator does not send: a real org's longer tokens, proxies' headers. */
  const REQUIRED_MARGIN_BYTES = 1_024;

  it(`keeps its longest queries, URL-encoded, plus their headers, ${REQUIRED_MARGIN_BYTES} bytes under Salesforce's 16,384`, async () => {
    // The worker's own field lists (every mapped field of the shipped settings, and the system fields).
    const settings = defaultSettings();
    const leadFields = salesforceFieldsToRead(settings, 'Lead');
    await emulator.control.setMaxRequestBytes(16_384 - REQUIRED_MARGIN_BYTES);
    await emulator.control.clearLargestRequest();
    try {
      // Long e-mail addresses with characters that grow when URL-encoded (+, @, é), and 18-character ids.
      const emails = Array.from(
        { length: 1_500 },
        (_, index) => `firstname.lastname+newsletter-${index}@subsidiary-élan.example-company.com`,
      );
      const ids = Array.from(
        { length: 2_000 },
        (_, index) => `00Q000000${String(index).padStart(6, '0')}AAA`,
      );
      await leads.readMatching(
        [
          { field: 'Email', values: emails },
          { field: 'HubSpot_Id__c', values: ids.map((_, index) => String(90_000_000 + index)) },
        ],
        leadFields,
      );
      await leads.readByIds(ids, leadFields);
      await leads.readByField('Email', emails, leadFields);
    } finally {
      await emulator.control.setMaxRequestBytes(16_384);
    }
    const { largest } = await emulator.control.requestSize();
    const total = (largest?.uriBytes ?? 0) + (largest?.headerBytes ?? 0);
    // The queries were packed up to the bridge's budget (so this is its longest), and none was refused.
    expect(largest?.uriBytes).toBeGreaterThan(SOQL_ENCODED_BUDGET - 500);
    expect(total).toBeLessThanOrEqual(16_384 - REQUIRED_MARGIN_BYTES);
  });
});

describe('SalesforceRecords whole-call failures', () => {
  it('maps an outage on a write to a retryable error without splitting', async () => {
    const ids = await createContacts(2);
    await emulator.control.addFault({ kind: 'http_error', status: 503, route: COLLECTION, method: 'PATCH' });
    const error = await contacts
      .update(ids.map((id) => ({ id, fields: { FirstName: 'X' } })))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SalesforceCallError);
    expect(error).toMatchObject({ category: 'transient', retryable: true });
    expect(await calls(`PATCH ${COLLECTION}`)).toBe(1);
  });

  it('maps a spent daily allocation to rate_limited with a wait', async () => {
    await createContacts(1);
    await emulator.control.setDailyApiLimit(10);
    await emulator.control.setApiUsage(10);
    const error = await contacts.readModifiedSince(0, FIELDS, 10).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'REQUEST_LIMIT_EXCEEDED',
      category: 'rate_limited',
      retryable: true,
    });
    expect((error as SalesforceCallError).retryAfterMs).toBeGreaterThan(0);
  });

  it('gives up on a call that does not answer in time', async () => {
    await createContacts(1);
    const impatient = new SalesforceRecords(connection, 'Contact', { callTimeoutMs: 200 });
    await emulator.control.addFault({ kind: 'slow', delayMs: 1_500, route: '/services/data/vXX.X/query' });
    const error = await impatient.readModifiedSince(0, FIELDS, 10).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'TIMEOUT', category: 'transient', retryable: true });
  });

  it('refreshes an expired session and replays the call', async () => {
    await createContacts(1);
    await emulator.control.expireAccessTokens();
    const page = await contacts.readModifiedSince(0, FIELDS, 10);
    expect(page.records).toHaveLength(1);
  });

  it('lets the call gate refuse a call without touching Salesforce', async () => {
    const refusing: CallGate = {
      acquire: async () => {
        throw new BudgetExhausted('salesforce', 99, 'daily share used');
      },
    };
    await emulator.control.resetCalls();
    const gated = new SalesforceRecords(connection, 'Contact', { gate: refusing });
    await expect(gated.readByIds(['003000000000001AAA'], FIELDS)).rejects.toBeInstanceOf(BudgetExhausted);
    await expect(gated.update([{ id: '003000000000001AAA', fields: {} }])).rejects.toBeInstanceOf(
      BudgetExhausted,
    );
    expect((await emulator.control.calls()).total).toBe(0);
  });
});
