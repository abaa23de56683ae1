import type { ChangeDetectionDeps } from '../../../src/changes/start';
import { hubspotCursorName, pollHubSpot } from '../../../src/changes/hubspotPoll';
import * as cursors from '../../../src/db/cursors';
import { decodePollCursor, encodePollCursor } from '../../../src/domain/changes/pollCursor';
import { readDirtyPayload } from '../../../src/queue/payload';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

const SEARCH = 'POST /crm/v3/objects/contacts/search';

describe.each(testDialects)('the HubSpot poll on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  const portalId = 3201;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
    // This suite is about polls: webhooks would mark the same records and blur what the poll did.
    await harness.hubspot.control.removeWebhooks(harness.hubspot.bridgeApp.appId);
  });
  afterAll(async () => harness.close());

  async function searches(): Promise<number> {
    const calls = await harness.hubspot.control.calls();
    return calls.byPortal[String(portalId)]?.byRoute[SEARCH] ?? 0;
  }

  async function cursorOf() {
    const stored = await cursors.get(harness.testDb.db, installationId, hubspotCursorName('contacts'));
    return decodePollCursor(stored?.value ?? null);
  }

  it('walks every contact on the first run at the floor of calls, handing each over as the payload', async () => {
    const other = await harness.actor(portalId);
    // Five imports a second apart, 90 contacts each: records share their instant within an import.
    const ids: string[] = [];
    for (let batch = 0; batch < 5; batch += 1) {
      const created = await other.crm.contacts.batchApi.create({
        inputs: Array.from({ length: 90 }, (_, index) => ({
          properties: {
            email: `p${batch}-${index}@example.com`,
            firstname: `P${batch}`,
            lastname: `N${index}`,
          },
          associations: [],
        })),
      });
      ids.push(...created.results.map((contact) => contact.id));
      await harness.hubspot.control.advanceClock(1_000);
    }
    await harness.hubspot.control.resetCalls();

    const outcome = await pollHubSpot(harness.deps, installationId, 'contacts');
    expect(outcome).toMatchObject({ initial: true, complete: true, handedOver: 450 });
    // 450 records, 200 per search: three calls, the floor (each new search re-reads only its anchor instant).
    expect(outcome.calls).toBe(3);
    expect(await searches()).toBe(3);

    const rows = await harness.dirtyRows(installationId);
    expect(rows.map((row) => row.record.recordId).sort()).toEqual([...ids].sort());
    const payload = readDirtyPayload(rows[0]!);
    expect(rows.every((row) => row.source === 'poll')).toBe(true);
    expect(payload.hubspot).not.toBeNull();
    // Every mapped property is present (null when empty), so the worker need not read the record again.
    expect(Object.keys(payload.hubspot!.properties)).toEqual(
      expect.arrayContaining([
        'email',
        'firstname',
        'lifecyclestage',
        'hubspot_owner_id',
        'salesforce_record_id',
      ]),
    );
    expect(payload.hubspot!.properties.lifecyclestage).toBeNull();
  });

  it('hands over only what changed since, skipping versions already handed over in the overlap', async () => {
    const before = await cursorOf();
    const rows = await harness.dirtyRows(installationId);
    await harness.testDb.db('dirty').where({ installation_id: installationId }).delete();
    const [first, second] = rows.map((row) => row.record.recordId);
    const person = harness.hubspot.control.asUser(portalId);
    await harness.hubspot.control.advanceClock(1_000);
    await person.update('contacts', first!, { jobtitle: 'Chemist' });
    await person.update('contacts', second!, { jobtitle: 'Physicist' });
    await harness.hubspot.control.resetCalls();

    const outcome = await pollHubSpot(harness.deps, installationId, 'contacts');
    // The overlap re-reads every record of the last minute, but only the two new versions are handed over.
    expect(outcome.read).toBeGreaterThan(2);
    expect(outcome.handedOver).toBe(2);
    expect(outcome.initial).toBe(false);
    const marked = await harness.dirtyRows(installationId);
    expect(marked.map((row) => row.record.recordId).sort()).toEqual([first, second].sort());
    expect(
      readDirtyPayload(marked.find((row) => row.record.recordId === first)!).hubspot?.properties.jobtitle,
    ).toBe('Chemist');
    const after = await cursorOf();
    expect(after!.newestMs).toBeGreaterThan(before!.newestMs);

    // Nothing changed: the next poll hands nothing over.
    await harness.testDb.db('dirty').where({ installation_id: installationId }).delete();
    expect((await pollHubSpot(harness.deps, installationId, 'contacts')).handedOver).toBe(0);
    expect(await harness.dirtyRows(installationId)).toEqual([]);
  });

  it('finds a record that showed up late, as long as it lies within the overlap', async () => {
    const person = harness.hubspot.control.asUser(portalId);
    await harness.hubspot.control.advanceClock(1_000);
    const late = await person.create('contacts', { email: 'late@example.com' });
    const modifiedMs = Date.parse(late.properties.lastmodifieddate!);
    await harness.testDb.db('dirty').where({ installation_id: installationId }).delete();
    // Pretend an earlier poll already saw records 30 s newer than this one, before it was searchable.
    const name = hubspotCursorName('contacts');
    const seen = (await cursorOf())!.recent.filter(([id]) => id !== late.id);
    const ahead = encodePollCursor({ v: 1, newestMs: modifiedMs + 30_000, recent: seen });
    await cursors.set(harness.testDb.db, installationId, name, ahead, harness.clock.now());

    const withoutOverlap = await pollHubSpot(harness.deps, installationId, 'contacts', { overlapMs: 0 });
    expect(withoutOverlap.handedOver).toBe(0);
    await cursors.set(harness.testDb.db, installationId, name, ahead, harness.clock.now());
    const withOverlap = await pollHubSpot(harness.deps, installationId, 'contacts');
    expect(withOverlap.handedOver).toBe(1);
    expect((await harness.dirtyRows(installationId)).map((row) => row.record.recordId)).toEqual([late.id]);
  });

  it('walks past the 10,000-result search cap, even when every record shares one instant', async () => {
    const bulkPortal = 3202;
    const bulk = (await harness.install(bulkPortal)).id;
    // An import: 10,050 contacts written at the same millisecond. Rate limits are not this test's subject.
    harness.hubspotClock.hold();
    await harness.hubspot.control.seed(bulkPortal, { contacts: 10_050, companies: 0, deals: 0, owners: 1 });
    harness.hubspotClock.release();
    await harness.hubspot.control.setPortalRateLimits(bulkPortal, { enabled: false });
    await harness.hubspot.control.resetCalls();
    const unlimited: ChangeDetectionDeps = {
      ...harness.deps,
      budget: { gateFor: () => ({ acquire: async () => undefined, settled: async () => undefined }) },
    };

    const outcome = await pollHubSpot(unlimited, bulk, 'contacts');
    expect(outcome.handedOver).toBe(10_050);
    const rows = await harness.testDb.db('dirty').where({ installation_id: bulk }).count({ n: '*' }).first();
    expect(Number((rows as { n: number | string }).n)).toBe(10_050);
    // One search finds a page all at one instant, one more finds that re-anchoring cannot move, then that
    // instant is walked by id (the other 9,850 records: 50 pages), and a last search finds nothing after it:
    // 53 calls against a floor of 51.
    expect(outcome.calls).toBe(53);
    const calls = await harness.hubspot.control.calls();
    expect(calls.byPortal[String(bulkPortal)]?.byRoute[SEARCH]).toBe(53);
  });
});
