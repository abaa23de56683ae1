/**
 * The sync worker as a separate process, installed for real: killed with SIGKILL in the middle of a batch
 * and started again, it loses nothing and creates nothing twice; on PostgreSQL, two worker processes share
 * the queue, never hold the same record at once, and leave both sides equal.
 */
import * as dirty from '../../../src/db/dirty';
import type { Dialect } from '../../../src/db/knex';
import * as links from '../../../src/db/links';
import { testDialects } from '../../support/db';
import {
  eventually,
  installBridge,
  startWorkerProcess,
  type InstalledBridge,
  type WorkerProcess,
} from '../../support/installedBridge';
import { login } from '../../integration/emulators/salesforce/support';

jest.setTimeout(120_000);

async function createContacts(bridge: InstalledBridge, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const contact = await bridge.hubspot.control
      .asUser(bridge.portalId)
      .create('contacts', { email: `p${index}@proc.example`, lastname: `Person ${index}`, company: 'Proc' });
    ids.push(contact.id);
  }
  return ids;
}

async function markAll(
  bridge: InstalledBridge,
  ids: readonly string[],
  side: 'hubspot' | 'salesforce' = 'hubspot',
) {
  for (const id of ids) {
    await dirty.mark(
      bridge.testDb.db,
      {
        installationId: bridge.installationId,
        record:
          side === 'hubspot'
            ? { side: 'hubspot', objectType: 'contacts', recordId: id }
            : { side: 'salesforce', objectType: 'Lead', recordId: id },
        source: 'webhook',
      },
      Date.now(),
    );
  }
}

async function queueEmpty(bridge: InstalledBridge): Promise<boolean> {
  const counts = await dirty.counts(bridge.testDb.db, bridge.installationId, Date.now());
  return counts.pending === 0 && counts.claimed === 0;
}

/** Both sides hold the same people, each linked once, with the cross-ids in place. */
async function expectConverged(
  bridge: InstalledBridge,
  ids: readonly string[],
  extra: (lead: Record<string, unknown>, index: number) => void = () => undefined,
) {
  const { conn } = await login(bridge.salesforce);
  const leads = await conn.query<Record<string, unknown>>(
    "SELECT Id, LastName, Email, HubSpot_Id__c, Title, City FROM Lead WHERE Email LIKE '%@proc.example'",
  );
  expect(leads.totalSize).toBe(ids.length);
  const active = await bridge.testDb
    .db('links')
    .where({ installation_id: bridge.installationId, state: 'active' });
  expect(active).toHaveLength(ids.length);
  for (const [index, id] of ids.entries()) {
    const link = await links.findActiveByHubspot(bridge.testDb.db, bridge.installationId, 'contacts', id);
    const lead = leads.records.find((record) => record.Id === link?.salesforceId);
    expect(lead).toMatchObject({ LastName: `Person ${index}`, HubSpot_Id__c: id });
    const contact = await bridge.hubspot.control.record(bridge.portalId, 'contacts', id);
    expect(contact.properties.salesforce_record_id).toBe(link?.salesforceId);
    extra(lead as Record<string, unknown>, index);
  }
  expect(await bridge.testDb.db('failures').whereNot({ state: 'resolved' })).toEqual([]);
}

describe.each(testDialects)('worker processes (%s)', (dialect: Dialect) => {
  let bridge: InstalledBridge;
  const workers: WorkerProcess[] = [];
  beforeEach(async () => {
    bridge = await installBridge(dialect);
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await bridge.close();
  });

  it('loses nothing and duplicates nothing when a worker is killed mid-batch', async () => {
    const ids = await createContacts(bridge, 30);
    // Slow APIs keep a batch in flight long enough to be killed inside it.
    await bridge.hubspot.control.updateSettings({ latencyMs: 60 });
    await bridge.salesforce.control.setLatency(60);
    await markAll(bridge, ids);
    const env = { ...bridge.env, SYNC_LEASE_MS: '2000', SYNC_BATCH_SIZE: '10', LOG_LEVEL: 'info' };
    const first = startWorkerProcess(env);
    workers.push(first);
    const db = bridge.testDb.db;
    await eventually(
      async () => {
        const linked = await db('links')
          .where({ installation_id: bridge.installationId })
          .count({ n: '*' })
          .first();
        const claimed = await db('dirty').where({ state: 'claimed' }).count({ n: '*' }).first();
        return Number(linked?.n ?? 0) >= 3 && Number(claimed?.n ?? 0) > 0;
      },
      60_000,
      'the first worker to be inside a batch',
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    // It died holding claims: proof it was killed inside a batch.
    const held = await db('dirty').where({ state: 'claimed' });
    expect(held.length).toBeGreaterThan(0);
    expect(Number((await db('links').count({ n: '*' }).first())?.n)).toBeLessThan(ids.length);

    const second = startWorkerProcess(env);
    workers.push(second);
    await eventually(() => queueEmpty(bridge), 90_000, 'the queue to drain');
    await expectConverged(bridge, ids);
    expect(await second.stop()).toBe(0);
  });

  if (dialect === 'postgres') {
    it('shares the queue between two workers without ever holding one record in both', async () => {
      const ids = await createContacts(bridge, 24);
      await bridge.hubspot.control.updateSettings({ latencyMs: 20 });
      await bridge.salesforce.control.setLatency(20);
      const env = { ...bridge.env, SYNC_LEASE_MS: '30000', SYNC_BATCH_SIZE: '4', LOG_LEVEL: 'debug' };
      const pair = [startWorkerProcess(env), startWorkerProcess(env)];
      workers.push(...pair);
      await markAll(bridge, ids);
      await eventually(() => queueEmpty(bridge), 90_000, 'the creates to drain');

      // Now both sides of every link change at once, and both sides are marked: the two workers will be
      // handed the two sides of one link.
      const leadIds: string[] = [];
      for (const [index, id] of ids.entries()) {
        const link = await links.findActiveByHubspot(bridge.testDb.db, bridge.installationId, 'contacts', id);
        leadIds.push(link?.salesforceId as string);
        await bridge.hubspot.control
          .asUser(bridge.portalId)
          .update('contacts', id, { jobtitle: `Title ${index}` });
        await bridge.salesforce.control.updateRecord(link?.salesforceId as string, { City: `City ${index}` });
      }
      const sides = ids.flatMap((id, index) => [
        { side: 'hubspot' as const, id },
        { side: 'salesforce' as const, id: leadIds[index] as string },
      ]);
      for (const entry of sides) await markAll(bridge, [entry.id], entry.side);
      await eventually(() => queueEmpty(bridge), 90_000, 'the edits to drain');
      await expectConverged(bridge, ids, (lead, index) => {
        expect(lead).toMatchObject({ Title: `Title ${index}`, City: `City ${index}` });
      });
      for (const [index, id] of ids.entries()) {
        const contact = await bridge.hubspot.control.record(bridge.portalId, 'contacts', id);
        expect(contact.properties.city).toBe(`City ${index}`);
      }

      // Both workers did work, and no record was held by both at the same time.
      const intervals = new Map<string, Array<{ worker: string; from: number; to: number }>>();
      for (const worker of pair) {
        const open = new Map<string, number>();
        for (const line of worker.lines()) {
          const records = line.records as string[] | undefined;
          if (!records) continue;
          if (line.event === 'records_locked')
            for (const key of records) if (!open.has(key)) open.set(key, line.time as number);
          if (line.event === 'records_released') {
            for (const key of records) {
              const list = intervals.get(key) ?? [];
              list.push({
                worker: String(worker.child.pid),
                from: open.get(key) ?? (line.time as number),
                to: line.time as number,
              });
              intervals.set(key, list);
              open.delete(key);
            }
          }
        }
      }
      const workersSeen = new Set([...intervals.values()].flat().map((interval) => interval.worker));
      expect(workersSeen.size).toBe(2);
      for (const [key, list] of intervals) {
        for (const a of list) {
          for (const b of list) {
            if (a.worker === b.worker) continue;
            const overlap = a.from < b.to && b.from < a.to;
            if (overlap) throw new Error(`${key} was held by two workers at once`);
          }
        }
      }
    });
  }
});
