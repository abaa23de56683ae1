import {
  pollSalesforce,
  pollSalesforceObject,
  salesforceCursorName,
} from '../../../src/changes/salesforcePoll';
import { CursorMoved, handOverPage, readCursorState } from '../../../src/changes/pollStep';
import { decodePollCursor, fingerprintOf } from '../../../src/domain/changes/pollCursor';
import type { SalesforceRecord } from '../../../src/domain/records';
import { readDirtyPayload } from '../../../src/queue/payload';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

const QUERY = 'GET /services/data/vXX.X/query';
const QUERY_ALL = 'GET /services/data/vXX.X/queryAll';

describe.each(testDialects)('the Salesforce polls on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(3301)).id;
  });
  afterAll(async () => harness.close());

  const sf = () => harness.salesforce.control;

  async function salesforceRows() {
    return (await harness.dirtyRows(installationId)).filter((row) => row.record.side === 'salesforce');
  }

  async function clearQueue() {
    await harness.testDb.db('dirty').where({ installation_id: installationId }).delete();
  }

  async function calls() {
    const counts = await sf().calls();
    return { query: counts.byRoute[QUERY] ?? 0, queryAll: counts.byRoute[QUERY_ALL] ?? 0 };
  }

  it('walks every Lead and Contact on the first run, one call per object and kind', async () => {
    const leads = await sf().createRecords(
      'Lead',
      Array.from({ length: 30 }, (_, n) => ({
        LastName: `Lead ${n}`,
        Company: 'Acme',
        Email: `l${n}@acme.com`,
      })),
    );
    const contacts = await sf().createRecords(
      'Contact',
      Array.from({ length: 40 }, (_, n) => ({ LastName: `Contact ${n}`, Email: `c${n}@acme.com` })),
    );
    await sf().resetCalls();

    const run = await pollSalesforce(harness.deps, installationId);
    expect(
      run.byObject.map(({ type, kind, outcome }) => [type, kind, outcome.initial, outcome.handedOver]),
    ).toEqual([
      ['Lead', 'changes', true, 30],
      ['Lead', 'deletions', true, 0],
      ['Contact', 'changes', true, 40],
      ['Contact', 'deletions', true, 0],
      // Accounts and Opportunities sync by default: walked too, with nothing to hand over here.
      ['Account', 'changes', true, 0],
      ['Account', 'deletions', true, 0],
      ['Opportunity', 'changes', true, 0],
      ['Opportunity', 'deletions', true, 0],
    ]);
    // Deals and contacts sync: their contact roles are polled too (one queryAll), the first run only
    // finding where to start. The Opportunities are queried twice: the first query names the currency field
    // this single-currency org lacks, and is made again without it (a describe shows so).
    expect(await calls()).toEqual({ query: 5, queryAll: 5 });
    expect(run.contactRoles).not.toBeNull();

    const rows = await salesforceRows();
    expect(rows.map((row) => row.record.recordId).sort()).toEqual([...leads, ...contacts].sort());
    const lead = readDirtyPayload(rows.find((row) => row.record.objectType === 'Lead')!).salesforce!;
    // Every mapped field is there (null when empty), and the cross-id field too.
    expect(Object.keys(lead.fields)).toEqual(
      expect.arrayContaining([
        'FirstName',
        'LastName',
        'Email',
        'Company',
        'Status',
        'OwnerId',
        'HubSpot_Id__c',
      ]),
    );
    expect(rows.every((row) => row.source === 'poll')).toBe(true);
  });

  it('pages with keysets, so a bulk load stamped in one second is walked once, without repeats', async () => {
    await clearQueue();
    await harness.testDb
      .db('cursors')
      .where({ installation_id: installationId, name: salesforceCursorName('Lead', 'changes') })
      .delete();
    await sf().createRecords(
      'Lead',
      Array.from({ length: 25 }, (_, n) => ({ LastName: `Bulk ${n}`, Company: 'Initech' })),
    );
    await sf().resetCalls();
    const outcome = await pollSalesforceObject(harness.deps, installationId, 'Lead', 'changes', {
      pageSize: 10,
    });
    // 55 Leads, 10 per call: six calls, each record once.
    expect(outcome).toMatchObject({ initial: true, calls: 6, read: 55, handedOver: 55 });
    expect((await calls()).query).toBe(6);
    expect(await salesforceRows()).toHaveLength(55);
  });

  it('hands over an edit made right after the version already handed over', async () => {
    await pollSalesforce(harness.deps, installationId);
    await clearQueue();
    const [contact] = await sf().createRecords('Contact', [{ LastName: 'Quick', Email: 'quick@acme.com' }]);
    await pollSalesforceObject(harness.deps, installationId, 'Contact', 'changes');
    // Usually within the same second as the create, so with the same SystemModstamp: the values tell.
    await sf().updateRecord(contact!, { Title: 'Founder' });
    await clearQueue();
    const outcome = await pollSalesforceObject(harness.deps, installationId, 'Contact', 'changes');
    expect(outcome.handedOver).toBe(1);
    const [row] = await salesforceRows();
    expect(row?.record.recordId).toBe(contact);
    expect(readDirtyPayload(row!).salesforce?.fields.Title).toBe('Founder');

    // Unchanged since: nothing more.
    await clearQueue();
    await sf().advanceClock(2_000);
    expect((await pollSalesforceObject(harness.deps, installationId, 'Contact', 'changes')).handedOver).toBe(
      0,
    );
  });

  it('sees a lead conversion on the Lead, deletions and merges in the recycle bin, and undeletes', async () => {
    await pollSalesforce(harness.deps, installationId);
    await clearQueue();
    await sf().advanceClock(2_000);
    const [toConvert, toDelete] = await sf().createRecords('Lead', [
      { LastName: 'Convert', Company: 'Hooli', Email: 'convert@hooli.com' },
      { LastName: 'Delete', Company: 'Hooli' },
    ]);
    const [master, loser] = await sf().createRecords('Contact', [
      { LastName: 'Master', Email: 'm@hooli.com' },
      { LastName: 'Loser', Email: 'l@hooli.com' },
    ]);
    await pollSalesforce(harness.deps, installationId);
    await clearQueue();
    await sf().advanceClock(2_000);

    const converted = await sf().convertLead(toConvert!, { createOpportunity: false });
    await sf().deleteRecord(toDelete!);
    await sf().merge({ type: 'Contact', masterId: master!, mergeIds: [loser!] });
    await pollSalesforce(harness.deps, installationId);

    const rows = await salesforceRows();
    const payloadOf = (id: string) => readDirtyPayload(rows.find((row) => row.record.recordId === id)!);
    expect(payloadOf(toConvert!).salesforce?.conversion).toMatchObject({
      convertedContactId: converted.contactId,
      convertedAccountId: converted.accountId,
    });
    expect(payloadOf(converted.contactId).salesforce?.type).toBe('Contact');
    expect(payloadOf(toDelete!)).toMatchObject({ hint: 'deleted', salesforce: { isDeleted: true } });
    expect(payloadOf(loser!)).toMatchObject({
      hint: 'merged',
      event: { survivorId: master, mergedIds: [loser] },
    });
    expect(payloadOf(master!).hint).toBeNull();

    await clearQueue();
    await sf().advanceClock(2_000);
    await sf().undeleteRecord(toDelete!);
    await pollSalesforce(harness.deps, installationId);
    const restored = await salesforceRows();
    expect(restored.map((row) => row.record.recordId)).toEqual([toDelete]);
    expect(readDirtyPayload(restored[0]!)).toMatchObject({ hint: null, salesforce: { isDeleted: false } });
  });

  it('follows done and nextRecordsUrl when Salesforce hands out fewer rows than asked, so a second shared by more than a batch is walked once', async () => {
    await pollSalesforce(harness.deps, installationId);
    await clearQueue();
    await sf().advanceClock(2_000);
    // Rows with long text come 200 to a batch: this org hands every query out in batches of 200.
    await sf().updateSettings({ queryBatchSize: 200 });
    try {
      const burst = await sf().createRecords(
        'Contact',
        Array.from({ length: 450 }, (_, n) => ({ LastName: `Burst ${n}`, Email: `burst${n}@acme.com` })),
      );
      await sf().resetCalls();
      const outcome = await pollSalesforceObject(harness.deps, installationId, 'Contact', 'changes');
      expect(outcome).toMatchObject({ complete: true, stalled: false });
      const handed = new Set((await salesforceRows()).map((row) => row.record.recordId));
      expect(burst.filter((id) => !handed.has(id))).toEqual([]);
      const counts = await sf().calls();
      // One query, then queryMore for the rest of its batches.
      expect(counts.byRoute[QUERY]).toBe(1);
      expect(counts.byRoute['GET /services/data/vXX.X/query/:locator']).toBe(outcome.calls - 1);
      expect(outcome.calls).toBeGreaterThanOrEqual(3);

      // The next run reads the overlap again: everything was handed over, nothing stalls.
      await clearQueue();
      await sf().advanceClock(2_000);
      const again = await pollSalesforceObject(harness.deps, installationId, 'Contact', 'changes');
      expect(again).toMatchObject({ handedOver: 0, stalled: false });
      expect(again.read).toBeGreaterThanOrEqual(450);
      const cursor = await harness.testDb
        .db('cursors')
        .where({ installation_id: installationId, name: salesforceCursorName('Contact', 'changes') })
        .first();
      expect(Number(cursor.stalls)).toBe(0);
    } finally {
      await sf().updateSettings({ queryBatchSize: 2000 });
    }
  });

  it('logs and counts a stall when Salesforce says more rows remain but hands out none past the last one', async () => {
    await pollSalesforce(harness.deps, installationId);
    await clearQueue();
    await sf().advanceClock(2_000);
    await sf().createRecords('Contact', [{ LastName: 'Stuck 1' }, { LastName: 'Stuck 2' }]);
    // A Salesforce whose every answer says "not done" without a locator to the rest.
    const neverDone = {
      ...harness.deps,
      clients: {
        ...harness.deps.clients,
        salesforce: async (id: string) => {
          const connection = await harness.deps.clients.salesforce(id);
          if (!connection.ok) return connection;
          const real = connection.value;
          const wrapped = new Proxy(real, {
            get(target, property, receiver) {
              if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
              return async (soql: string, options: object) => {
                const result = await real.query(soql, options);
                return { ...result, done: false, nextRecordsUrl: undefined };
              };
            },
          });
          return { ok: true as const, value: wrapped };
        },
      },
    };
    const outcome = await pollSalesforceObject(neverDone, installationId, 'Contact', 'changes');
    expect(outcome).toMatchObject({ complete: true, stalled: true });
    expect(harness.bridge.context.lines.join('\n')).toMatch(/Salesforce Contact changes poll stalled/);
    const health = await harness.testDb
      .db('cursors')
      .where({ installation_id: installationId, name: salesforceCursorName('Contact', 'changes') })
      .first();
    expect(Number(health.stalls)).toBe(1);
    expect(Number(health.last_stalled_at)).toBeGreaterThan(0);
  });

  it('refuses to hand a page over on a cursor another process moved meanwhile', async () => {
    const name = salesforceCursorName('Contact', 'changes');
    const stale = await readCursorState(harness.deps, installationId, name, decodePollCursor);
    await sf().advanceClock(2_000);
    const [contact] = await sf().createRecords('Contact', [{ LastName: 'Raced' }]);
    await pollSalesforceObject(harness.deps, installationId, 'Contact', 'changes');
    await clearQueue();

    const canonical: SalesforceRecord = {
      type: 'Contact',
      id: contact!,
      fields: { LastName: 'Raced' },
      lastModifiedAtMs: Date.now(),
      systemModstampMs: Date.now(),
      lastModifiedById: null,
      isDeleted: false,
      masterRecordId: null,
      conversion: null,
    };
    await expect(
      handOverPage(
        harness.deps,
        installationId,
        stale,
        [
          {
            change: {
              id: contact!,
              changedMs: canonical.systemModstampMs,
              fingerprint: fingerprintOf(canonical.fields),
            },
            ref: { side: 'salesforce', objectType: 'Contact', recordId: contact! },
            payload: { record: canonical },
          },
        ],
        60_000,
      ),
    ).rejects.toBeInstanceOf(CursorMoved);
    expect(await salesforceRows()).toEqual([]);
  });

  it('leaves out a mapped field the org does not have, instead of failing every poll', async () => {
    await harness.salesforce.control.removeField('Contact', 'HubSpot_Id__c');
    await sf().advanceClock(2_000);
    const [contact] = await sf().createRecords('Contact', [{ LastName: 'Fieldless' }]);
    await clearQueue();
    await sf().resetCalls();
    const outcome = await pollSalesforceObject(harness.deps, installationId, 'Contact', 'changes');
    expect(outcome.complete).toBe(true);
    // The refused query, one describe, the query again.
    expect((await sf().calls()).total).toBe(3);
    // (Records of the overlap read with fewer fields count as new versions: harmless, they are echoes.)
    const row = (await salesforceRows()).find((candidate) => candidate.record.recordId === contact);
    const fields = readDirtyPayload(row!).salesforce!.fields;
    expect(fields).not.toHaveProperty('HubSpot_Id__c');
    expect(fields).toHaveProperty('LastName', 'Fieldless');
    expect(harness.bridge.context.lines.join('\n')).toContain('lacks mapped field(s) HubSpot_Id__c');

    // The next poll leaves the field out from the start: one call.
    await sf().resetCalls();
    await pollSalesforceObject(harness.deps, installationId, 'Contact', 'changes');
    expect((await sf().calls()).total).toBe(1);
  });
});
