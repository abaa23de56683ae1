/**
 * Several worker processes on one PostgreSQL: each has its own connection pool, as separate processes would,
 * and they claim at the same moment. No row may be handed to two of them.
 */
import * as dirty from '../../../src/db/dirty';
import { createDb, type Db } from '../../../src/db/knex';
import { claimBatch, type ClaimedItem } from '../../../src/queue/claim';
import { complete } from '../../../src/queue/settle';
import { hubspotContact, insertInstallation } from '../../factories/storage';
import { createTestDb, testDialects, type TestDb } from '../../support/db';

const describeOnPostgres = testDialects.includes('postgres') ? describe : describe.skip;

describeOnPostgres('concurrent claims on postgres', () => {
  const workerCount = 4;
  let testDb: TestDb;
  let pools: Db[];
  beforeAll(async () => {
    testDb = await createTestDb('postgres');
    pools = Array.from({ length: workerCount }, () => createDb(testDb.url, { maxConnections: 2 }));
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.destroy()));
    await testDb.destroy();
  });

  it('hands every row to exactly one worker', async () => {
    const installations = await Promise.all(Array.from({ length: 5 }, () => insertInstallation(testDb.db)));
    let expected = 0;
    for (const [index, installationId] of installations.entries()) {
      for (let n = 0; n < 60 + 10 * index; n += 1) {
        await dirty.mark(
          testDb.db,
          { installationId, record: hubspotContact(String(100_000 * (index + 1) + n)), source: 'poll' },
          1_000 + n,
        );
        expected += 1;
      }
    }

    const claimedBy = new Map<number, string[]>();
    const held: Array<{ pool: Db; item: ClaimedItem }> = [];
    await Promise.all(
      pools.map(async (pool, index) => {
        const workerId = `worker-${index}`;
        for (;;) {
          const batch = await claimBatch(pool, {
            workerId,
            now: 5_000,
            maxBatchSize: 7,
            leaseMs: 600_000,
            maxAttempts: 5,
          });
          if (batch.length === 0) return;
          for (const item of batch) {
            expect(item.claimedBy).toBe(workerId);
            claimedBy.set(item.id, [...(claimedBy.get(item.id) ?? []), workerId]);
            held.push({ pool, item });
          }
        }
      }),
    );

    const claimedTwice = [...claimedBy.entries()].filter(([, workers]) => workers.length > 1);
    expect(claimedTwice).toEqual([]);
    expect(claimedBy.size).toBe(expected);
    // More than one worker got work: the claims really did run side by side.
    expect(new Set(held.map(({ item }) => item.claimedBy)).size).toBeGreaterThan(1);

    const outcomes = await Promise.all(held.map(({ pool, item }) => complete(pool, item, 6_000)));
    expect(outcomes.every((outcome) => outcome === 'done')).toBe(true);
    expect(await testDb.db('dirty').select('id')).toEqual([]);
  });
});
